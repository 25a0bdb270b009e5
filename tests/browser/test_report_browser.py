"""Issue 19 in Chromium: one click on *Site report* from a parcel page, a park page
and the map's card downloads the PDF, whose text names the site."""

from __future__ import annotations

import pytest

from tests.support.browser import wait_for_map
from tests.support.pdf import pdf_text

pytestmark = pytest.mark.browser

PARCEL, PARK = "dinh_vu-051", "dinh_vu"
NAME = "Site report (PDF)"


def click_for_pdf(page, link, tmp_path) -> bytes:
    """Click ``link``: the PDF arrives as a download; its URL answers application/pdf.

    Chromium hands a ``download`` link to its download manager, which neither
    routes nor reports the answer, so the header is asked for again beside it.
    """
    with page.expect_download() as download:
        link.click()
    answer = page.request.get(download.value.url)
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/pdf"
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    return path.read_bytes()


def test_site_report_from_the_parcel_page(map_site, guarded_page, tmp_path):
    page = guarded_page
    page.goto(f"{map_site}/parcels/{PARCEL}?lang=en")
    pdf = click_for_pdf(page, page.get_by_role("link", name=NAME), tmp_path)
    assert pdf.startswith(b"%PDF")
    assert PARCEL in pdf_text(pdf, tmp_path)
    assert (tmp_path / f"site-report-{PARCEL}-en.pdf").is_file()


def test_site_report_from_the_park_page_in_korean(map_site, guarded_page, tmp_path):
    page = guarded_page
    page.goto(f"{map_site}/parks/{PARK}?lang=ko")
    pdf = click_for_pdf(
        page, page.get_by_role("link", name="부지 보고서 (PDF)"), tmp_path
    )
    assert "KCN Đình Vũ" in pdf_text(pdf, tmp_path)


def test_site_report_from_the_map_s_card(map_site, guarded_page, tmp_path):
    page = guarded_page
    page.goto(f"{map_site}/?lang=en&sel=parcels:{PARCEL}")
    wait_for_map(page)
    link = page.locator("#pm-card").get_by_role("link", name=NAME)
    link.wait_for(state="visible")
    pdf = click_for_pdf(page, link, tmp_path)
    assert PARCEL in pdf_text(pdf, tmp_path)
