"""Helpers to read what a map page hands to the browser."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any


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
