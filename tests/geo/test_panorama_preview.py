"""The flat preview of a panorama: the viewer's opening view, drawn in Python."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from geo.panorama import PanoramaError
from geo.panorama_preview import (
    View,
    encode_webp,
    level_for,
    perspective,
    read_level,
)

RED, GREEN, BLUE = (255, 0, 0), (0, 255, 0), (0, 0, 255)


def panorama(spots: dict[tuple[int, int], tuple[int, int, int]]) -> Image.Image:
    """A 720×360 grey panorama (2 px per degree) with 10×10 px spots at (col, row)."""
    pixels = np.full((360, 720, 3), 128, dtype=np.uint8)
    for (col, row), colour in spots.items():
        pixels[row - 5 : row + 5, col - 5 : col + 5] = colour
    return Image.fromarray(pixels, "RGB")


def centre(image: Image.Image) -> tuple[int, int, int]:
    return image.getpixel((image.width // 2, image.height // 2))


@pytest.mark.parametrize(
    ("heading", "col", "bearing"),
    [
        (0.0, 540, 90.0),  # 90° right of the image centre
        (90.0, 360, 90.0),  # the image centre faces east
        (45.0, 180, -45.0),  # a bearing west of north, given negative
    ],
)
def test_view_centre_shows_the_bearing_looked_at(heading, col, bearing) -> None:
    image = perspective(
        panorama({(col, 180): RED}), View(bearing, 0.0, 60.0, 64, 48), heading
    )
    assert image.size == (64, 48)
    assert centre(image) == RED


def test_view_looks_up_by_its_pitch() -> None:
    up = panorama({(360, 120): GREEN})  # 30° above the horizon
    assert centre(perspective(up, View(0.0, 30.0, 60.0, 32, 32), 0.0)) == GREEN
    assert centre(perspective(up, View(0.0, 0.0, 60.0, 32, 32), 0.0)) != GREEN


def test_view_across_the_seam_wraps_around() -> None:
    seam = panorama({(5, 180): BLUE, (715, 180): BLUE})  # due south, both edges
    image = perspective(seam, View(180.0, 0.0, 30.0, 40, 40), 0.0)
    row = [image.getpixel((x, 20)) for x in range(16, 24)]
    assert row == [BLUE] * 8


def test_view_is_rectilinear() -> None:
    # a 90° field of view ends 45° either side: the spot at +40° sits near the edge
    image = perspective(
        panorama({(440, 180): RED}), View(0.0, 0.0, 90.0, 200, 200), 0.0
    )
    x_at_40 = 100 + 100 * np.tan(np.radians(40))
    assert image.getpixel((round(x_at_40), 100)) == RED


@pytest.mark.parametrize(
    "bad",
    [
        {"width": 0},
        {"height": 4096},
        {"vfov_deg": 0.0},
        {"pitch_deg": 90.0},
    ],
)
def test_impossible_views_are_refused(bad) -> None:
    args = {"bearing_deg": 0.0, "pitch_deg": 0.0, "vfov_deg": 72.0}
    args |= {"width": 960, "height": 480} | bad
    with pytest.raises(PanoramaError):
        View(**args)


LEVELS = [{"width": w} for w in (1024, 2048, 4096)]


@pytest.mark.parametrize(
    ("height", "level"),
    [(100, 0), (480, 1), (720, 2), (2048, 2)],
)
def test_level_is_the_coarsest_sharp_enough(height, level) -> None:
    assert level_for(LEVELS, View(0.0, 0.0, 72.0, height, height)) == level


def test_level_of_no_levels_is_an_error() -> None:
    with pytest.raises(PanoramaError):
        level_for([], View(0.0, 0.0, 72.0, 10, 10))


def test_level_is_stitched_from_its_tiles(tmp_path) -> None:
    (tmp_path / "1").mkdir()
    for col, colour in enumerate((RED, GREEN)):
        Image.new("RGB", (16, 16), colour).save(tmp_path / "1" / f"{col}_0.jpg")
    whole = read_level(tmp_path, 1, {"width": 32, "cols": 2, "rows": 1}, 16)
    assert whole.size == (32, 16)
    left, right = whole.getpixel((4, 8)), whole.getpixel((28, 8))
    assert left[0] > 200 > left[1] and right[1] > 200 > right[0]


def test_webp_has_the_image_and_no_metadata() -> None:
    data = encode_webp(Image.new("RGB", (96, 48), BLUE))
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "WEBP" and image.size == (96, 48)
        assert not image.getexif()
