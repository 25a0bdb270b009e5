"""Panorama files: 2:1 and size checks, EXIF GPS, metadata stripped, tile pyramid."""

from __future__ import annotations

import io

import pytest
from PIL import Image, UnidentifiedImageError

from geo.panorama import PanoramaError
from geo.panorama_image import open_photo, photo_info, plan_levels, write_tiles
from tests.support.pillow import EPS, trip_eps
from tests.support.scenes import photo_bytes


@pytest.mark.parametrize(
    ("width", "tile", "levels"),
    [
        (1024, 512, [(1024, 2, 1)]),
        (4096, 512, [(1024, 2, 1), (2048, 4, 2), (4096, 8, 4)]),
        (8000, 500, [(1000, 2, 1), (2000, 4, 2), (4000, 8, 4), (8000, 16, 8)]),
        (6000, 375, [(750, 2, 1), (1500, 4, 2), (3000, 8, 4), (6000, 16, 8)]),
    ],
)
def test_tile_levels(width, tile, levels) -> None:
    size, planned = plan_levels(width)
    assert size == tile
    assert [(lv.width, lv.cols, lv.rows) for lv in planned] == levels


def test_8k_panorama_opens_with_a_small_base_and_square_tiles() -> None:
    size, levels = plan_levels(8192)
    assert size == 512 and levels[0].width == 1024  # first view: 2 tiles of 512²
    assert levels[-1].cols * size == 8192


def test_non_2_to_1_image_is_refused_naming_the_file() -> None:
    with pytest.raises(PanoramaError, match=r"2:1.*1000×600") as info:
        open_photo(photo_bytes(1000, 600), name="view.jpg", max_width=8192)
    assert "view.jpg" in str(info.value)


def test_too_wide_and_too_small_images_are_refused() -> None:
    with pytest.raises(PanoramaError, match="too wide"):
        open_photo(photo_bytes(2048, 1024), name="big.jpg", max_width=1024)
    with pytest.raises(PanoramaError, match="too small"):
        open_photo(photo_bytes(256, 128), name="tiny.jpg", max_width=1024)


def test_not_an_image_is_refused() -> None:
    with pytest.raises(PanoramaError, match="not a readable image"):
        open_photo(b"GIF89a nonsense", name="x.gif", max_width=1024)


def test_eps_is_refused_without_trying_the_eps_plugin(monkeypatch) -> None:
    calls = trip_eps(monkeypatch)
    with pytest.raises(PanoramaError) as info:
        open_photo(EPS, name="view.eps", max_width=8192)
    assert "expected a JPEG, PNG or WebP file, got PostScript/EPS" in str(info.value)
    assert info.value.field == "image" and calls == []


def test_the_eps_tripwire_catches_an_unrestricted_open(monkeypatch) -> None:
    calls = trip_eps(monkeypatch)
    with pytest.raises(UnidentifiedImageError):
        Image.open(io.BytesIO(EPS))
    assert calls == ["accept", "open"]


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_jpeg_png_and_webp_are_accepted(fmt: str) -> None:
    image = open_photo(photo_bytes(fmt=fmt), name=f"p.{fmt.lower()}", max_width=4096)
    assert (image.format, image.size) == (fmt, (1024, 512))


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF"])
def test_other_image_formats_are_refused_by_name(fmt: str) -> None:
    with pytest.raises(PanoramaError, match=f"got {fmt}"):
        open_photo(photo_bytes(fmt=fmt), name="p", max_width=4096)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_a_truncated_image_is_refused_when_opened(fmt: str) -> None:
    whole = photo_bytes(fmt=fmt)
    with pytest.raises(PanoramaError, match="not a readable image") as info:
        open_photo(whole[: len(whole) // 2], name="cut", max_width=4096)
    assert info.value.field == "image"


def test_an_opened_photo_is_already_decoded() -> None:
    image = open_photo(photo_bytes(), name="p.jpg", max_width=4096)
    assert image.im is not None  # nothing left to fail later, while tiling


def test_exif_gps_gives_position_and_heading() -> None:
    data = photo_bytes(gps=(106.7012, 20.8456), heading=135.0)
    info = photo_info(open_photo(data, name="p.jpg", max_width=4096))
    assert info.lon == pytest.approx(106.7012, abs=1e-5)
    assert info.lat == pytest.approx(20.8456, abs=1e-5)
    assert info.heading_deg == pytest.approx(135.0)


def test_no_exif_gps_gives_no_position() -> None:
    info = photo_info(open_photo(photo_bytes(fmt="PNG"), name="p.png", max_width=4096))
    assert (info.lon, info.lat, info.heading_deg) == (None, None, None)


def test_tiles_carry_no_metadata(tmp_path) -> None:
    data = photo_bytes(gps=(106.7, 20.8))
    tiled = write_tiles(open_photo(data, name="p.jpg", max_width=4096), tmp_path / "s")
    assert tiled.width == 1024 and tiled.tile_size == 512
    files = sorted((tmp_path / "s").rglob("*.jpg"))
    assert {f.relative_to(tmp_path / "s").as_posix() for f in files} == {
        "base.jpg",
        "thumb.jpg",
        "0/0_0.jpg",
        "0/1_0.jpg",
    }
    for path in files:
        raw = path.read_bytes()
        assert b"SecretCam" not in raw and b"Exif" not in raw
        assert not Image.open(io.BytesIO(raw)).getexif()


def test_rewriting_tiles_replaces_the_folder(tmp_path) -> None:
    folder = tmp_path / "s"
    write_tiles(open_photo(photo_bytes(2048, 1024), name="a", max_width=4096), folder)
    assert (folder / "1" / "3_1.jpg").is_file()
    write_tiles(open_photo(photo_bytes(1024, 512), name="b", max_width=4096), folder)
    assert not (folder / "1").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["s"]  # no temporary left over
