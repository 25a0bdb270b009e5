"""Who reaches the planner's pages and API, and what the pages show and escape."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.support.accounts import csrf_token, login, make_user
from tests.support.clearance import PARK_A_NAME, PARK_B_NAME, planner_session
from webmap.auth.accounts import User

pytestmark = pytest.mark.both_stores  # every store-facing test: both backends

PAGES = ["/planner", "/planner/parks/a"]
API = [
    "/planner/api/progress",
    "/planner/api/timeline",
    "/planner/api/parcels/a-1",
    "/planner/api/parks/a/history",
    "/planner/report.xlsx",
    "/planner/report.csv",
    "/planner/charts/progress.svg",
    "/planner/charts/timeline.svg",
]


@pytest.fixture
def anonymous(planner_ro):
    """A client of the same app that never signed in."""
    return replace(planner_ro, client=planner_ro.app.test_client(), token="")


@pytest.mark.parametrize("path", PAGES)
def test_a_page_load_without_session_goes_to_sign_in(anonymous, path):
    resp = anonymous.client.get(path, headers={"Accept": "text/html"})
    assert resp.status_code == 302
    assert resp.location.startswith("/login?next=")
    assert path.replace("/", "%2F") in resp.location or path in resp.location


@pytest.mark.parametrize("path", API)
def test_api_without_session_is_401(anonymous, path):
    resp = anonymous.client.get(path, headers={"Accept": "application/json"})
    assert resp.status_code == 401
    assert resp.mimetype == "application/problem+json"


def test_patch_without_session_is_401(anonymous):
    token = csrf_token(anonymous.client)
    resp = anonymous.client.patch(
        "/planner/api/parcels/a-1",
        json={"version": 0, "changes": {"note": "x"}},
        headers={"X-CSRFToken": token},
    )
    assert resp.status_code == 401
    assert anonymous.store().clearance.record("a-1").version == 0


def test_patch_without_csrf_token_is_400_and_changes_nothing(planner_ro):
    resp = planner_ro.patch("a-1", {"version": 0, "changes": {"note": "x"}}, csrf=False)
    assert resp.status_code == 400
    assert "CSRF" in resp.get_json()["detail"]
    assert planner_ro.store().clearance.record("a-1").note == ""


def test_patch_with_a_wrong_csrf_token_is_400(planner_ro):
    resp = planner_ro.client.patch(
        "/planner/api/parcels/a-1",
        json={"version": 0, "changes": {"note": "x"}},
        headers={"X-CSRFToken": "forged"},
    )
    assert resp.status_code == 400


def test_a_role_without_planner_rights_is_403(planner_ro, monkeypatch):
    monkeypatch.setattr(User, "has_role", lambda self, role: False)
    resp = planner_ro.client.get("/planner/api/progress")
    assert resp.status_code == 403


def holding(app, cookie: str):
    """A new client of ``app`` with a copy of someone's session cookie."""
    client = app.test_client()
    client.set_cookie("session", cookie)
    return client


def test_a_copied_cookie_opens_nothing_after_sign_out(planner_ro):
    app, client = planner_ro.app, planner_ro.app.test_client()
    token = login(client, "ana")
    cookie = client.get_cookie("session").value
    assert holding(app, cookie).get("/planner").status_code == 200
    assert client.post("/logout", headers={"X-CSRFToken": token}).status_code == 303
    page = holding(app, cookie).get("/planner", headers={"Accept": "text/html"})
    assert page.status_code == 302 and page.location.startswith("/login?next=")
    api = holding(app, cookie).get(API[0], headers={"Accept": "application/json"})
    assert api.status_code == 401


def test_signing_out_leaves_the_users_other_sessions(planner_ro):
    laptop, phone = planner_ro.app.test_client(), planner_ro.app.test_client()
    token = login(laptop, "ana")
    login(phone, "ana")
    assert laptop.post("/logout", headers={"X-CSRFToken": token}).status_code == 303
    assert laptop.get(API[0]).status_code == 401
    assert phone.get(API[0]).status_code == 200
    assert planner_ro.client.get(API[0]).status_code == 200


def test_an_admin_passes(planner_built, tmp_path):
    admin = planner_session(planner_built, tmp_path, role="admin")
    assert admin.client.get("/planner/api/progress").status_code == 200


def test_a_second_planner_signs_in_and_edits(planner):
    make_user(planner.app, "binh", "planner")
    other = planner.app.test_client()
    token = login(other, "binh")
    resp = other.patch(
        "/planner/api/parcels/a-1",
        json={"version": 0, "changes": {"note": "from binh"}},
        headers={"X-CSRFToken": token},
    )
    assert resp.status_code == 200
    assert resp.get_json()["clearance"]["updated_by"] == "binh"


@pytest.mark.parametrize("path", PAGES)
def test_pages_escape_park_names(planner_ro, path):
    html = planner_ro.client.get(path + "?lang=en").get_data(as_text=True)
    assert "<b>An</b>" not in html
    assert "KCN &lt;b&gt;An&lt;/b&gt; &amp; &#34;Dương&#34;" in html


def test_dashboard_lists_parks_bottleneck_first_with_links(planner_ro):
    html = planner_ro.client.get("/planner?lang=en").get_data(as_text=True)
    first, second = html.index("KCN &lt;b&gt;An"), html.index("=HYPERLINK(")
    assert first < second
    assert 'href="/planner/parks/a?lang=en"' in html
    assert 'href="/planner/parks/b?lang=en"' in html
    assert "/planner/report.xlsx" in html and "/planner/report.csv" in html
    assert html.count("<svg") == 2


def test_dashboard_links_to_the_clearance_map_when_registered(planner_ro):
    html = planner_ro.client.get("/planner?lang=en").get_data(as_text=True)
    has_map = "planner_map.map_page" in planner_ro.app.view_functions
    assert ('href="/planner/map' in html) == has_map


def test_pages_have_a_strict_policy_and_no_cache(planner_ro):
    resp = planner_ro.client.get("/planner")
    assert "script-src 'self'" in resp.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in resp.headers["Content-Security-Policy"]
    assert resp.headers["Cache-Control"] == "private, no-store"
    assert "<script>" not in resp.get_data(as_text=True)


def test_park_page_has_one_form_per_row_with_version_and_csrf_meta(planner_ro):
    html = planner_ro.client.get("/planner/parks/a").get_data(as_text=True)
    assert '<meta name="csrf-token" content="' in html
    assert html.count('class="pl-row-form"') == 4
    assert 'data-url="/planner/api/parcels/a-1" data-version="0"' in html
    assert "/static/planner/planner-table.js" in html


def test_park_page_shows_the_history(planner):
    planner.patch("a-1", {"version": 0, "changes": {"note": "<i>n</i>"}})
    html = planner.client.get("/planner/parks/a?lang=en").get_data(as_text=True)
    assert "&lt;i&gt;n&lt;/i&gt;" in html and "<i>n</i>" not in html
    assert "No change has been made yet." not in html


def test_unknown_park_page_is_404(planner_ro):
    assert planner_ro.client.get("/planner/parks/nowhere").status_code == 404


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("vi", "Tiến độ giải phóng mặt bằng"),
        ("en", "Site clearance progress"),
        ("ko", "부지 정리 진행 상황"),
        ("ja", "用地取得の進捗"),
    ],
)
def test_dashboard_speaks_the_four_languages(planner_ro, lang, words):
    html = planner_ro.client.get(f"/planner?lang={lang}").get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    assert words in html


def test_static_script_is_served(planner_ro):
    resp = planner_ro.client.get("/static/planner/planner-table.js")
    assert resp.status_code == 200
    assert b"X-CSRFToken" in resp.data
    resp.close()


def test_park_b_name_is_shown_as_text(planner_ro):
    html = planner_ro.client.get("/planner/parks/b").get_data(as_text=True)
    assert "=HYPERLINK(&#34;http://evil.example&#34;" in html
    assert PARK_B_NAME not in html  # its quotes are escaped
    assert PARK_A_NAME not in html
