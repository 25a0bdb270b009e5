"""Tests of webmap.investor: parcel, park and compare pages, enquiries, the park map."""
