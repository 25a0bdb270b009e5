"""Reading pages back in tests: JSON data blocks, script code outside strings, and
what a map page hands to the browser (its settings, asset URLs).
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from typing import Any

SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script>", re.S | re.I)
JSON_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')


def json_block_text(page: str, element_id: str) -> str:
    """The raw text of ``<script type="application/json" id=element_id>``."""
    match = re.search(
        rf'<script type="application/json" id="{re.escape(element_id)}">(.*?)</script>',
        page,
        re.S,
    )
    if match is None:
        raise AssertionError(f"no JSON block #{element_id} on the page")
    return match.group(1)


def json_block(page: str, element_id: str) -> Any:
    """That block parsed (it is HTML-escaped in the page, as Jinja writes it)."""
    return json.loads(html.unescape(json_block_text(page, element_id)))


def code_outside_strings(page: str) -> list[str]:
    """Each inline script with its double-quoted (JSON) string literals blanked.

    Text from the data that still shows in what is left reached script source.
    """
    return [JSON_STRING.sub('""', body) for body in SCRIPT.findall(page)]


# --- What a map page hands to the browser (was webmap/maphelpers.py) ---


def client_config(html: str) -> dict[str, Any]:
    """The settings object the page passes to ``parkmap.init``."""
    start = html.index("parkmap.init(")
    brace = html.index("{", start)
    config, _ = json.JSONDecoder().raw_decode(html, brace)
    return config


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("script", "img", "iframe") and values.get("src"):
            self.urls.append(values["src"] or "")
        if tag == "link" and values.get("rel") == "stylesheet":
            self.urls.append(values.get("href") or "")


def asset_urls(html: str) -> list[str]:
    """Every script, stylesheet, image and frame URL in a page."""
    parser = _Assets()
    parser.feed(html)
    return parser.urls


CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


def css_urls(css: str) -> list[str]:
    """The url(...) references of a stylesheet (fonts, images), data: and VML aside."""
    return [u for u in CSS_URL.findall(css) if not u.startswith(("data:", "#"))]


def shows(html: str, text: str) -> bool:
    """Whether ``text`` is in the page as HTML text or inside a script's JSON."""
    return text in html or json.dumps(text)[1:-1] in html
