"""Pages for investors: a parcel, a park, parcels side by side, and enquiries.

``webmap/views/parcels.py`` serves ``/parcels/<id>``, ``/parks/<id>`` and
``/compare``; ``webmap/views/enquiries.py`` the admins' list of enquiries. The
modules here gather what those pages show; the templates escape it.
"""
