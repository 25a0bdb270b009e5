"""The date of a 360° scene: when a photo was taken or a view was rendered."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
from pathlib import Path

import pytest
from PIL import Image

from geo.panorama_image import taken_on
from layers.scenes.manifest import MANIFEST, ManifestError, Scene, read_manifest
from layers.scenes.upload import UploadLimits, add_photo
from tests.support.scenes import generate_small, photo_bytes

TAKEN = "2024:05:12 09:30:00"


def write(folder: Path, scenes: list) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / MANIFEST
    path.write_text(json.dumps({"scenes": scenes}), encoding="utf-8")
    return path


def entry(**changes) -> dict:
    return {"id": "gate", "image": "gate.jpg", "lon": 106.6, "lat": 20.87} | changes


@pytest.fixture
def photo_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "gate.jpg").write_bytes(photo_bytes(taken=TAKEN))
    return folder


def test_a_source_entry_may_give_the_date(photo_dir: Path) -> None:
    path = write(photo_dir, [entry(date="2023-10-14")])
    (scene,) = read_manifest(path, served=False).scenes
    assert scene.date == "2023-10-14"
    assert scene.to_json()["date"] == "2023-10-14"


def test_a_scene_without_a_date_writes_none() -> None:
    assert "date" not in Scene("a", 106.6, 20.8).to_json()


@pytest.mark.parametrize(
    "value", ["2024-02-30", "2024-W01-1", "14/10/2023", "2023-10-14T08:00", 20231014]
)
def test_a_bad_date_names_entry_and_field(photo_dir: Path, value) -> None:
    path = write(photo_dir, [entry(date=value)])
    with pytest.raises(ManifestError) as info:
        read_manifest(path, served=False)
    assert info.value.field == "date" and "gate" in str(info.value)


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ({0x9003: TAKEN}, "2024-05-12"),
        ({0x9004: "2022:01:31 23:59:59"}, "2022-01-31"),  # DateTimeDigitized
        ({0x9003: "0000:00:00 00:00:00"}, None),
        ({0x9003: "soon"}, None),
        ({}, None),
    ],
)
def test_the_capture_date_comes_from_exif(tags: dict, expected) -> None:
    exif = Image.Exif()
    exif[0x0132] = "2030:01:01 00:00:00"  # DateTime: when the file changed, ignored
    exif.get_ifd(0x8769).update(tags)
    out = io.BytesIO()
    Image.new("RGB", (64, 32)).save(out, "JPEG", exif=exif)
    assert taken_on(Image.open(out)) == expected


def test_generated_views_carry_the_day_they_were_rendered(built, tmp_path) -> None:
    manifest = generate_small(built, tmp_path / "none", tmp_path / "out")
    today = dt.datetime.now(dt.UTC).date().isoformat()
    assert {s.date for s in manifest.scenes} == {today}


def test_a_kept_view_without_a_date_takes_its_files_day(built, tmp_path) -> None:
    out = tmp_path / "out"
    generate_small(built, tmp_path / "none", out)
    served = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    for scene in served["scenes"]:
        del scene["date"]  # a manifest from before scenes had dates
    (out / MANIFEST).write_text(json.dumps(served), encoding="utf-8")
    rendered = dt.datetime(2025, 3, 4, 12, tzinfo=dt.UTC).timestamp()
    base = out / "park-a" / "base.jpg"
    os.utime(base, (rendered, rendered))
    manifest = generate_small(built, tmp_path / "none", out)
    assert base.stat().st_mtime == rendered  # kept, not rendered again
    assert manifest.get("park-a").date == "2025-03-04"


def test_a_photo_scene_takes_its_exif_date(built, photo_dir, tmp_path) -> None:
    write(photo_dir, [entry(park="a")])
    manifest = generate_small(built, photo_dir, tmp_path / "out")
    assert manifest.get("gate").date == "2024-05-12"


def test_a_date_in_the_manifest_wins_over_exif(built, photo_dir, tmp_path) -> None:
    write(photo_dir, [entry(park="a", date="2024-06-01")])
    manifest = generate_small(built, photo_dir, tmp_path / "out")
    assert manifest.get("gate").date == "2024-06-01"


def test_an_upload_keeps_its_exif_date_after_stripping(tmp_path: Path) -> None:
    limits = UploadLimits(tmp_path / "src", tmp_path / "out", 5_000_000, 4096)
    form = {"lon": "106.6", "lat": "20.87"}
    scene = add_photo(photo_bytes(taken=TAKEN), "gate.jpg", form, limits)
    assert scene.date == "2024-05-12"
    source = read_manifest(limits.source_dir / MANIFEST, served=False)
    assert source.get("gate").date == "2024-05-12"  # the stored copy has no EXIF
    assert read_manifest(limits.out_dir / MANIFEST, served=True).get("gate").date
