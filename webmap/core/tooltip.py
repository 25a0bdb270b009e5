"""A Folium tooltip whose HTML reaches the page's script as a JSON string.

``folium.Tooltip`` (0.20) pastes its text into a JavaScript template literal
(`` `<div>…</div>` ``): HTML escaping leaves ``${…}`` and backticks alone, so a
title such as ``Cam ${alert(1)}`` would run inside the map's own nonce'd script.
``Tooltip`` here renders the same ``bindTooltip`` call with the HTML serialised by
Jinja's ``tojson`` (quotes, ``<``, ``>``, ``&`` and ``'`` escaped), so nothing in
it is ever JavaScript source. Use it for every tooltip the project adds; popups
and tooltips of GeoJSON layers travel as feature properties (data, not code).
"""

from __future__ import annotations

import folium
from folium.template import Template
from markupsafe import Markup


class Tooltip(folium.Tooltip):
    """``folium.Tooltip`` with its content passed as data.

    Args:
        html: the tooltip's HTML, already escaped (a ``Markup``); plain ``str``
            is escaped here.
        sticky: whether the tooltip follows the mouse.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.bindTooltip(
                {{ this.html|tojson }},
                {{ this.options|tojavascript }}
            );
        {% endmacro %}
        """
    )

    def __init__(self, html: Markup | str, sticky: bool = True) -> None:
        super().__init__("", sticky=sticky)
        self.html = str(Markup.escape(html))
