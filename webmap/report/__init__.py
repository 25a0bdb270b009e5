"""The site report: a parcel's or a park's facts and map as an A4 PDF.

``webmap/views/parcels.py`` serves ``/parcels/<id>/report.pdf`` and
``/parks/<id>/report.pdf``. The facts come from the same functions the parcel and
park pages use (``webmap.investor.parcel``, ``park``, ``nearby``): ``sections``
turns their context into the report's tables, ``sitemap`` draws the site and its
surroundings from the store's own layers as vector graphics, ``fonts`` sets
Vietnamese, Korean and Japanese text in the Noto fonts ``npm ci`` installs, and
``document`` lays it all out with the QR code of the page. ``ERRORS`` are its
exceptions and their statuses, added to the app's error table by the investor
blueprint.
"""

from __future__ import annotations

from webmap.report.fonts import FontsMissing

ERRORS: dict[type[Exception], int] = {FontsMissing: 503}
