"""``flask --app webmap users ...`` through the app's CLI runner."""

from __future__ import annotations

import pytest

from tests.support.accounts import PASSWORD, make_user
from webmap import create_app
from webmap.auth.service import get_accounts, get_limiter


@pytest.fixture
def runner(auth_app):
    return auth_app.test_cli_runner()


def users(runner, *args: str, input: str | None = None):
    return runner.invoke(args=["users", *args], input=input)


def authenticate(app, name: str, password: str):
    with app.app_context():
        return get_accounts().authenticate(name, password)


def test_add_with_password_on_stdin(runner, auth_app) -> None:
    result = users(
        runner,
        "add",
        "Ana",
        "--role",
        "admin",
        "--password-stdin",
        input=f"{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "added admin ana" in result.output
    assert authenticate(auth_app, "ana", PASSWORD).role == "admin"


def test_add_with_confirmed_prompt(runner, auth_app) -> None:
    result = users(
        runner, "add", "bob", "--role", "planner", input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output  # hidden input
    assert authenticate(auth_app, "bob", PASSWORD).role == "planner"


def test_prompt_that_does_not_match_stops(runner, auth_app) -> None:
    result = users(
        runner, "add", "bob", "--role", "planner", input=f"{PASSWORD}\nsomething else\n"
    )
    assert result.exit_code != 0
    assert authenticate(auth_app, "bob", PASSWORD) is None


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (
            ["add", "ana", "--role", "planner", "--password-stdin"],
            "short\n",
            "at least 10",
        ),
        (
            ["add", "ana smith", "--role", "planner", "--password-stdin"],
            f"{PASSWORD}\n",
            "only letters",
        ),
        (["add", "ana", "--role", "root", "--password-stdin"], f"{PASSWORD}\n", "root"),
        (["add", "ana", "--password-stdin"], f"{PASSWORD}\n", "--role"),
        (["remove", "nobody", "--yes"], None, "no user 'nobody'"),
        (
            ["set-password", "nobody", "--password-stdin"],
            f"{PASSWORD}\n",
            "no user 'nobody'",
        ),
        (["unlock", "nobody"], None, "no user 'nobody'"),
        (["unlock"], None, "--ip"),
    ],
)
def test_errors_say_why_and_fail(runner, args, stdin, message) -> None:
    result = users(runner, *args, input=stdin)
    assert result.exit_code != 0
    assert message in result.output


def test_add_twice_is_an_error(runner, auth_app) -> None:
    make_user(auth_app, "ana")
    result = users(
        runner,
        "add",
        "ANA",
        "--role",
        "admin",
        "--password-stdin",
        input=f"{PASSWORD}\n",
    )
    assert result.exit_code == 1
    assert "already a user 'ana'" in result.output


def test_list(runner, auth_app) -> None:
    assert "no users yet" in users(runner, "list").output
    make_user(auth_app, "zoe", "admin")
    make_user(auth_app, "ana", "planner")
    lines = users(runner, "list").output.splitlines()
    assert [line.split()[:2] for line in lines] == [
        ["ana", "planner"],
        ["zoe", "admin"],
    ]


def test_list_shows_disabled_locked_and_slowed(runner, auth_app) -> None:
    make_user(auth_app, "ana")
    make_user(auth_app, "bob")
    assert users(runner, "disable", "bob").exit_code == 0
    with auth_app.app_context():
        get_limiter().clock = lambda: 1_000_000.0  # "slowed for 1 s" stays true
        for _ in range(3):
            get_limiter().record_failure("pair", "ana 10.6.6.6")
            get_limiter().record_failure("user", "ana")
    out = users(runner, "list").output
    ana = next(line for line in out.splitlines() if line.startswith("ana"))
    assert ana.endswith("locked from 10.6.6.6 for 900 s, slowed for 1 s")
    bob = next(line for line in out.splitlines() if line.startswith("bob"))
    assert bob.endswith("disabled")


def test_remove_asks_first(runner, auth_app) -> None:
    make_user(auth_app, "ana")
    assert users(runner, "remove", "ana", input="n\n").exit_code != 0
    assert authenticate(auth_app, "ana", PASSWORD) is not None
    result = users(runner, "remove", "ana", input="y\n")
    assert result.exit_code == 0 and "removed ana" in result.output
    assert authenticate(auth_app, "ana", PASSWORD) is None


def test_set_password(runner, auth_app) -> None:
    make_user(auth_app, "ana")
    result = users(
        runner, "set-password", "ana", "--password-stdin", input="a brand new one\n"
    )
    assert result.exit_code == 0, result.output
    assert authenticate(auth_app, "ana", PASSWORD) is None
    assert authenticate(auth_app, "ana", "a brand new one") is not None


def test_set_password_refuses_a_short_one(runner, auth_app) -> None:
    make_user(auth_app, "ana")
    result = users(runner, "set-password", "ana", "--password-stdin", input="short\n")
    assert result.exit_code == 1 and "at least 10" in result.output
    assert authenticate(auth_app, "ana", PASSWORD) is not None


def test_unlock_account_and_address(runner, auth_app) -> None:
    make_user(auth_app, "ana")
    with auth_app.app_context():
        for _ in range(3):
            get_limiter().record_failure("pair", "ana 10.6.6.6")
            get_limiter().record_failure("user", "ana")
        for _ in range(12):
            get_limiter().record_failure("ip", "10.1.2.3")
    result = users(runner, "unlock", "ana", "--ip", "10.1.2.3")
    assert result.exit_code == 0, result.output
    assert "unlocked account ana" in result.output
    assert "unlocked address 10.1.2.3" in result.output
    with auth_app.app_context():
        assert get_limiter().locked_for("pair", "ana 10.6.6.6") == 0
        assert get_limiter().locked_for("user", "ana") == 0
        assert get_limiter().locked_for("ip", "10.1.2.3") == 0
    assert "was not locked" in users(runner, "unlock", "ana").output


def test_disable_and_enable(runner, auth_app) -> None:
    make_user(auth_app, "ana")
    assert users(runner, "disable", "ana").exit_code == 0
    assert authenticate(auth_app, "ana", PASSWORD) is None
    assert users(runner, "enable", "ana").exit_code == 0
    assert authenticate(auth_app, "ana", PASSWORD) is not None


def test_default_hash_is_full_strength_scrypt(tmp_path) -> None:
    app = create_app({"TESTING": True, "STATE_DIR": str(tmp_path / "state")})
    result = users(
        app.test_cli_runner(),
        "add",
        "ana",
        "--role",
        "admin",
        "--password-stdin",
        input=f"{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        with get_accounts().db.read() as conn:
            stored = conn.execute("SELECT password_hash FROM users").fetchone()[0]
    assert stored.startswith("scrypt:32768:8:1$")
