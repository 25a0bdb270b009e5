"""Issue 20 in Chromium: an admin adds a reporting period from the spreadsheet.

Sign in through the real form, download the template from the periods page, fill
it in (openpyxl, as Excel would), upload it, see the draft's figures, publish it
and find it listed as published; the period page fits a 390×844 phone.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.support.accounts import PASSWORD, make_user
from tests.support.apps import close_store
from tests.support.investor import investor_app
from tests.support.period_admin import NEW_ID
from tests.support.period_sheets import meta, park, saved
from tests.support.servers import serve

pytestmark = pytest.mark.browser


@pytest.fixture
def site(editable_location: str, tmp_path: Path) -> Iterator[str]:
    """The sample data in a private store, one admin, on 127.0.0.1."""
    app = investor_app(editable_location, tmp_path)  # type: ignore[arg-type]
    make_user(app, "mai", "admin")
    yield from serve(app)
    close_store(app)


def _filled_template(path: Path) -> Path:
    """The downloaded template with a quarter's figures, saved as Excel would."""
    book = load_workbook(io.BytesIO(path.read_bytes()))
    meta(end="30/09/2023", kind="quarter", title="Quý 3 năm 2023")(book)
    park("nomura", occupancy_pct="98,5", workers=4200)(book)
    out = path.with_name("filled.xlsx")
    out.write_bytes(saved(book))
    return out


def test_an_admin_uploads_publishes_and_sees_the_period(site, guarded_page, guard):
    page = guarded_page
    page.goto(site + "/admin/periods?lang=en")
    assert "/login?next=" in page.url
    page.fill("#username", "mai")
    page.fill("#password", PASSWORD)
    page.click("form.auth-form button[type=submit]")
    page.wait_for_url("**/admin/periods?lang=en")
    with page.expect_download() as download:
        page.click("text=Download the blank template")
    template = Path(download.value.path())
    page.set_input_files("#pd-new-file", str(_filled_template(template)))
    page.click("form.pl-upload button[type=submit]")
    page.wait_for_url(f"**/admin/periods/{NEW_ID}?lang=en")
    assert page.inner_text("#pd-status").startswith("draft")
    cell = page.locator('#pd-parks tr[data-park="nomura"] td[data-key="occupancy_pct"]')
    assert cell.inner_text() == "98.5"
    page.click("#pd-publish")
    page.wait_for_selector('#pd-facts[data-status="published"]')
    page.set_viewport_size({"width": 390, "height": 844})
    width = page.evaluate(
        "() => document.documentElement.scrollWidth"
        " - document.documentElement.clientWidth"
    )
    assert width <= 0
    page.goto(site + "/admin/periods?lang=en")
    row = page.locator(f'#pd-periods tr[data-period="{NEW_ID}"]')
    assert row.get_attribute("data-status") == "published"
    guard.check()
