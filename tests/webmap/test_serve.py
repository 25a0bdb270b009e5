"""``python -m webmap`` (what ``make run`` starts): dev server or gunicorn."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from webmap import create_app
from webmap.__main__ import production_command

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_header(env: dict[str, str], port: int) -> str:
    proc = subprocess.Popen(
        [sys.executable, "-m", "webmap"],
        cwd=ROOT,
        env={**os.environ, **env, "PARKMAP_PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(150):
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/healthz", timeout=1
                ) as resp:
                    return resp.headers.get("Server", "")
            except OSError:
                time.sleep(0.1)
        raise AssertionError("the server did not come up")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.parametrize(
    ("env_name", "server"), [("production", "gunicorn"), ("development", "Werkzeug")]
)
def test_production_serves_with_gunicorn(
    built: Path, tmp_path: Path, env_name: str, server: str
) -> None:
    env = {
        "PARKMAP_ENV_NAME": env_name,
        "PARKMAP_PUBLIC_URL": "http://127.0.0.1",
        "PARKMAP_STORE": str(built),
        "PARKMAP_STATE_DIR": str(tmp_path / "state"),
        "GUNICORN_WORKERS": "1",
    }
    assert server in server_header(env, free_port())


def test_the_short_env_name_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARKMAP_ENV", "production")
    monkeypatch.setenv("PARKMAP_PUBLIC_URL", "https://map.example.org")
    monkeypatch.delenv("PARKMAP_ENV_NAME", raising=False)
    app = create_app({"TESTING": True})
    assert app.config["ENV_NAME"] == "production"
    command = production_command(app.config)
    assert command is not None
    assert command[-2:] == ["-b", f"{app.config['HOST']}:{app.config['PORT']}"]
