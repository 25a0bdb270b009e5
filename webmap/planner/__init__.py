"""The planner's site-clearance tracker: request parsing, reports, charts, exports.

Views live in ``webmap/views/planner.py``; this package holds what is not a view.
"""
