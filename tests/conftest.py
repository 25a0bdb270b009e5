"""Shared fixtures: a tiny data directory, a built store, the app and its clients."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from werkzeug.serving import make_server
from werkzeug.wsgi import ClosingIterator

from layers.build import build
from tests.factories import make_dataset
from webmap import create_app

# Property tests check behaviour, not speed: no per-example deadline, so a loaded CI
# machine cannot turn a slow example into a failure.
settings.register_profile("parkmap", deadline=None)
settings.load_profile("parkmap")
FAST_SCRYPT = "scrypt:1024:8:1"  # tests only; the app's default is werkzeug's scrypt


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


@pytest.fixture
def app(data_dir: Path, built: Path, tmp_path: Path):
    """An app over the tiny store (no imagery, no 360° scenes unless a test adds them)."""
    return create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(data_dir),
            "STORE": str(built),
            **isolated(tmp_path),
        }
    )


def isolated(tmp_path: Path) -> dict[str, str]:
    """Imagery, panorama and account directories under ``tmp_path``, not the tree's.

    Passwords are hashed with cheap scrypt parameters so sign-in tests stay fast.
    """
    return {
        "RASTER_DIR": str(tmp_path / "rasters"),
        "PANORAMA_DIR": str(tmp_path / "panoramas"),
        "PANORAMA_SOURCE_DIR": str(tmp_path / "panorama-photos"),
        "STATE_DIR": str(tmp_path / "state"),
        "PASSWORD_HASH_METHOD": FAST_SCRYPT,
    }


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


@pytest.fixture
def sample_app(sample_store: Path, tmp_path: Path):
    """An app over the sample store."""
    root = Path(__file__).resolve().parents[1]
    return create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(root / "data"),
            "STORE": str(sample_store),
            **isolated(tmp_path),
        }
    )


def serve(app) -> Iterator[str]:
    """Run ``app`` on 127.0.0.1 on a free port in a thread; yield its base URL.

    On the way out it waits (up to 5 s) for requests still in flight, so a browser
    closing under a response does not leave that response's file to the GC.
    """
    in_flight = _InFlight(app)
    server = make_server("127.0.0.1", 0, in_flight, threaded=True)
    server.block_on_close = False  # idle keep-alive connections must not hold us
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        in_flight.wait_idle(timeout=5)
        server.server_close()


class _InFlight:
    """A WSGI wrapper that counts requests whose responses are not yet closed."""

    def __init__(self, app) -> None:
        self.app = app
        self.count = 0
        self.idle = threading.Condition()

    def __call__(self, environ, start_response):
        with self.idle:
            self.count += 1
        try:
            body = self.app(environ, start_response)
        except BaseException:
            self._done()
            raise
        return ClosingIterator(body, [self._done])

    def _done(self) -> None:
        with self.idle:
            self.count -= 1
            self.idle.notify_all()

    def wait_idle(self, timeout: float) -> None:
        with self.idle:
            self.idle.wait_for(lambda: self.count == 0, timeout=timeout)


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
def shared_client(shared_store: Path):
    """A test client of an app over ``shared_store`` (read-only tests)."""
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(shared_store.parents[1] / "data"),
            "STORE": str(shared_store),
        }
    )
    return app.test_client()
