"""Shared fixtures: a tiny data directory, a built store, the app and its clients."""

from __future__ import annotations

from pathlib import Path

import pytest

from layers.build import build
from tests.factories import make_dataset
from webmap import create_app


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A fresh tiny data directory (three layers near Hai Phong)."""
    return make_dataset(tmp_path)


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """Where the test store goes."""
    return tmp_path / "build" / "parkmap.gpkg"


@pytest.fixture
def built(data_dir: Path, store_path: Path) -> Path:
    """The tiny data set built into a GeoPackage."""
    build(data_dir, store_path, progress=lambda _msg: None)
    return store_path


@pytest.fixture
def app(data_dir: Path, built: Path):
    """An app over the tiny store."""
    return create_app({"TESTING": True, "DATA_DIR": str(data_dir), "STORE": str(built)})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
