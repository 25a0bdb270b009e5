"""No render-blocking script in the head of the pages built from plain templates.

The Folium map pages (``map/``, ``planner/map.html``) put Folium's header in their
head and are left out here; every other template's head, and every block that fills
one, may load a script only as ``defer``, ``async`` or a module.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "webmap" / "templates"
FOLIUM_PAGES = {"planner/map.html"}
HEAD = re.compile(r"<head>(.*?)</head>", re.S)
HEAD_BLOCK = re.compile(
    r"{%-?\s*block\s+(?:head|extra_head|meta)\s*-?%}(.*?){%-?\s*endblock", re.S
)
SCRIPT = re.compile(r"<script\b[^>]*\bsrc=[^>]*>", re.S)
NON_BLOCKING = re.compile(r"\b(defer|async)\b|type=\"module\"")


def templates() -> list[str]:
    names = [str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html")]
    return sorted(
        n for n in names if not n.startswith("map/") and n not in FOLIUM_PAGES
    )


@pytest.mark.parametrize("name", templates())
def test_scripts_in_the_head_do_not_block(name: str) -> None:
    text = (TEMPLATES / name).read_text(encoding="utf-8")
    heads = HEAD.findall(text) + HEAD_BLOCK.findall(text)
    for head in heads:
        for tag in SCRIPT.findall(head):
            assert NON_BLOCKING.search(tag), (name, tag)


def test_the_check_sees_a_blocking_script() -> None:
    head = HEAD_BLOCK.findall(
        '{% block head %}<script src="a.js"></script>{% endblock %}'
    )
    assert head and not NON_BLOCKING.search(SCRIPT.findall(head[0])[0])
