"""The report's fonts: Noto Sans, KR and JP from npm, and text split among them.

``npm ci`` (``make run``, ``make assets``) installs the Noto families from the
``@expo-google-fonts`` packages pinned in ``package.json`` (SIL Open Font License
1.1) into ``PARKMAP_VENDOR_DIR``; they are TrueType (``glyf``) fonts, which
reportlab embeds as subsets. No one font has every glyph a report needs, so each
text is cut into runs, each set in the first font of the language's chain that
has its characters: Noto Sans for Latin and Vietnamese, then Noto Sans KR or JP
(Japanese reports prefer the JP forms of the ideographs, the others KR).
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from flask import current_app
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

# family → (npm package, the files' stem); each weight sits in its own folder
FAMILIES = {
    "sans": ("@expo-google-fonts/noto-sans", "NotoSans"),
    "kr": ("@expo-google-fonts/noto-sans-kr", "NotoSansKR"),
    "jp": ("@expo-google-fonts/noto-sans-jp", "NotoSansJP"),
}
WEIGHTS = {False: "400Regular", True: "700Bold"}
_LOCK = threading.Lock()


class FontsMissing(RuntimeError):
    """A font file of the report is not where ``npm ci`` puts it."""


@dataclass(frozen=True, slots=True)
class Chain:
    """The fonts tried in order for a language, regular or bold."""

    names: tuple[str, ...]
    cmaps: tuple[dict[int, int], ...]  # code point → glyph

    @property
    def first(self) -> str:
        """The font of spaces, digits and Latin text."""
        return self.names[0]

    def font_of(self, char: str) -> str | None:
        """The first font of the chain that has ``char``, else None."""
        code = ord(char)
        for name, cmap in zip(self.names, self.cmaps, strict=True):
            if code in cmap:
                return name
        return None


def font_file(vendor: Path, family: str, bold: bool) -> Path:
    """Where the npm package keeps one weight of a family."""
    package, stem = FAMILIES[family]
    weight = WEIGHTS[bold]
    return vendor / package / weight / f"{stem}_{weight}.ttf"


def _register(family: str, bold: bool) -> tuple[str, dict[int, int]]:
    """Register one font with reportlab (once per file) and answer its cmap.

    reportlab's font registry is global, so the name carries the file's path:
    two apps with different ``VENDOR_DIR`` never share a font.
    """
    path = font_file(Path(current_app.config["VENDOR_DIR"]), family, bold)
    digest = hashlib.blake2b(str(path).encode(), digest_size=4).hexdigest()
    name = f"pm-{family}{'-bold' if bold else ''}-{digest}"
    with _LOCK:
        try:
            font = pdfmetrics.getFont(name)
        except KeyError:
            if not path.is_file():
                raise FontsMissing(
                    f"the report's font {path} is missing: run `npm ci` "
                    "(make assets) to install the packages in package.json"
                ) from None
            font = TTFont(name, str(path))
            pdfmetrics.registerFont(font)
    return name, font.face.charToGlyph


def chain(lang: str, bold: bool = False) -> Chain:
    """The fonts for ``lang``: Noto Sans, then the preferred CJK family.

    Raises:
        FontsMissing: a font file is not installed.
    """
    order = ("sans", "jp", "kr") if lang == "ja" else ("sans", "kr", "jp")
    found = [_register(family, bold) for family in order]
    return Chain(tuple(n for n, _ in found), tuple(c for _, c in found))


def runs(text: str, fonts: Chain) -> list[tuple[str, str]]:
    """``text`` cut into (font, text) runs; spaces stay in the run they are in."""
    out: list[tuple[str, str]] = []
    for char in text:
        name = None if char.isspace() else fonts.font_of(char)
        if name is None:  # a space, or a character no font has (drawn as a box)
            name = out[-1][0] if out else fonts.first
        if out and out[-1][0] == name:
            out[-1] = (name, out[-1][1] + char)
        else:
            out.append((name, char))
    return out


def markup(text: str, fonts: Chain) -> str:
    """``text`` as reportlab paragraph markup, escaped, each run in its font."""
    return "".join(
        f'<font face="{name}">{escape(part).replace(chr(10), "<br/>")}</font>'
        for name, part in runs(text, fonts)
    )


def width(text: str, fonts: Chain, size: float) -> float:
    """The width of ``text`` in points when set in ``fonts`` at ``size``."""
    return sum(pdfmetrics.stringWidth(p, n, size) for n, p in runs(text, fonts))
