"""The planner's site-clearance tracker: request parsing, reports, charts, exports.

Views live in ``webmap/views/planner.py``; this package holds what is not a view.
``ERRORS`` and ``EXTRA`` are its exceptions' statuses and problem members, added to
the app's error table when the planner's blueprint is registered.
"""

from __future__ import annotations

from typing import Any

from layers.clearance.rules import EditRejected, ParcelNotTracked, StaleEdit
from webmap.planner.params import InvalidBody

ERRORS: dict[type[Exception], int] = {
    EditRejected: 422,
    StaleEdit: 409,
    ParcelNotTracked: 404,
    InvalidBody: 400,
}


def current_record(exc: StaleEdit) -> dict[str, Any]:
    """A stale edit's problem carries the record as it is: the client redraws."""
    return {"current": exc.current.to_dict()}


EXTRA = {StaleEdit: current_record}
