"""360° manifests (errors name entry and field), links, and ``vr generate``."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest

from layers.scenes import cli as panorama_cli
from layers.scenes.manifest import (
    MANIFEST,
    ManifestError,
    Scene,
    SceneNotFound,
    link_scenes,
    nearest,
    read_manifest,
)
from tests.support.scenes import SMALL_GRIDS, generate_small, photo_bytes


def write(folder: Path, scenes: list, **extra) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / MANIFEST
    path.write_text(json.dumps({"scenes": scenes, **extra}), encoding="utf-8")
    return path


def photo_entry(**changes) -> dict:
    return {"id": "gate", "image": "gate.jpg", "lon": 106.6, "lat": 20.87} | changes


@pytest.fixture
def photo_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "panoramas"
    folder.mkdir()
    (folder / "gate.jpg").write_bytes(photo_bytes())
    return folder


def test_good_source_manifest(photo_dir: Path) -> None:
    path = write(
        photo_dir, [photo_entry(heading=-90, title={"vi": "Cổng", "en": "Gate"})]
    )
    (scene,) = read_manifest(path, served=False).scenes
    assert (scene.id, scene.heading_deg, scene.label("ko")) == ("gate", 270.0, "Gate")


def test_missing_manifest_is_empty_unless_required(tmp_path: Path) -> None:
    assert read_manifest(tmp_path / MANIFEST, served=False).scenes == ()
    with pytest.raises(ManifestError, match="not found"):
        read_manifest(tmp_path / MANIFEST, served=False, missing_ok=False)


def test_missing_image_names_entry_and_field(photo_dir: Path) -> None:
    path = write(photo_dir, [photo_entry(), photo_entry(id="quay", image="quay.jpg")])
    with pytest.raises(ManifestError) as info:
        read_manifest(path, served=False)
    err = info.value
    assert (err.row, err.field) == (2, "image")
    assert "scene 'quay'" in str(err) and "quay.jpg" in str(err)


def test_image_outside_the_folder_is_refused(photo_dir: Path) -> None:
    (photo_dir.parent / "secret.jpg").write_bytes(b"x")
    path = write(photo_dir, [photo_entry(image="../secret.jpg")])
    with pytest.raises(ManifestError, match="not found") as info:
        read_manifest(path, served=False)
    assert info.value.field == "image"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"lat": 123.4}, "lat"),
        ({"lon": -181}, "lon"),
        ({"lat": "20.8"}, "lat"),
        ({"lat": True}, "lat"),
        ({"height_m": 0}, "height_m"),
        ({"heading": 720}, "heading"),
        ({"id": "Bad Id"}, "id"),
        ({"id": "scenes"}, "id"),
        ({"links": "b"}, "links"),
        ({"title": {"fr": "Porte"}}, "title"),
    ],
)
def test_bad_field_names_entry_and_field(photo_dir: Path, changes, field) -> None:
    path = write(photo_dir, [photo_entry(**changes)])
    with pytest.raises(ManifestError) as info:
        read_manifest(path, served=False)
    assert info.value.row == 1
    assert info.value.field == field
    assert field in str(info.value)


def test_duplicate_ids_and_unknown_links(photo_dir: Path) -> None:
    path = write(photo_dir, [photo_entry(), photo_entry()])
    with pytest.raises(ManifestError, match="appears twice"):
        read_manifest(path, served=False)
    path = write(photo_dir, [photo_entry(links=["nowhere"])])
    with pytest.raises(ManifestError, match="unknown scene 'nowhere'") as info:
        read_manifest(path, served=False)
    assert info.value.field == "links"


@pytest.mark.parametrize("text", ["{", "[]", '{"scenes": {}}', '{"scenes": [3]}'])
def test_malformed_manifest(tmp_path: Path, text: str) -> None:
    (tmp_path / MANIFEST).write_text(text, encoding="utf-8")
    with pytest.raises(ManifestError):
        read_manifest(tmp_path / MANIFEST, served=False)


def test_position_may_come_from_the_photo(photo_dir: Path) -> None:
    path = write(photo_dir, [{"id": "gate", "image": "gate.jpg"}])
    (scene,) = read_manifest(path, served=False).scenes
    assert scene.lon != scene.lon  # NaN: filled from EXIF GPS by vr generate


def test_links_join_nearest_scenes_both_ways() -> None:
    scenes = [
        Scene("a", 106.60, 20.87),
        Scene("b", 106.61, 20.87),
        Scene("c", 106.62, 20.87),
        Scene("far", 107.50, 20.00),
    ]
    linked = {s.id: s.links for s in link_scenes(scenes, k=1)}
    assert linked["a"] == ("b",)
    assert set(linked["b"]) == {"a", "c"}
    assert linked["far"] == ()  # more than 25 km from all


def test_nearest_scene() -> None:
    scenes = [Scene("a", 106.60, 20.87), Scene("b", 106.70, 20.87)]
    assert nearest(scenes, 106.68, 20.88)[0].id == "b"
    with pytest.raises(SceneNotFound):
        nearest([], 106.6, 20.8)


def test_generate_renders_a_scene_per_park(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    manifest = generate_small(built, tmp_path / "none", out)
    assert [s.id for s in manifest.scenes] == ["park-a", "park-b"]
    assert all(s.generated for s in manifest.scenes)
    assert manifest.scenes[0].links == ("park-b",)
    assert (out / "park-a" / "0" / "1_0.jpg").is_file()
    assert (out / "minimap.png").is_file()
    served = read_manifest(out / MANIFEST, served=True)
    assert served.minimap["width"] == 1024
    assert served.get("park-b").title == {"vi": "KCN Tràng Duệ"}


def test_generate_keeps_up_to_date_scenes(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    generate_small(built, tmp_path / "none", out)
    stamp = (out / "park-a" / "base.jpg").stat().st_mtime_ns
    generate_small(built, tmp_path / "none", out)
    assert (out / "park-a" / "base.jpg").stat().st_mtime_ns == stamp


def test_a_photo_replaces_its_parks_generated_scene(built, photo_dir, tmp_path) -> None:
    write(photo_dir, [photo_entry(park="a")])
    out = tmp_path / "out"
    manifest = generate_small(built, photo_dir, out)
    assert [s.id for s in manifest.scenes] == ["gate", "park-b"]
    assert not manifest.get("gate").generated
    assert b"SecretCam" not in (out / "gate" / "0" / "0_0.jpg").read_bytes()


def test_generate_reports_a_bad_photo(built, photo_dir, tmp_path) -> None:
    (photo_dir / "gate.jpg").write_bytes(photo_bytes(1000, 700))
    write(photo_dir, [photo_entry()])
    with pytest.raises(ManifestError, match="2:1") as info:
        generate_small(built, photo_dir, tmp_path / "out")
    assert "gate.jpg" in str(info.value)


def test_generate_needs_a_position_for_a_photo_without_gps(built, photo_dir, tmp_path):
    write(photo_dir, [{"id": "gate", "image": "gate.jpg"}])
    with pytest.raises(ManifestError, match="no EXIF GPS") as info:
        generate_small(built, photo_dir, tmp_path / "out")
    assert info.value.field == "lon"


def test_cli_generate(app, runner, tmp_path: Path, monkeypatch) -> None:
    app.config["PANORAMA_DIR"] = str(tmp_path / "cli-out")
    coarse = functools.partial(panorama_cli.GenerateOptions, grids=SMALL_GRIDS)
    monkeypatch.setattr(panorama_cli, "GenerateOptions", coarse)
    result = runner.invoke(args=["vr", "generate", "--width", "128"])
    assert result.exit_code == 0, result.output
    assert "2 scene(s), 2 generated" in result.output
    assert (tmp_path / "cli-out" / MANIFEST).is_file()
