"""Fixtures for the map's tests: a store whose text carries HTML, and added layers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.clearance_factories import Planner, build_planner_store, planner_session
from tests.conftest import isolated
from tests.mapdata import EVIL_NAME, build_extra_store
from webmap import create_app

__all__ = ["EVIL_NAME"]


@pytest.fixture(scope="session")
def extra_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The tiny data set with an HTML park name and two added layers, built once."""
    return build_extra_store(tmp_path_factory.mktemp("extra"))


@pytest.fixture
def extra_app(extra_store: tuple[Path, Path]):
    """An app over that store; ``plots`` (5 features) goes out as tiles."""
    data, store = extra_store
    return create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(data),
            "STORE": str(store),
            "INLINE_MAX_FEATURES": 4,
        }
    )


@pytest.fixture
def auth_app(tmp_path: Path):
    """An app for the sign-in tests: accounts under ``tmp_path``, no store needed."""
    return create_app(
        {
            "TESTING": True,
            "STORE": str(tmp_path / "not-built.gpkg"),
            "LOGIN_MAX_FAILURES": 3,
            **isolated(tmp_path),
        }
    )


@pytest.fixture
def auth_client(auth_app):
    return auth_app.test_client()


@pytest.fixture(scope="session")
def planner_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny data set with clearance stages, built once (copy it before editing)."""
    return build_planner_store(tmp_path_factory.mktemp("planner"))


@pytest.fixture
def planner(planner_built: Path, tmp_path: Path) -> Planner:
    """A signed-in planner over a private copy of that store."""
    return planner_session(planner_built, tmp_path)


@pytest.fixture(scope="module")
def planner_ro(
    planner_built: Path, tmp_path_factory: pytest.TempPathFactory
) -> Planner:
    """A signed-in planner shared by a module's tests that must change nothing."""
    return planner_session(planner_built, tmp_path_factory.mktemp("planner-ro"))
