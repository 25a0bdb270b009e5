"""The sign-in page, sign-in and sign-out, lockout, ``next`` and CSRF."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests.support.accounts import PASSWORD, csrf_token, login, make_user
from webmap.auth.service import get_limiter
from webmap.auth.session import USER, safe_next
from webmap.core.i18n import TRANSLATIONS

WEBMAP = TRANSLATIONS.parent

GENERIC = "Wrong username or password."
ATTACKER, OWNER = "10.6.6.6", "192.0.2.7"


def attempt(client, username: str, password: str, **extra: str):
    form = {
        "username": username,
        "password": password,
        "csrf_token": csrf_token(client),
    }
    return client.post("/login?lang=en", data={**form, **extra})


def attempt_from(client, address: str, password: str, username: str = "ana"):
    form = {
        "username": username,
        "password": password,
        "csrf_token": csrf_token(client),
    }
    return client.post(
        "/login?lang=en", data=form, environ_base={"REMOTE_ADDR": address}
    )


@pytest.fixture
def clock(auth_app):
    """The sign-in limiter's clock, stopped; tests move it on by hand."""

    class Clock:
        now = 1_000_000.0

        def __call__(self) -> float:
            return self.now

    stopped = Clock()
    with auth_app.app_context():
        get_limiter().clock = stopped
    return stopped


def signed_in_as(client) -> str | None:
    with client.session_transaction() as session:
        return session.get(USER)


def test_login_page_has_form_and_token(auth_client) -> None:
    resp = auth_client.get("/login?lang=en")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert '<form class="auth-form" method="post"' in html
    assert re.search(r'<input type="hidden" name="csrf_token" value="[^"]{20,}">', html)
    assert 'name="password" type="password"' in html
    assert resp.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]


def test_login_page_loads_nothing_from_elsewhere(auth_client) -> None:
    html = auth_client.get("/login").get_data(as_text=True)
    assert not re.search(r'(src|href)="(https?:)?//', html)


@pytest.mark.parametrize(
    ("lang", "text"), [("vi", "Đăng nhập"), ("en", "Sign in"), ("ja", "ログイン")]
)
def test_login_page_is_translated(auth_client, lang: str, text: str) -> None:
    html = auth_client.get(f"/login?lang={lang}").get_data(as_text=True)
    assert f"<h1>{text}</h1>" in html and f'<html lang="{lang}">' in html


def test_login_page_escapes_next(auth_client) -> None:
    html = auth_client.get('/login?next=/planner?a="><script>x</script>').get_data(
        as_text=True
    )
    assert "<script>x" not in html
    assert 'value="/planner?a=&#34;&gt;&lt;script&gt;x&lt;/script&gt;"' in html


def test_login_success_redirects_and_starts_session(auth_app, auth_client) -> None:
    make_user(auth_app, "ana")
    resp = attempt(auth_client, "Ana", PASSWORD)
    assert resp.status_code == 303
    assert resp.headers["Location"] == "/"
    assert signed_in_as(auth_client) == "ana"


def test_login_clears_the_old_session(auth_app, auth_client) -> None:
    make_user(auth_app, "ana")
    token = csrf_token(auth_client)
    with auth_client.session_transaction() as session:
        session["planted"] = "by an attacker"
        raw_before = session["csrf_token"]
    form = {"username": "ana", "password": PASSWORD, "csrf_token": token}
    assert auth_client.post("/login", data=form).status_code == 303
    with auth_client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("csrf_token") != raw_before


@pytest.mark.parametrize("username", ["ana", "nobody", "not a valid name!"])
def test_failure_says_the_same_for_every_wrong_case(
    auth_app, auth_client, username
) -> None:
    make_user(auth_app, "ana")
    resp = attempt(auth_client, username, "wrong password")
    assert resp.status_code == 200
    assert GENERIC in resp.get_data(as_text=True)
    assert signed_in_as(auth_client) is None


def test_failure_keeps_the_name_escaped(auth_client) -> None:
    html = attempt(auth_client, '<b>ana"', "wrong password").get_data(as_text=True)
    assert 'value="&lt;b&gt;ana&#34;"' in html


def test_failure_message_is_translated(auth_client) -> None:
    form = {
        "username": "ana",
        "password": "x" * 12,
        "csrf_token": csrf_token(auth_client),
    }
    html = auth_client.post("/login?lang=vi", data=form).get_data(as_text=True)
    assert "Sai tên đăng nhập hoặc mật khẩu." in html


def test_disabled_account_cannot_sign_in(auth_app, auth_client) -> None:
    make_user(auth_app, "ana")
    auth_app.test_cli_runner().invoke(args=["users", "disable", "ana"])
    assert GENERIC in attempt(auth_client, "ana", PASSWORD).get_data(as_text=True)


@pytest.mark.parametrize("target", ["/planner", "/planner?park=a&lang=en", "/vr/x#y"])
def test_next_local_path_is_followed(auth_app, auth_client, target: str) -> None:
    make_user(auth_app, "ana")
    resp = attempt(auth_client, "ana", PASSWORD, next=target)
    assert resp.headers["Location"] == target


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/path",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/\t/evil.example",
        "///evil.example",
        "http:/evil.example",
        "",
    ],
)
def test_next_elsewhere_is_ignored(auth_app, auth_client, target: str) -> None:
    make_user(auth_app, "ana")
    resp = attempt(auth_client, "ana", PASSWORD, next=target)
    assert resp.status_code == 303
    assert resp.headers["Location"] == "/"
    assert safe_next(target) is None


def test_unsafe_next_is_not_put_in_the_form(auth_client) -> None:
    html = auth_client.get("/login?next=//evil.example").get_data(as_text=True)
    assert "evil.example" not in html


def test_account_locks_after_max_failures(auth_app, auth_client) -> None:
    make_user(auth_app, "ana")  # auth_app allows 3 failures
    assert [
        attempt(auth_client, "ana", "wrong password").status_code for _ in range(2)
    ] == [200, 200]
    resp = attempt(auth_client, "ana", "wrong password")
    assert resp.status_code == 429
    assert resp.headers["Retry-After"] == str(15 * 60)
    assert "This account is locked" in resp.get_data(as_text=True)
    right = attempt(auth_client, "ana", PASSWORD)
    assert right.status_code == 429 and 0 < int(right.headers["Retry-After"]) <= 900
    assert signed_in_as(auth_client) is None


def test_lock_message_in_vietnamese(auth_app, auth_client) -> None:
    for _ in range(3):
        form = {
            "username": "ana",
            "password": "x" * 12,
            "csrf_token": csrf_token(auth_client),
        }
        resp = auth_client.post("/login?lang=vi", data=form)
    assert resp.status_code == 429
    assert "Tài khoản này đã bị khóa" in resp.get_data(as_text=True)
    assert "15 phút" in resp.get_data(as_text=True)


def test_unknown_account_locks_the_same_way(auth_client) -> None:
    codes = [
        attempt(auth_client, "nobody", "wrong password").status_code for _ in range(4)
    ]
    assert codes == [200, 200, 429, 429]


def test_lock_is_per_account(auth_app, auth_client) -> None:
    make_user(auth_app, "bob")
    for _ in range(3):
        attempt(auth_client, "ana", "wrong password")
    assert attempt(auth_client, "bob", PASSWORD).status_code == 303


def test_success_resets_the_account_count(auth_app, auth_client) -> None:
    make_user(auth_app, "ana")
    for _ in range(2):
        attempt(auth_client, "ana", "wrong password")
    assert attempt(auth_client, "ana", PASSWORD).status_code == 303
    codes = [
        attempt(auth_client, "ana", "wrong password").status_code for _ in range(2)
    ]
    assert codes == [200, 200]


def test_one_address_cannot_walk_through_accounts(auth_app, auth_client) -> None:
    make_user(auth_app, "zoe")
    codes = [
        attempt(auth_client, f"user{i}", "wrong password").status_code
        for i in range(12)
    ]
    assert codes == [200] * 11 + [429]  # 3 per account x 4 per address
    resp = attempt(auth_client, "zoe", PASSWORD)
    assert resp.status_code == 429 and resp.headers["Retry-After"] == "900"
    assert "from this address" in resp.get_data(as_text=True)


def test_other_address_is_not_locked(auth_app, auth_client) -> None:
    make_user(auth_app, "zoe")
    for i in range(12):
        attempt(auth_client, f"user{i}", "wrong password")
    other = auth_app.test_client()
    form = {"username": "zoe", "password": PASSWORD, "csrf_token": csrf_token(other)}
    resp = other.post("/login", data=form, environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert resp.status_code == 303


def test_attacker_elsewhere_does_not_keep_the_owner_out(auth_app, clock) -> None:
    make_user(auth_app, "ana")  # auth_app allows 3 failures
    attacker, owner = auth_app.test_client(), auth_app.test_client()
    codes = [
        attempt_from(attacker, ATTACKER, "wrong password").status_code for _ in range(6)
    ]
    assert codes == [200, 200, 429, 429, 429, 429]  # that pair is locked
    slowed = attempt_from(owner, OWNER, PASSWORD)
    assert slowed.status_code == 429 and slowed.headers["Retry-After"] == "1"
    text = slowed.get_data(as_text=True)
    assert "Too many failed sign-ins for this account. Try again in 1 s." in text
    clock.now += 1
    assert attempt_from(owner, OWNER, PASSWORD).status_code == 303
    assert signed_in_as(owner) == "ana"
    assert attempt_from(attacker, ATTACKER, PASSWORD).status_code == 429


def test_account_delay_grows_per_failure_and_is_capped(auth_app, clock) -> None:
    make_user(auth_app, "ana")
    client, delays = auth_app.test_client(), []
    for i in range(10):  # one guess from each of ten addresses
        resp = attempt_from(client, f"10.6.6.{i}", "wrong password")
        if delays:  # the account is slowed: this address waits its turn first
            assert resp.status_code == 429
            assert resp.headers["Retry-After"] == str(delays[-1])
            clock.now += delays[-1]
            resp = attempt_from(client, f"10.6.6.{i}", "wrong password")
        if resp.status_code == 429:
            delays.append(int(resp.headers["Retry-After"]))
    assert delays == [1, 2, 4, 8, 16, 32, 60, 60]
    owner = attempt_from(client, OWNER, PASSWORD)
    assert owner.status_code == 429 and owner.headers["Retry-After"] == "60"
    clock.now += 60
    assert attempt_from(client, OWNER, PASSWORD).status_code == 303


def test_unlock_ends_the_slowdown_and_pair_lock(auth_app, clock) -> None:
    make_user(auth_app, "ana")
    client = auth_app.test_client()
    for _ in range(3):
        attempt_from(client, ATTACKER, "wrong password")
    assert attempt_from(client, OWNER, PASSWORD).status_code == 429
    result = auth_app.test_cli_runner().invoke(args=["users", "unlock", "ana"])
    assert result.exit_code == 0
    assert attempt_from(client, ATTACKER, PASSWORD).status_code == 303


def test_unlock_lets_the_account_in(auth_app, auth_client) -> None:
    make_user(auth_app, "ana")
    for _ in range(3):
        attempt(auth_client, "ana", "wrong password")
    result = auth_app.test_cli_runner().invoke(args=["users", "unlock", "ana"])
    assert result.exit_code == 0
    assert attempt(auth_client, "ana", PASSWORD).status_code == 303


def test_login_without_csrf_token_is_400_problem(auth_app, auth_client) -> None:
    make_user(auth_app, "ana")
    resp = auth_client.post("/login", data={"username": "ana", "password": PASSWORD})
    assert resp.status_code == 400
    assert resp.mimetype == "application/problem+json"
    assert resp.json["status"] == 400
    assert "CSRF token is missing or invalid" in resp.json["detail"]
    assert signed_in_as(auth_client) is None


def test_login_with_forged_csrf_token_is_400(auth_client) -> None:
    csrf_token(auth_client)
    form = {"username": "ana", "password": PASSWORD, "csrf_token": "forged.token.value"}
    resp = auth_client.post("/login", data=form)
    assert resp.status_code == 400
    assert "CSRF token is missing or invalid" in resp.json["detail"]


def test_token_from_another_session_is_refused(auth_app, auth_client) -> None:
    stolen = csrf_token(auth_app.test_client())
    csrf_token(auth_client)
    resp = auth_client.post("/logout", data={"csrf_token": stolen})
    assert resp.status_code == 400


def test_logout_needs_post(auth_app, auth_client) -> None:
    make_user(auth_app, "ana")
    login(auth_client, "ana")
    resp = auth_client.get("/logout")
    assert resp.status_code == 405
    assert signed_in_as(auth_client) == "ana"


def test_logout_needs_csrf_token(auth_app, auth_client) -> None:
    make_user(auth_app, "ana")
    login(auth_client, "ana")
    resp = auth_client.post("/logout")
    assert resp.status_code == 400 and resp.mimetype == "application/problem+json"
    assert "CSRF token is missing or invalid" in resp.json["detail"]
    assert signed_in_as(auth_client) == "ana"


def test_logout_ends_a_copy_of_the_cookie_too(auth_app, auth_client) -> None:
    make_user(auth_app, "ana")
    token = login(auth_client, "ana")
    copy = auth_app.test_client()
    copy.set_cookie("session", auth_client.get_cookie("session").value)
    assert "Signed in as ana" in copy.get("/login?lang=en").get_data(as_text=True)
    auth_client.post("/logout", headers={"X-CSRFToken": token})
    html = copy.get("/login?lang=en").get_data(as_text=True)
    assert "Signed in as" not in html


def test_signing_in_again_ends_the_session_it_replaces(auth_app, auth_client) -> None:
    make_user(auth_app, "ana")
    login(auth_client, "ana")
    copy = auth_app.test_client()
    copy.set_cookie("session", auth_client.get_cookie("session").value)
    login(auth_client, "ana")
    assert "Signed in as ana" in auth_client.get("/login?lang=en").get_data(
        as_text=True
    )
    assert "Signed in as" not in copy.get("/login?lang=en").get_data(as_text=True)


def test_logout_ends_the_session(auth_app, auth_client) -> None:
    make_user(auth_app, "ana")
    token = login(auth_client, "ana")
    resp = auth_client.post("/logout", headers={"X-CSRFToken": token})
    assert resp.status_code == 303
    assert urlsplit(resp.headers["Location"]).path == "/login"
    assert signed_in_as(auth_client) is None


def test_login_page_shows_who_is_signed_in(auth_app, auth_client) -> None:
    make_user(auth_app, "ana")
    login(auth_client, "ana")
    html = auth_client.get("/login?lang=en").get_data(as_text=True)
    assert "Signed in as ana" in html
    assert 'action="/logout"' in html


def test_vr_upload_needs_no_csrf_token(auth_client) -> None:
    # Exempt: it authenticates by Bearer token, so it fails on that, not on CSRF.
    resp = auth_client.post("/vr/scenes", headers={"Authorization": "Bearer nope"})
    assert resp.status_code == 403
    assert "CSRF" not in resp.json["detail"]
