"""The minified copies ``make assets`` builds, and fonts that swap in."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from webmap.assetbuild import (
    STATIC_DIR,
    AssetBuildError,
    Job,
    build,
    minify,
    swap_font_display,
    vendor_jobs,
)
from webmap.core import assets
from webmap.settings import PROJECT_ROOT as ROOT

VENDOR = ROOT / "node_modules"
FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("assets")
    return out, build(out, VENDOR)


@pytest.mark.parametrize(
    ("css", "expected"),
    [
        (
            "@font-face{font-family:x;font-display:block;src:url(a.woff2)}",
            "@font-face{font-family:x;font-display:swap;src:url(a.woff2)}",
        ),
        (
            "@font-face { font-family: x; src: url(a.woff2); }",
            "@font-face {font-family: x; src: url(a.woff2);font-display:swap}",
        ),
        ("@font-face{}", "@font-face{font-display:swap}"),
        (".a{font-display:block}", ".a{font-display:block}"),
    ],
)
def test_swap_font_display(css: str, expected: str) -> None:
    assert swap_font_display(css) == expected


def test_every_font_awesome_face_swaps(built) -> None:
    out, _ = built
    css = (out / "vendor/@fortawesome/fontawesome-free/css/all.min.css").read_text()
    faces = FONT_FACE.findall(css)
    assert len(faces) >= 3
    assert all("font-display:swap" in face for face in faces)
    assert "font-display:block" not in css


def test_no_served_stylesheet_has_a_face_that_blocks(built) -> None:
    """Every @font-face of the app's and the libraries' CSS, as served, swaps."""
    out, _ = built
    sources = [*STATIC_DIR.rglob("*.css")]
    sources += [
        job.source for job in vendor_jobs(VENDOR, out) if job.source.suffix == ".css"
    ]
    for name, package in assets.PACKAGES.items():
        sources += [
            path
            for pattern in package.files
            if pattern.endswith(".css")
            and (path := assets.resolve(name, pattern, VENDOR))
        ]
    for source in sources:
        copy = _copy_of(source, out)
        text = (copy if copy.is_file() else source).read_text(encoding="utf-8")
        for face in FONT_FACE.findall(text):
            assert "font-display:swap" in face.replace(" ", ""), source


def _copy_of(source: Path, out: Path) -> Path:
    if source.is_relative_to(STATIC_DIR):
        return out / "static" / source.relative_to(STATIC_DIR)
    return out / "vendor" / source.relative_to(VENDOR.resolve())


def test_copies_are_minified_and_smaller(built) -> None:
    out, written = built
    for rel in ("vendor/leaflet/dist/leaflet.css", "static/parkmap/parkmap.css"):
        assert out / rel in written
    original = (VENDOR / "leaflet/dist/leaflet.css").stat().st_size
    assert (out / "vendor/leaflet/dist/leaflet.css").stat().st_size < original * 0.8
    three = (out / "vendor/three/build/three.module.js").read_text()
    assert 'from"./three.core.js"' in three  # the relative import still resolves


def test_min_files_are_not_rebuilt(built) -> None:
    out, _ = built
    assert not (out / "vendor/leaflet.vectorgrid").exists()  # .min.js: served as is
    assert not (out / "vendor/leaflet-search").exists()  # .min.css without fonts


def test_the_build_is_incremental(built) -> None:
    out, _ = built
    assert build(out, VENDOR) == []
    copy = out / "static/parkmap/parkmap.css"
    os.utime(copy, ns=(0, 0))  # older than its source: redone
    assert build(out, VENDOR) == [copy]


def test_esbuild_errors_are_reported(tmp_path: Path) -> None:
    bad = tmp_path / "bad.js"
    bad.write_text("function (")
    with pytest.raises(AssetBuildError, match="esbuild failed"):
        minify([Job(bad, tmp_path / "out.js", True)], tmp_path, VENDOR)


def test_missing_esbuild_is_named(tmp_path: Path) -> None:
    with pytest.raises(AssetBuildError, match="npm ci"):
        minify([Job(tmp_path / "a.js", tmp_path / "b.js", True)], tmp_path, tmp_path)
