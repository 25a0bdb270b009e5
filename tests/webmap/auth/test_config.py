"""Sign-in settings: cookies, limits, STATE_DIR and the session key file."""

from __future__ import annotations

import datetime as dt
import os
import stat
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from layers.settings import PROJECT_ROOT
from tests.support.accounts import PASSWORD, csrf_token, make_user
from tests.support.apps import isolated
from webmap import create_app, secretkey
from webmap.settings import ConfigError


def make_app(tmp_path: Path, **settings):
    return create_app(
        {
            "TESTING": True,
            "STORE": str(tmp_path / "s.gpkg"),
            **isolated(tmp_path),
            **settings,
        }
    )


def login_cookie(app) -> str:
    """The Set-Cookie header of a successful sign-in."""
    make_user(app, "ana")
    client = app.test_client()
    form = {"username": "ana", "password": PASSWORD, "csrf_token": csrf_token(client)}
    resp = client.post("/login", data=form)
    assert resp.status_code == 303
    return next(
        h for h in resp.headers.getlist("Set-Cookie") if h.startswith("session=")
    )


def test_cookie_flags_in_development(tmp_path: Path) -> None:
    header = login_cookie(make_app(tmp_path))
    parts = [part.strip() for part in header.split(";")]
    assert "HttpOnly" in parts and "SameSite=Lax" in parts
    assert "Secure" not in parts


def test_cookie_lasts_eight_hours(tmp_path: Path) -> None:
    before = dt.datetime.now(dt.UTC)
    header = login_cookie(make_app(tmp_path))
    fields = dict(
        part.strip().split("=", 1) for part in header.split(";") if "=" in part
    )
    lasts = parsedate_to_datetime(fields["Expires"]) - before
    assert (
        dt.timedelta(hours=8) - dt.timedelta(minutes=1)
        < lasts
        <= dt.timedelta(hours=8, seconds=1)
    )


PUBLIC = "https://map.example.org"


def test_cookie_is_secure_outside_development(tmp_path: Path) -> None:
    app = make_app(tmp_path, ENV_NAME="production", PUBLIC_URL=PUBLIC)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert "Secure" in [part.strip() for part in login_cookie(app).split(";")]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0", False), ("1", True), ("true", True), ("false", False), ("False", False)],
)
def test_secure_flag_from_environment(
    monkeypatch, tmp_path: Path, value, expected
) -> None:
    monkeypatch.setenv("PARKMAP_SESSION_COOKIE_SECURE", value)
    app = make_app(tmp_path, ENV_NAME="production", PUBLIC_URL=PUBLIC)
    assert app.config["SESSION_COOKIE_SECURE"] is expected


@pytest.mark.parametrize("value", ["yes", "2", "on", '""', "1.0", "null-ish"])
def test_bad_secure_flag_names_the_key(monkeypatch, tmp_path: Path, value) -> None:
    monkeypatch.setenv("PARKMAP_SESSION_COOKIE_SECURE", value)
    with pytest.raises(
        ConfigError, match="PARKMAP_SESSION_COOKIE_SECURE must be 0, 1, true or false"
    ):
        make_app(tmp_path)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("LOGIN_MAX_FAILURES", 0),
        ("LOGIN_MAX_FAILURES", "five"),
        ("LOGIN_WINDOW_MINUTES", 0),
        ("LOGIN_WINDOW_MINUTES", 100_000),
        ("SESSION_COOKIE_SAMESITE", "None"),
        ("PASSWORD_HASH_METHOD", "pbkdf2:sha256"),
    ],
)
def test_bad_login_setting_names_the_key(tmp_path: Path, key: str, value) -> None:
    with pytest.raises(ConfigError, match=f"PARKMAP_{key}"):
        make_app(tmp_path, **{key: value})


def test_login_limits_from_environment(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PARKMAP_LOGIN_MAX_FAILURES", "7")
    monkeypatch.setenv("PARKMAP_LOGIN_WINDOW_MINUTES", "30")
    app = create_app({"TESTING": True, "STATE_DIR": str(tmp_path)})
    assert (app.config["LOGIN_MAX_FAILURES"], app.config["LOGIN_WINDOW_MINUTES"]) == (
        7,
        30,
    )


def test_state_dir_defaults_to_data_dir(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv("PARKMAP_STATE_DIR", raising=False)
    app = create_app({"TESTING": True, "DATA_DIR": str(tmp_path / "data")})
    assert app.config["STATE_DIR"] == str(tmp_path / "data" / "state")


def test_relative_state_dir_is_from_project_root(monkeypatch) -> None:
    monkeypatch.setenv("PARKMAP_STATE_DIR", "var/state")
    app = create_app({"TESTING": True})  # TESTING: nothing is written there
    assert app.config["STATE_DIR"] == str(PROJECT_ROOT / "var" / "state")


def test_accounts_live_in_state_dir(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    make_user(app, "ana")
    assert (tmp_path / "state" / "accounts.sqlite").is_file()


def test_secret_key_file_is_made_private(tmp_path: Path) -> None:
    app = create_app({"STATE_DIR": str(tmp_path / "state")})
    key_file = tmp_path / "state" / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert app.config["SECRET_KEY"] == key_file.read_text().strip()
    assert len(app.config["SECRET_KEY"]) >= 32


def test_workers_share_the_secret_key(tmp_path: Path) -> None:
    first = create_app({"STATE_DIR": str(tmp_path)})
    second = create_app({"STATE_DIR": str(tmp_path)})
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]


def test_session_survives_a_restart(tmp_path: Path) -> None:
    settings = {"STATE_DIR": str(tmp_path), "PASSWORD_HASH_METHOD": "scrypt:1024:8:1"}
    first = create_app(settings)
    make_user(first, "ana")
    client = first.test_client()
    form = {"username": "ana", "password": PASSWORD, "csrf_token": csrf_token(client)}
    client.post("/login", data=form)
    cookie = client.get_cookie("session").value
    again = create_app(settings).test_client()
    again.set_cookie("session", cookie)
    assert "Signed in as ana" in again.get("/login?lang=en").get_data(as_text=True)


def test_no_key_file_when_the_key_is_set(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PARKMAP_SECRET_KEY", "k" * 40)
    app = create_app({"STATE_DIR": str(tmp_path)})
    assert app.config["SECRET_KEY"] == "k" * 40
    assert not (tmp_path / "secret_key").exists()


def test_no_key_file_when_testing(tmp_path: Path) -> None:
    create_app({"TESTING": True, "STATE_DIR": str(tmp_path)})
    assert not (tmp_path / "secret_key").exists()


def test_short_key_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("short\n")
    with pytest.raises(ConfigError, match="too short"):
        create_app({"STATE_DIR": str(tmp_path)})


def test_unwritable_state_dir_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(ConfigError, match="PARKMAP_STATE_DIR"):
        create_app({"STATE_DIR": str(tmp_path / "file" / "state")})


def test_key_made_by_another_worker_first_wins(monkeypatch, tmp_path: Path) -> None:
    target = tmp_path / "secret_key"
    real_link = os.link

    def racing_link(src, dst):
        target.write_text("w" * 64 + "\n")  # the other worker got there first
        return real_link(src, dst)

    monkeypatch.setattr(secretkey.os, "link", racing_link)
    assert secretkey.load(target) == "w" * 64
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret_key"]  # no temp left


def test_requests_without_a_session_cookie_skip_the_signing_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(tmp_path)
    client = app.test_client()
    make_user(app, "lan", "planner")
    signed_in = app.test_client()
    login_ok = signed_in.post(
        "/login",
        data={
            "username": "lan",
            "password": PASSWORD,
            "csrf_token": csrf_token(signed_in),
        },
    )
    assert login_ok.status_code == 303

    def refuse(*_args):
        raise AssertionError("built a signing serializer for a cookie-less request")

    monkeypatch.setattr(type(app.session_interface), "get_signing_serializer", refuse)
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert "Set-Cookie" not in resp.headers
    with pytest.raises(AssertionError, match="signing serializer"):
        signed_in.get("/planner")  # a cookie is still read, through the serializer
