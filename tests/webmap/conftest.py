"""Fixtures for the map's tests: a store whose text carries HTML, and added layers."""

from __future__ import annotations

from pathlib import Path

import pytest

from layers.build import build
from tests.support.apps import close_store, isolated
from tests.support.clearance import Planner, build_planner_store, planner_session
from tests.support.extra_layers import build_extra_store
from tests.support.stores import fresh_database, quiet
from webmap import create_app


@pytest.fixture(scope="session")
def extra_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The tiny data set with an HTML park name and two added layers, built once."""
    return build_extra_store(tmp_path_factory.mktemp("extra"))


@pytest.fixture(scope="session")
def pg_extra_store(postgres, extra_store: tuple[Path, Path]) -> str:
    """That data set built once into PostGIS, for tests that only read it: its URL."""
    url = postgres.url(fresh_database(postgres))
    build(extra_store[0], url, progress=quiet)
    return url


@pytest.fixture
def extra_app(request: pytest.FixtureRequest, store_kind: str, extra_store):
    """An app over that store (read it only); ``plots`` (5 features) goes out as tiles."""
    data, store = extra_store
    location = (
        request.getfixturevalue("pg_extra_store")
        if store_kind == "postgis"
        else str(store)
    )
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(data),
            "STORE": location,
            "INLINE_MAX_FEATURES": 4,
        }
    )
    yield app
    close_store(app)


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


@pytest.fixture(scope="session")
def pg_planner_template(postgres, planner_built: Path) -> str:
    """That data set built once into PostGIS, copied by the ``planner`` fixtures."""
    name = fresh_database(postgres)
    build(planner_built.parents[1] / "data", postgres.url(name), progress=quiet)
    return name


def pg_planner_copy(request: pytest.FixtureRequest) -> str:
    """A private PostGIS copy of the planner store, dropped when ``request`` ends."""
    postgres = request.getfixturevalue("postgres")
    name = fresh_database(postgres, request.getfixturevalue("pg_planner_template"))
    request.addfinalizer(lambda: postgres.drop_database(name))
    return postgres.url(name)


def _planner(request, store_kind: str, built: Path, scratch: Path) -> Planner:
    store = pg_planner_copy(request) if store_kind == "postgis" else None
    session = planner_session(built, scratch, store=store)
    request.addfinalizer(session.close)
    return session


@pytest.fixture
def planner(
    request: pytest.FixtureRequest, store_kind: str, planner_built: Path, tmp_path: Path
) -> Planner:
    """A signed-in planner over a private copy of that store."""
    return _planner(request, store_kind, planner_built, tmp_path)


@pytest.fixture(scope="module")
def planner_ro(
    request: pytest.FixtureRequest,
    store_kind: str,
    planner_built: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Planner:
    """A signed-in planner shared by a module's tests that must change nothing."""
    scratch = tmp_path_factory.mktemp("planner-ro")
    return _planner(request, store_kind, planner_built, scratch)
