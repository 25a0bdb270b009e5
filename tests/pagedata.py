"""Reading pages back in tests: JSON data blocks, and script code outside strings."""

from __future__ import annotations

import html
import json
import re
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
