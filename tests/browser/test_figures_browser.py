"""Issue 20 in Chromium: the figures page follows the period chosen, and its
report links download the .docx."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_choosing_another_period_changes_the_headline(map_site, guarded_page):
    page = guarded_page
    page.goto(f"{map_site}/figures?lang=en")
    total = page.locator('#pf-headline-table tr[data-field="fdi_total_musd"] td').first
    assert total.inner_text() == "3,037 M USD"
    page.get_by_label("Reporting period").select_option("2023-06-30-quarter")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**period=2023-06-30-quarter**")
    assert total.inner_text() == "1,790 M USD"
    assert "As of Jun 30, 2023" in page.locator("#pf-as-of").inner_text()


def test_the_docx_link_downloads_the_report(map_site, guarded_page, tmp_path):
    page = guarded_page
    page.goto(f"{map_site}/figures?lang=vi")
    with page.expect_download() as download:
        page.locator("#pf-docx-vi").click()
    answer = page.request.get(download.value.url)
    assert answer.status == 200
    assert answer.headers["content-type"] == DOCX
    assert download.value.suggested_filename == "bao-cao-2023-10-14-month-vi.docx"
