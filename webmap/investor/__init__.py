"""Pages for investors: a parcel, a park, parcels side by side, and enquiries.

``webmap/views/parcels.py`` serves ``/parcels/<id>``, ``/parks/<id>`` and
``/compare``; ``webmap/views/enquiries.py`` the admins' list of enquiries. The
modules here gather what those pages show; the templates escape it. ``ERRORS``
are the enquiries' exceptions and their statuses, added to the app's error table
when the investor blueprint is registered.
"""

from __future__ import annotations

from layers.enquiries.rules import EnquiryRejected, TooManyEnquiries

ERRORS: dict[type[Exception], int] = {EnquiryRejected: 422, TooManyEnquiries: 429}
