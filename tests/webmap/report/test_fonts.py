"""The report's fonts: the npm Noto files, runs per script, text read back."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate

from tests.support.pdf import pdf_fonts, pdf_text
from webmap import create_app
from webmap.report import fonts

SAMPLE = "Hệ thống cấp nước Đình Vũ · 한국 산업단지 · 日本の工業団地"


@pytest.fixture
def app(tmp_path: Path):
    return create_app({"TESTING": True, "STORE": str(tmp_path / "none.gpkg")})


@pytest.mark.parametrize("lang", ["vi", "ko", "ja"])
def test_the_text_reads_back_from_the_pdf_with_every_font_embedded(app, tmp_path, lang):
    with app.app_context():
        chain = fonts.chain(lang)
        out = io.BytesIO()
        style = ParagraphStyle("t", fontName=chain.first, wordWrap="CJK")
        SimpleDocTemplate(out, pagesize=A4, initialFontName=chain.first).build(
            [Paragraph(fonts.markup(SAMPLE, chain), style)]
        )
    text = pdf_text(out.getvalue(), tmp_path)
    for word in ("Hệ", "nước", "Đình", "Vũ", "한국", "日本", "工業団地"):
        assert word in text, (word, text)
    assert all(embedded for _, embedded in pdf_fonts(out.getvalue(), tmp_path))


def test_runs_give_latin_to_noto_sans_and_cjk_to_the_language_s_family(app):
    with app.app_context():
        ja, ko = fonts.chain("ja"), fonts.chain("ko")
    sans, jp, kr = ja.names
    assert ko.names == (sans, kr, jp)
    assert fonts.runs("Đình Vũ 日本", ja) == [(sans, "Đình Vũ "), (jp, "日本")]
    assert fonts.runs("日本", ko) == [(kr, "日本")]  # KR has the ideographs too
    assert fonts.runs("한국 공단", ja) == [(kr, "한국 공단")]  # JP has no Hangul


def test_markup_escapes_the_text(app):
    with app.app_context():
        chain = fonts.chain("en")
    assert "&lt;b&gt;" in fonts.markup("<b>", chain)


def test_missing_fonts_say_how_to_install_them(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "STORE": str(tmp_path / "x.gpkg"),
            "VENDOR_DIR": str(tmp_path),
        }
    )
    with app.app_context(), pytest.raises(fonts.FontsMissing, match="npm ci"):
        fonts.chain("vi")


def test_the_fonts_are_truetype_outlines(app):
    with app.app_context():
        vendor = Path(app.config["VENDOR_DIR"])
    for family in fonts.FAMILIES:
        for bold in (False, True):
            head = fonts.font_file(vendor, family, bold).read_bytes()[:4]
            assert head == b"\x00\x01\x00\x00", (family, bold)  # glyf, not CFF (OTTO)


def test_the_fonts_come_from_the_lock_file():
    root = Path(__file__).resolve().parents[3]
    lock = (root / "package-lock.json").read_text()
    for package, _ in fonts.FAMILIES.values():
        assert f'"node_modules/{package}"' in lock
