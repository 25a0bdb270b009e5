"""A tripwire on Pillow's EPS plugin: tests fail if any byte reaches it or Ghostscript."""

from __future__ import annotations

import pytest
from PIL import EpsImagePlugin, Image

EPS = (
    b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 1024 512\n%%EndComments\n"
    b"newpath 0 0 moveto 1024 512 lineto stroke\nshowpage\n%%EOF\n"
)


def trip_eps(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Replace the EPS plugin's sniffer, opener and Ghostscript call with recorders.

    Returns:
        The list each call appends to ("accept", "open", "gs"); empty if none ran.
    """
    calls: list[str] = []

    def record(what: str):
        def called(*_args: object, **_kwargs: object) -> bool:
            calls.append(what)
            return True

        return called

    Image.init()  # register every plugin, EPS included, before replacing it
    monkeypatch.setitem(Image.OPEN, "EPS", (_refuse(calls), record("accept")))
    monkeypatch.setattr(EpsImagePlugin, "Ghostscript", record("gs"))
    return calls


def _refuse(calls: list[str]):
    def factory(*_args: object, **_kwargs: object) -> Image.Image:
        calls.append("open")
        raise SyntaxError("the EPS plugin must never be tried")

    return factory
