"""Small 360° data for tests: photos made in memory, scenes generated quickly."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from layers.build import build
from layers.scenes.build import GenerateOptions, generate
from layers.scenes.manifest import Manifest
from layers.store.open import open_store
from tests.support.data_dirs import make_dataset

# Coarse ground grids: a render takes milliseconds, not seconds.
SMALL_GRIDS = ((1_500.0, 5.0), (20_000.0, 50.0))
TOKEN = "test-admin-token-0123456789"


def photo_bytes(
    width: int = 1024,
    height: int = 512,
    *,
    gps: tuple[float, float] | None = None,
    heading: float | None = None,
    fmt: str = "JPEG",
    taken: str | None = None,
) -> bytes:
    """An image (a colour gradient) with optional EXIF GPS and a camera model tag.

    ``taken`` is an EXIF DateTimeOriginal (``"2024:05:12 09:30:00"``).
    """
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make: must not survive the upload
    if gps is not None:
        lon, lat = gps
        ifd = exif.get_ifd(0x8825)
        ifd.update(
            {
                1: "N" if lat >= 0 else "S",
                2: _dms(abs(lat)),
                3: "E" if lon >= 0 else "W",
                4: _dms(abs(lon)),
            }
        )
        if heading is not None:
            ifd[17] = heading
    if taken is not None:
        exif.get_ifd(0x8769)[0x9003] = taken
    out = io.BytesIO()
    image.save(out, fmt, exif=exif)
    return out.getvalue()


def _dms(value: float) -> tuple[float, float, float]:
    """Degrees as (degrees, minutes, seconds)."""
    deg = int(value)
    minutes = int((value - deg) * 60)
    seconds = round(((value - deg) * 60 - minutes) * 60, 4)
    return (float(deg), float(minutes), seconds)


def tiny_with_scenes(root: Path, width: int = 256) -> tuple[Path, Path, Path]:
    """The tiny data set built into a store, with its generated scenes (parks a, b).

    Returns:
        (data directory, store, scenes directory), all under ``root``.
    """
    data_dir = make_dataset(root)
    store = root / "parkmap.gpkg"
    build(data_dir, store, progress=lambda _msg: None)
    generate_small(store, root / "no-photos", root / "vr", width=width)
    return data_dir, store, root / "vr"


def generate_small(
    store_path: Path, source_dir: Path, out_dir: Path, width: int = 256
) -> Manifest:
    """Run ``vr generate`` with a small width and coarse grids."""
    options = GenerateOptions(
        source_dir=source_dir, out_dir=out_dir, width=width, grids=SMALL_GRIDS
    )
    return generate(open_store(store_path), options)


def upload_titled(app, title: str, lon: float = 106.6, lat: float = 20.9) -> str:
    """Upload a photo scene titled ``title`` in every language; return its id.

    ``app`` must have ``ADMIN_TOKEN`` set to ``TOKEN``.
    """
    form = {
        "image": (io.BytesIO(photo_bytes()), "cam.jpg"),
        "lon": str(lon),
        "lat": str(lat),
        **{f"title_{lang}": title for lang in ("vi", "en", "ja", "ko")},
    }
    resp = app.test_client().post(
        "/vr/scenes", data=form, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    if resp.status_code != 201:
        raise AssertionError(f"upload failed: {resp.get_data(as_text=True)}")
    return str(resp.get_json()["id"])
