"""Fuzz-run fixtures: an app with every kind of thing to reach, and an admin's session."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo import crs as geocrs
from layers.imagery.rasters import RasterRegistry
from layers.scenes.upload import UploadLimits, add_photo
from tests.support.accounts import login, make_user
from tests.support.apps import close_store, isolated
from tests.support.fuzz import Buffered, Credentials
from tests.support.rasters import SPOT, marked_image
from tests.support.scenes import TOKEN, photo_bytes
from tests.support.stores import quiet
from webmap import create_app


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    # schemathesis 4.32's from_fixture() reads Node._nodeid, which pytest 9 dropped.
    if not hasattr(item, "_nodeid"):
        item._nodeid = item.nodeid


@pytest.fixture
def fuzz_app(editable_store: Path, tmp_path: Path):
    """An app over a private copy of the sample store, with an imagery raster, a
    360° scene, uploads and metrics on (both behind ``TOKEN``)."""
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(Path(__file__).resolve().parents[2] / "data"),
            "STORE": str(editable_store),
            **isolated(tmp_path),
            "ADMIN_TOKEN": TOKEN,
            "METRICS": True,
            "METRICS_TOKEN": TOKEN,
            "UPLOAD_LIMIT_PER_HOUR": 0,  # every upload reaches the photo checks
        }
    )
    image = marked_image(tmp_path, geocrs.VN2000_UTM48)
    RasterRegistry(app.config["RASTER_DIR"]).import_file(
        image, name="ortho", date="2024-03", label="UAV survey", progress=quiet
    )
    limits = UploadLimits(
        source_dir=Path(app.config["PANORAMA_SOURCE_DIR"]),
        out_dir=Path(app.config["PANORAMA_DIR"]),
        max_bytes=app.config["PANORAMA_MAX_BYTES"],
        max_width=app.config["PANORAMA_MAX_WIDTH"],
    )
    fields = {"id": "gate", "lon": str(SPOT[0]), "lat": str(SPOT[1])}
    add_photo(photo_bytes(512, 256), "gate.jpg", fields, limits)
    app.wsgi_app = Buffered(app.wsgi_app)  # type: ignore[method-assign]
    yield app
    close_store(app)


@pytest.fixture
def admin_credentials(fuzz_app) -> Credentials:
    """An admin's session on ``fuzz_app`` (admins pass every planner route too)."""
    client = fuzz_app.test_client()
    make_user(fuzz_app, "fuzz-admin", "admin")
    token = login(client, "fuzz-admin")
    name = fuzz_app.config["SESSION_COOKIE_NAME"]
    cookie = client.get_cookie(name)
    if cookie is None:
        raise AssertionError("signing in set no session cookie")
    return Credentials(
        cookies={name: cookie.value},
        headers={"X-CSRFToken": token, "Authorization": f"Bearer {TOKEN}"},
    )
