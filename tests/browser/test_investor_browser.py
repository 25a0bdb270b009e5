"""Issue 5 in Chromium, part 2: parcel page, shortlist, compare, enquiry, admin list.

An investor opens a parcel page (its map draws from local tiles only), shortlists two
parcels, opens the comparison from the shortlist, takes one out, sends an enquiry
through the real form; an admin signs in through the real sign-in form and finds it,
escaped, in the list.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.accounts import PASSWORD, make_user
from tests.support.browser import add_test_tiles
from tests.support.investor import investor_app
from tests.support.servers import serve

pytestmark = pytest.mark.browser

FIRST, SECOND = "dinh_vu-051", "dinh_vu-052"
SENDER = 'Kim <b>Min-ji</b> & "Hanbit"'


@pytest.fixture
def site_app(editable_store: Path, tmp_path: Path):
    """The sample data in a private store, local base-map tiles, one admin."""
    app = investor_app(editable_store, tmp_path)
    app.extensions["test_tile_hits"] = add_test_tiles(app)
    make_user(app, "boss", "admin")
    return app


@pytest.fixture
def site(site_app) -> Iterator[str]:
    yield from serve(site_app)


def open_parcel(page, site: str, parcel_id: str) -> None:
    """Open a parcel page and wait for its map to be drawn."""
    page.goto(f"{site}/parcels/{parcel_id}?lang=en")
    page.wait_for_function(
        "() => window.parkmapParcel && parkmapParcel.map", timeout=15_000
    )


def shortlist(page, parcel_id: str) -> None:
    """Press the page's 'Add to shortlist' for ``parcel_id``."""
    button = page.locator(f'[data-shortlist-toggle="{parcel_id}"]').first
    assert button.inner_text() == "Add to shortlist"
    button.click()
    assert button.inner_text() == "Remove from shortlist"


def test_parcel_page_shortlist_compare_enquiry_admin(site, site_app, guarded_page):
    page = guarded_page
    open_parcel(page, site, FIRST)
    assert site_app.extensions["test_tile_hits"], "the base map drew no tile"
    assert page.locator(".iv-map path.leaflet-interactive").count() >= 3
    shortlist(page, FIRST)
    assert page.inner_text("#iv-shortlist-count") == "1"

    page.emulate_media(media="print")
    assert not page.locator("#enquiry").is_visible()
    assert not page.locator(".iv-actions").is_visible()
    assert page.locator("#iv-map").is_visible()
    page.emulate_media(media="screen")

    open_parcel(page, site, SECOND)
    assert page.inner_text("#iv-shortlist-count") == "1"  # kept across pages
    shortlist(page, SECOND)
    page.click("#iv-shortlist-link")
    page.wait_for_url("**/compare?**")
    assert f"ids={FIRST}%2C{SECOND}" in page.url or f"ids={FIRST},{SECOND}" in page.url
    columns = page.eval_on_selector_all(
        "#iv-compare thead th[data-parcel]", "els => els.map(e => e.dataset.parcel)"
    )
    assert columns == [FIRST, SECOND]
    assert page.locator("#iv-compare tr.iv-differs").count() > 0
    page.click(f'#iv-compare [data-shortlist-toggle="{SECOND}"]')
    assert page.inner_text("#iv-shortlist-count") == "1"
    assert page.locator("#iv-compare-shortlist").is_visible()

    send_enquiry(page, site)
    see_it_as_admin(page, site)


def send_enquiry(page, site: str) -> None:
    """Fill in and send the form on the first parcel's page; see the thank-you."""
    open_parcel(page, site, FIRST)
    page.fill("#enq-name", SENDER)
    page.fill("#enq-company", "Hanbit Co.")
    page.fill("#enq-email", "minji@hanbit.example.kr")
    page.fill("#enq-message", "We need about 25 ha near Lach Huyen port.\nIs it free?")
    trap = page.locator("#enq-website").bounding_box()  # the honeypot: off screen
    assert trap["x"] + trap["width"] <= 0
    page.click(".iv-form button[type=submit]")
    page.wait_for_url("**#enquiry")
    assert page.inner_text("#iv-thanks") == "Thank you: your enquiry has been sent."


def see_it_as_admin(page, site: str) -> None:
    """Sign in through the real form and find the enquiry, shown as text."""
    page.goto(f"{site}/admin/enquiries?lang=en")
    assert "/login?next=" in page.url
    page.fill("#username", "boss")
    page.fill("#password", PASSWORD)
    page.click("form.auth-form button[type=submit]")
    page.wait_for_url("**/admin/enquiries?lang=en")
    row = page.locator("#iv-enquiries tbody tr").first
    cells = row.locator("td")
    assert cells.nth(3).inner_text() == SENDER
    assert row.locator("b").count() == 0  # the name's tags stayed text
    assert cells.nth(2).inner_text().startswith(FIRST)
    assert "Is it free?" in cells.nth(6).inner_text()


def test_copy_link_copies_the_page_address(site, guarded_page):
    page = guarded_page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    open_parcel(page, site, FIRST)
    page.click("#iv-copy-link")
    page.wait_for_function(
        "() => !document.getElementById('iv-shortlist-status').hidden"
        " || !document.getElementById('iv-copy-box').hidden",
        timeout=5_000,
    )
    if page.locator("#iv-copy-box").is_visible():  # no clipboard: the box instead
        value = page.input_value("#iv-copy-box input")
    else:
        value = page.evaluate("navigator.clipboard.readText()")
    assert value == f"{site}/parcels/{FIRST}"
