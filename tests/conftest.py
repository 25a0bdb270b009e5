"""Shared fixtures: a tiny data directory, a built store, the app and its clients."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from layers.build import build
from scripts.pgcluster import INSTALL_HINT, PgCluster, find_bindir
from tests.support.apps import close_store, isolated
from tests.support.data_dirs import make_dataset
from tests.support.servers import serve
from tests.support.stores import KINDS, fresh_database, quiet
from tests.support.system_deps import missing
from webmap import create_app

# Property tests check behaviour, not speed: no per-example deadline, so a loaded CI
# machine cannot turn a slow example into a failure.
settings.register_profile("parkmap", deadline=None)
settings.load_profile("parkmap")


@pytest.fixture(autouse=True, scope="session")
def _state_outside_the_tree(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """An app built without STATE_DIR keeps its accounts and key in a temp dir."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PARKMAP_STATE_DIR", str(tmp_path_factory.mktemp("state")))
        yield


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


@pytest.fixture(scope="session")
def store_kind() -> str:
    """The backend of the app fixtures: the GeoPackage unless a module asks for both.

    A module marked ``both_stores`` runs each test that reaches a store through
    these fixtures once per backend (``pytest_generate_tests``).
    """
    return "gpkg"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run ``both_stores`` modules' store-facing tests on each backend."""
    if (
        "store_kind" in metafunc.fixturenames
        and metafunc.definition.get_closest_marker("both_stores")
        and not metafunc.definition.get_closest_marker("gpkg_only")
    ):
        metafunc.parametrize("store_kind", KINDS, scope="module")


@pytest.fixture
def app_store(store_kind: str, request: pytest.FixtureRequest) -> str:
    """The tiny data set's store for ``app``: a fresh GeoPackage or database."""
    if store_kind == "postgis":
        return request.getfixturevalue("pg_tiny_copy")
    return str(request.getfixturevalue("built"))


@pytest.fixture
def app(data_dir: Path, app_store: str, tmp_path: Path):
    """An app over the tiny store (no imagery, no 360° scenes unless a test adds them)."""
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(data_dir),
            "STORE": app_store,
            **isolated(tmp_path),
        }
    )
    yield app
    close_store(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped Hai Phong sample data (data/) built once per test session."""
    root = Path(__file__).resolve().parents[1]
    out = tmp_path_factory.mktemp("sample") / "parkmap.gpkg"
    build(root / "data", out, progress=lambda _msg: None)
    return out


@pytest.fixture
def editable_store(sample_store: Path, tmp_path: Path) -> Path:
    """A private copy of the sample store, for tests that edit clearance records."""
    out = tmp_path / "edit" / "parkmap.gpkg"
    out.parent.mkdir()
    shutil.copyfile(sample_store, out)
    return out


@pytest.fixture(scope="module")
def sample_location(store_kind: str, request: pytest.FixtureRequest) -> str:
    """The sample store of the module's backend, for tests that only read it."""
    if store_kind == "postgis":
        return request.getfixturevalue("pg_sample_store")
    return str(request.getfixturevalue("sample_store"))


@pytest.fixture
def editable_location(store_kind: str, request: pytest.FixtureRequest) -> str:
    """A private copy of the sample store of the module's backend, to edit."""
    if store_kind == "postgis":
        return request.getfixturevalue("pg_editable_store")
    return str(request.getfixturevalue("editable_store"))


@pytest.fixture
def sample_app(sample_location: str, tmp_path: Path):
    """An app over the sample store."""
    root = Path(__file__).resolve().parents[1]
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(root / "data"),
            "STORE": sample_location,
            **isolated(tmp_path),
        }
    )
    yield app
    close_store(app)


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The tiny-store app served over real HTTP on 127.0.0.1."""
    yield from serve(app)


@pytest.fixture
def sample_server(sample_app) -> Iterator[str]:
    """The sample-store app served over real HTTP on 127.0.0.1."""
    yield from serve(sample_app)


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny data set built once per test module, for tests that only read it."""
    root = tmp_path_factory.mktemp("tiny")
    out = root / "build" / "parkmap.gpkg"
    build(make_dataset(root), out, progress=lambda _msg: None)
    return out


@pytest.fixture(scope="module")
def shared_tiny(store_kind: str, request: pytest.FixtureRequest) -> tuple[Path, str]:
    """The tiny data set built once for the module's backend: (data dir, location).

    For tests that only read it (``app_store`` is the private copy to change).
    """
    if store_kind == "postgis":
        return request.getfixturevalue("pg_tiny")
    path = request.getfixturevalue("shared_store")
    return path.parents[1] / "data", str(path)


@pytest.fixture(scope="module")
def shared_client(shared_tiny: tuple[Path, str]):
    """A test client of an app over the tiny data set built once (read-only tests)."""
    data, store = shared_tiny
    app = create_app({"TESTING": True, "DATA_DIR": str(data), "STORE": store})
    yield app.test_client()
    close_store(app)


# --- PostGIS: one throw-away cluster per test process (see scripts/pgcluster.py) ---


@pytest.fixture(scope="session")
def postgres() -> Iterator[PgCluster]:
    """A PostgreSQL cluster with PostGIS on 127.0.0.1.

    Skips when not installed; fails instead under CI or as root (``system_deps``).
    """
    bindir = find_bindir()
    if bindir is None:
        missing("PostgreSQL with PostGIS", INSTALL_HINT)
    cluster = PgCluster.start(bindir)
    cluster.create_database("postgis_template")
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_url(postgres: PgCluster) -> Iterator[str]:
    """The URL of a store in a fresh, empty PostGIS database (nothing built)."""
    name = fresh_database(postgres)
    yield postgres.url(name)
    postgres.drop_database(name)


@pytest.fixture(scope="session")
def pg_tiny(
    postgres: PgCluster, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, str]:
    """The tiny data set built once into PostGIS: (data dir, URL); read, or copy it."""
    data = make_dataset(tmp_path_factory.mktemp("pg-tiny"))
    url = postgres.url(fresh_database(postgres))
    build(data, url, progress=quiet)
    return data, url


@pytest.fixture(scope="session")
def pg_shared_store(pg_tiny: tuple[Path, str]) -> str:
    """The tiny data set in PostGIS, for tests that only read it."""
    return pg_tiny[1]


@pytest.fixture(scope="session")
def pg_tiny_template(postgres: PgCluster, tmp_path_factory) -> str:
    """A database holding the tiny data set, copied by ``pg_tiny_copy``."""
    name = fresh_database(postgres)
    data = make_dataset(tmp_path_factory.mktemp("pg-tiny-template"))
    build(data, postgres.url(name), progress=quiet)
    return name


@pytest.fixture
def pg_tiny_copy(postgres: PgCluster, pg_tiny_template: str) -> Iterator[str]:
    """A private copy of the tiny data set in PostGIS (what ``built`` is in a file)."""
    name = fresh_database(postgres, pg_tiny_template)
    yield postgres.url(name)
    postgres.drop_database(name)


@pytest.fixture(scope="session")
def pg_sample_template(postgres: PgCluster) -> str:
    """A database holding the sample store, copied by ``pg_editable_store``."""
    root = Path(__file__).resolve().parents[1]
    name = fresh_database(postgres)
    build(root / "data", postgres.url(name), progress=quiet)
    return name


@pytest.fixture(scope="session")
def pg_sample_store(postgres: PgCluster, pg_sample_template: str) -> str:
    """The sample store in PostGIS, for tests that only read it."""
    return postgres.url(fresh_database(postgres, pg_sample_template))


@pytest.fixture
def pg_editable_store(postgres: PgCluster, pg_sample_template: str) -> Iterator[str]:
    """A private copy of the sample store in PostGIS, for tests that edit."""
    name = fresh_database(postgres, pg_sample_template)
    yield postgres.url(name)
    postgres.drop_database(name)
