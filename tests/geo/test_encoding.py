from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point

from geo.encoding import candidate_codecs, codec_for_cpg, recode_frame


def as_gdal_latin1(text: str, codec: str) -> str:
    """What GDAL returns for ``text`` stored in ``codec`` when read as ISO-8859-1."""
    return text.encode(codec).decode("latin-1")


def frame(values: list[str | None], name: str = "ten") -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {name: values}, geometry=[Point(0, 0)] * len(values), crs="EPSG:4326"
    )


@pytest.mark.parametrize(
    ("cpg", "codec"),
    [
        ("UTF-8", "utf-8"),
        ("utf8\r\n", "utf-8"),
        ("65001", "utf-8"),
        ("1258", "cp1258"),
        ("CP1258", "cp1258"),
        ("ANSI 1258", "cp1258"),
        ("windows-1258", "cp1258"),
        ("88591", "iso8859-1"),
        ("ISO-8859-1", "iso8859-1"),
        ("LDID/3", "cp1252"),
        ("\ufeffUTF-8", "utf-8"),
    ],
)
def test_codec_for_cpg_maps_known_code_pages(cpg, codec):
    assert codec_for_cpg(cpg) == codec


@pytest.mark.parametrize("cpg", ["", "LDID/87", "klingon", "99999"])
def test_codec_for_cpg_returns_none_for_unknown(cpg):
    assert codec_for_cpg(cpg) is None


def test_candidate_codecs_put_declared_first_without_repeats():
    assert candidate_codecs("cp1258") == ("cp1258", "utf-8", "latin-1")
    assert candidate_codecs(None) == ("utf-8", "cp1258", "latin-1")


def test_recode_frame_decodes_names_and_values():
    raw = frame(
        [as_gdal_latin1("Đình Vũ", "utf-8"), None], as_gdal_latin1("tên", "utf-8")
    )
    out, codec, notes = recode_frame(raw, ("utf-8",), declared_utf8=False)
    assert codec == "utf-8"
    assert list(out.columns) == ["tên", "geometry"]
    assert out["tên"].iloc[0] == "Đình Vũ"
    assert notes == []


def test_recode_frame_falls_back_to_latin1_when_cp1258_fails():
    raw = frame(["caf\xe9 \x81"])  # 0x81 is undefined in cp1258
    out, codec, notes = recode_frame(raw, candidate_codecs(None), declared_utf8=False)
    assert codec == "latin-1"
    assert out["ten"].iloc[0] == "caf\xe9 \x81"
    assert notes == ["text is not valid utf-8; read it as latin-1"]


def test_recode_frame_drops_cut_utf8_character_when_declared():
    cut = "Đình Vũ".encode()[:-1]  # 'ũ' cut in half by a narrow field
    raw = frame([cut.decode("latin-1")])
    out, codec, notes = recode_frame(raw, candidate_codecs("utf-8"), declared_utf8=True)
    assert codec == "utf-8"
    assert out["ten"].iloc[0] == "Đình V"
    assert "dropped a cut-off UTF-8 character" in notes[0]


def test_recode_frame_does_not_guess_utf8_from_cut_text_when_undeclared():
    raw = frame(["Đình Vũ".encode()[:-1].decode("latin-1")])
    _, codec, _ = recode_frame(raw, candidate_codecs(None), declared_utf8=False)
    assert codec != "utf-8"
