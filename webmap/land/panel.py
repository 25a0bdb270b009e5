"""The land search on the map page: a "Find land" button and a panel, as one element.

The page carries only the button, a few words and two URLs: the panel's form and
list come from ``/land/panel`` when it is first opened (or at load, when the map
URL carries a search), so the map page stays the same size. ``land.js`` draws the
results on the page's map; ``land-panel.js`` hands the search's parameters to
``parkmap.js``, which keeps them in the URL with the rest of the view.
"""

from __future__ import annotations

import folium
from flask import url_for
from flask_babel import gettext
from folium.elements import JSCSSMixin
from folium.template import Template

from webmap.mapview.controls import static_url
from webmap.mapview.layers import dumps


class LandPanel(JSCSSMixin, folium.MacroElement):
    """The map page's land search control (scripts and styles served by the app)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        parkmapLand.panel({{ this._parent.get_name() }}, {{ this.config }});
        {% endmacro %}
        """
    )

    def __init__(self, lang: str) -> None:
        super().__init__()
        self._name = "LandPanel"
        self.config = dumps(
            {
                "lang": lang,
                "panelUrl": url_for("land.panel"),
                "texts": {"open": gettext("Find land"), "close": gettext("Close")},
            }
        )
        # Per instance: Folium's class-level lists are never touched.
        self.default_js = [
            ("parkmap_land", static_url("land/land.js")),
            ("parkmap_land_panel", static_url("land/land-panel.js")),
        ]
        self.default_css = [("parkmap_land_css", static_url("land/land.css"))]


def add_land_panel(m: folium.Map, lang: str) -> None:
    """Add the land search control to a map page's Folium map."""
    LandPanel(lang).add_to(m)
