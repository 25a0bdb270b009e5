"""``role_required`` and ``current_user`` on test-only routes; session lifetime."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Blueprint

from tests.support.accounts import PASSWORD, csrf_token, login, make_user
from webmap.auth import current_user, require, role_required
from webmap.auth.service import get_accounts
from webmap.auth.session import SID, SINCE

HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
JSON = {"Accept": "application/json"}


@pytest.fixture
def app(auth_app):
    """The sign-in app with three probe routes, added before any request."""

    @auth_app.route("/probe/planner", methods=["GET", "POST"])
    @role_required("planner")
    def planner_probe():
        return {"user": current_user().username, "role": current_user().role}

    @auth_app.get("/probe/admin")
    @role_required("admin")
    def admin_probe():
        return {"user": current_user().username}

    @auth_app.get("/probe/api/planner")
    @role_required("planner")
    def api_probe():
        return {"ok": True}

    @auth_app.get("/probe/whoami")
    def whoami():
        user = current_user()
        return {"user": user.username if user else None}

    return auth_app


@pytest.fixture
def client(app):
    return app.test_client()


def test_page_load_without_session_redirects_to_login(client) -> None:
    resp = client.get("/probe/planner?park=a&lang=en", headers=HTML)
    assert resp.status_code == 302
    location = urlsplit(resp.headers["Location"])
    assert location.path == "/login"
    assert parse_qs(location.query)["next"] == ["/probe/planner?park=a&lang=en"]


def test_redirect_target_leads_back_after_login(app, client) -> None:
    make_user(app, "ana")
    next_url = parse_qs(
        urlsplit(client.get("/probe/planner", headers=HTML).headers["Location"]).query
    )["next"][0]
    form = {
        "username": "ana",
        "password": PASSWORD,
        "csrf_token": csrf_token(client),
        "next": next_url,
    }
    resp = client.post("/login", data=form)
    assert resp.headers["Location"] == "/probe/planner"
    assert client.get("/probe/planner", headers=HTML).json["user"] == "ana"


@pytest.mark.parametrize("headers", [JSON, {}, {"Accept": "*/*"}])
def test_api_call_without_session_is_401_problem(client, headers) -> None:
    resp = client.get("/probe/planner", headers=headers)
    assert resp.status_code == 401
    assert resp.mimetype == "application/problem+json"
    assert "sign in" in resp.json["detail"]


def test_api_path_is_401_even_for_html(client) -> None:
    assert client.get("/probe/api/planner", headers=HTML).status_code == 401


def test_post_without_session_is_401(app, client) -> None:
    resp = client.post(
        "/probe/planner", headers={"X-CSRFToken": csrf_token(client), **HTML}
    )
    assert resp.status_code == 401


def test_planner_passes_planner_check(app, client) -> None:
    make_user(app, "ana", "planner")
    login(client, "ana")
    assert client.get("/probe/planner").json == {"user": "ana", "role": "planner"}


def test_planner_is_403_on_admin_route(app, client) -> None:
    make_user(app, "ana", "planner")
    login(client, "ana")
    for headers in (HTML, JSON):
        resp = client.get("/probe/admin", headers=headers)
        assert resp.status_code == 403
        assert resp.mimetype == "application/problem+json"
        assert "admin role" in resp.json["detail"]


def test_admin_passes_both_checks(app, client) -> None:
    make_user(app, "root", "admin")
    login(client, "root")
    assert client.get("/probe/planner").json["role"] == "admin"
    assert client.get("/probe/admin").json == {"user": "root"}


def test_post_with_session_and_token_passes(app, client) -> None:
    make_user(app, "ana")
    token = login(client, "ana")
    assert (
        client.post("/probe/planner", headers={"X-CSRFToken": token}).status_code == 200
    )
    assert client.post("/probe/planner").status_code == 400  # no token


def test_password_change_ends_old_sessions(app, client) -> None:
    make_user(app, "ana")
    login(client, "ana")
    assert client.get("/probe/whoami").json == {"user": "ana"}
    with app.app_context():
        get_accounts().set_password("ana", "a new password")
    assert client.get("/probe/whoami").json == {"user": None}
    assert client.get("/probe/planner").status_code == 401
    login(client, "ana", "a new password")
    assert client.get("/probe/whoami").json == {"user": "ana"}


def test_removed_user_is_signed_out_even_if_added_again(app, client) -> None:
    make_user(app, "ana")
    login(client, "ana")
    with app.app_context():
        get_accounts().remove("ana")
    make_user(app, "ana")  # same name, same password: still a new account
    assert client.get("/probe/whoami").json == {"user": None}


def test_disabled_user_is_signed_out(app, client) -> None:
    make_user(app, "ana")
    login(client, "ana")
    assert app.test_cli_runner().invoke(args=["users", "disable", "ana"]).exit_code == 0
    assert client.get("/probe/planner", headers=JSON).status_code == 401
    assert app.test_cli_runner().invoke(args=["users", "enable", "ana"]).exit_code == 0
    assert client.get("/probe/whoami").json == {"user": None}  # stays signed out


def test_session_older_than_lifetime_ends(app, client) -> None:
    make_user(app, "ana")
    login(client, "ana")
    with client.session_transaction() as session:
        session[SINCE] = int(time.time()) - 8 * 3600 - 5
    assert client.get("/probe/whoami").json == {"user": None}


def test_forged_session_user_is_refused(app, client) -> None:
    make_user(app, "ana", "admin")
    with client.session_transaction() as session:  # signed with the right key,
        session["auth_user"] = "ana"  # but without the account's session epoch
        session[SINCE] = int(time.time())
    assert client.get("/probe/whoami").json == {"user": None}


def test_session_without_an_open_id_is_refused(app, client) -> None:
    make_user(app, "ana")
    login(client, "ana")
    with client.session_transaction() as session:  # e.g. signed in before upgrading
        del session[SID]
    assert client.get("/probe/whoami").json == {"user": None}


def test_require_works_as_before_request(app) -> None:
    bp = Blueprint("guarded", __name__, url_prefix="/guarded")
    bp.before_request(lambda: require("admin"))
    bp.add_url_rule("/x", "x", lambda: "inside")
    app.register_blueprint(bp)
    client = app.test_client()
    assert client.get("/guarded/x", headers=HTML).status_code == 302
    make_user(app, "ana", "planner")
    login(client, "ana")
    assert client.get("/guarded/x").status_code == 403


def test_unknown_role_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="root"):
        role_required("root")
