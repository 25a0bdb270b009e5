"""Tests of webmap.planner: the clearance tracker's pages, API, charts and exports."""
