"""Folium elements of the map page whose resources the app serves itself.

``ParkMap`` is Folium's ``Map`` with every script and stylesheet pointed at this
app (set per instance: Folium's class-level lists are never touched). The plugins
used on the page get empty resource lists per instance, since the map already
loads local copies of what they need.
"""

from __future__ import annotations

from typing import Any

import folium
from flask import url_for
from folium.elements import JSCSSMixin
from folium.plugins import Fullscreen, Search
from folium.template import Template

from webmap.core import assets


class ParkMap(folium.Map):
    """A Folium map whose JS and CSS come from this app, never from a CDN."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.default_js = [
            *assets.js_links(),
            ("parkmap_shell", static_url("parkmap/shell.js")),
            ("parkmap_ui", static_url("parkmap/parkmap-controls.js")),
            ("parkmap_declutter", static_url("parkmap/declutter.js")),
            ("parkmap", static_url("parkmap/parkmap.js")),
        ]
        self.default_css = [
            *assets.css_links(),
            ("parkmap_css", static_url("parkmap/parkmap.css")),
            ("parkmap_shell_css", static_url("parkmap/shell.css")),
        ]


def local(element: JSCSSMixin) -> JSCSSMixin:
    """Drop a plugin's CDN links (per instance); ``ParkMap`` loads local copies."""
    element.default_js = []
    element.default_css = []
    return element


class ParkSearch(Search):
    """Folium's Search over the parks, with tips built as text (never as HTML)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = new L.Control.Search({
            layer: {{ this.layer.get_name() }},
            propertyName: {{ this.search_label|tojson }},
            collapsed: {{ this.collapsed|tojson }},
            textPlaceholder: {{ this.placeholder|tojson }},
            textErr: {{ this.not_found|tojson }},
            textCancel: {{ this.cancel|tojson }},
            position: {{ this.position|tojson }},
            initial: false,
            marker: false,
            buildTip: parkmap.searchTip,
            moveToLocation: function (latlng, title, map) {
                map.fitBounds(latlng.layer.getBounds(), {maxZoom: 15});
            }
        });
        {{ this.get_name() }}.on('search:locationfound', function (e) {
            e.layer.fire('click', {latlng: e.layer.getBounds().getCenter()}, true);
        });
        {{ this._parent.get_name() }}.addControl({{ this.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(
        self, layer: folium.GeoJson, placeholder: str, not_found: str, cancel: str
    ) -> None:
        super().__init__(
            layer,
            search_label="_search",
            geom_type="Polygon",
            placeholder=placeholder,
            collapsed=False,
            position="topleft",
        )
        self.not_found = not_found
        self.cancel = cancel
        local(self)


def fullscreen(title: str, title_cancel: str) -> Fullscreen:
    """The fullscreen button with translated titles, resources served locally."""
    return local(  # type: ignore[return-value]
        Fullscreen(position="topleft", title=title, title_cancel=title_cancel)
    )


class ParkmapClient(folium.MacroElement):
    """Starts ``parkmap.js`` once every layer exists: state, panels, messages."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        parkmap.init({{ this._parent.get_name() }}, {{ this.config }}, {
        {%- for name, var in this.overlays %}
            {{ name|tojson }}: {{ var }},
        {%- endfor %}
        }, {
        {%- for key, var in this.bases %}
            {{ key|tojson }}: {{ var }},
        {%- endfor %}
        });
        {% endmacro %}
        """
    )

    def __init__(
        self,
        config: str,
        overlays: list[tuple[str, str]],
        bases: list[tuple[str, str]],
    ) -> None:
        super().__init__()
        self._name = "ParkmapClient"
        self.config = config  # already script-safe JSON
        self.overlays = overlays
        self.bases = bases


def static_url(filename: str) -> str:
    """URL of a file under ``webmap/static``."""
    return url_for("static", filename=filename)
