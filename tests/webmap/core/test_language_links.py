"""Language-switch links carry the page's own parameters and nothing a client adds.

Query arguments used to go straight into ``url_for``: ``_method=POST`` made it fail
(500), ``_external``/``_anchor``/``_scheme`` rewrote every link, and a parameter
named like a view argument (``parcel_id``) replaced the page's own id.
"""

from __future__ import annotations

import re

import pytest

from tests.support.accounts import login, make_user
from tests.support.investor import form_token

LINK = re.compile(r'<a href="([^"]*)" hreflang="([a-z]{2})"')
# Werkzeug's reserved url_for arguments and names of the pages' view arguments.
HOSTILE = (
    "_external=1&_anchor=x&_scheme=javascript&_method=POST"
    "&parcel_id=evil&park_id=evil&scene_id=evil&lang_code=x"
)


def links(resp) -> dict[str, str]:
    """hreflang → href of the page's language switch."""
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    found = {code: href.replace("&amp;", "&") for href, code in LINK.findall(resp.text)}
    assert sorted(found) == ["en", "ja", "ko", "vi"]
    return found


@pytest.mark.parametrize(
    "page", ["/parcels/a-1?lang=en", "/parks/a?lang=en", "/compare?ids=a-1,a-2&lang=en"]
)
def test_investor_links_ignore_reserved_and_view_arg_names(client, page) -> None:
    plain = links(client.get(page))
    assert links(client.get(f"{page}&{HOSTILE}")) == plain


def test_investor_links_keep_the_page_and_its_own_parameters(client) -> None:
    found = links(client.get("/compare?ids=a-1,a-2&lang=en&_external=1"))
    assert found["ko"] == "/compare?ids=a-1%2Ca-2&lang=ko"
    found = links(client.get("/parcels/a-1?parcel_id=evil&_anchor=x"))
    assert found["ja"] == "/parcels/a-1?lang=ja"


def test_the_not_found_page_links_stay_on_that_page(client) -> None:
    resp = client.get("/parcels/nope?_method=POST&_external=1")
    assert resp.status_code == 404
    found = {code: href for href, code in LINK.findall(resp.text)}
    assert found["en"] == "/parcels/nope?lang=en"


def test_a_refused_enquiry_links_to_the_parcel_page(client) -> None:
    token = form_token(client, "a-1")
    resp = client.post("/parcels/a-1/enquiry", data={"csrf_token": token})
    assert resp.status_code == 422
    hrefs = {href for href, _code in LINK.findall(resp.text)}
    assert hrefs == {f"/parcels/a-1?lang={c}" for c in ("vi", "en", "ko", "ja")}


def test_the_enquiry_list_links_keep_the_page_number(app, client) -> None:
    make_user(app, "boss", "admin")
    login(client, "boss")
    found = links(client.get("/admin/enquiries?page=1&_method=POST&lang=en"))
    assert found["vi"] == "/admin/enquiries?page=1&lang=vi"


@pytest.mark.parametrize("page", ["/planner?lang=en", "/planner/parks/a?lang=en"])
def test_planner_links_ignore_reserved_and_view_arg_names(planner_ro, page) -> None:
    plain = links(planner_ro.client.get(page))
    assert links(planner_ro.client.get(f"{page}&{HOSTILE}")) == plain


def test_planner_links_keep_at(planner_ro) -> None:
    found = links(planner_ro.client.get("/planner?at=2026-01-31&_anchor=x"))
    assert found["en"] == "/planner?at=2026-01-31&lang=en"
