"""The words parkmap.js shows, translated for the request (plain text, no HTML)."""

from __future__ import annotations

from flask_babel import gettext


def client_texts() -> dict[str, str]:
    """Every UI string the browser script needs, in the request's language."""
    return {
        "gesture": gettext("Hold Ctrl and scroll, or click the map, to zoom"),
        "gestureMac": gettext("Hold ⌘ and scroll, or click the map, to zoom"),
        "loading": gettext("Loading…"),
        "failed": gettext("The details could not be loaded."),
        "measureOn": gettext("Measure distances"),
        "measureOff": gettext("Stop measuring"),
        "measureClear": gettext("Clear measurements"),
        "measureFinish": gettext("Click to finish the line"),
        "measureDelete": gettext("Shift-click to delete the point"),
        "measureMove": gettext("Drag to move the point"),
        "measureResume": gettext("Ctrl-click to continue the line"),
        "measureAdd": gettext("Ctrl-click to add a point"),
        "minimapHide": gettext("Hide the overview map"),
        "minimapShow": gettext("Show the overview map"),
        "locate": gettext("Show my location"),
        "findLandHere": gettext("Find land here"),
        "askParcel": gettext("Ask about this parcel"),
        # A cluster marker's name (declutter.js): how many, which, what a click does.
        "cluster": gettext("%(count)s places: %(names)s. Zoom in to see them."),
    }


def imagery_texts() -> dict[str, str]:
    """The imagery panel's words; ``%(date)s`` is filled in per raster later."""
    return {
        "opacity_heading": gettext("Imagery opacity"),
        "compare": gettext("Compare two dates"),
        "before": gettext("Before"),
        "after": gettext("After"),
        "before_date": gettext("Before: %(date)s"),
        "after_date": gettext("After: %(date)s"),
        "divider": gettext("Divider between the two dates (arrow keys move it)"),
    }
