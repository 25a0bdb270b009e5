"""The admins' period pages: template, upload, drafts, publish, corrections, roles."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.support.apps import close_store
from tests.support.period_admin import (
    LIST,
    NEW,
    NEW_ID,
    PUBLISHED_ID,
    Admin,
    admin_session,
    problems_listed,
)
from tests.support.period_sheets import filled, headline, meta, park, report

pytestmark = pytest.mark.both_stores


def _draft(admin: Admin, *edits) -> str:
    resp = admin.upload(filled(NEW, *edits))
    assert resp.status_code == 303, resp.get_data(as_text=True)
    return resp.location


def test_the_list_shows_drafts_and_published_newest_first(admin) -> None:
    _draft(admin, park("nomura", occupancy_pct=99))
    html = admin.client.get(f"{LIST}?lang=en").get_data(as_text=True)
    order = [p.id for p in sorted(admin.periods(), key=lambda p: p.end, reverse=True)]
    positions = [html.index(f'data-period="{pid}"') for pid in order]
    assert positions == sorted(positions)
    assert f'data-period="{NEW_ID}" data-status="draft"' in html
    assert f'data-period="{PUBLISHED_ID}" data-status="published"' in html


def test_the_template_lists_the_store_s_parks(admin) -> None:
    resp = admin.client.get(f"{LIST}/template.xlsx")
    assert resp.status_code == 200
    sheet = load_workbook(io.BytesIO(resp.data))["parks"]
    ids = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]]
    assert "nomura" in ids and "thuy_nguyen" in ids and len(ids) == 18


def test_the_template_is_prefilled_from_a_stored_period(admin) -> None:
    resp = admin.client.get(f"{LIST}/template.xlsx?period={PUBLISHED_ID}")
    book = load_workbook(io.BytesIO(resp.data))
    values = {r[0]: r[3] for r in book["headline"].iter_rows(values_only=True)}
    assert values["fdi_total_musd"] == 3037
    assert values["income_m_vnd_month"] == 11.5


def test_the_template_of_an_unknown_period_is_404(admin) -> None:
    assert (
        admin.client.get(f"{LIST}/template.xlsx?period=1999-01-01-x").status_code == 404
    )


def test_a_good_upload_stores_a_draft_and_lands_on_its_page(admin) -> None:
    location = _draft(admin, report())
    assert location.startswith(f"{LIST}/{NEW_ID}")
    stored = admin.period(NEW_ID)
    assert (stored.status, stored.revision) == ("draft", 1)
    assert stored.headline["fdi_total_musd"] == 3037
    assert stored.parks["do_son"]["occupancy_pct"] == 96.3
    page = admin.client.get(location).get_data(as_text=True)
    assert 'id="pd-publish"' in page and 'id="pd-edit"' in page


BAD_FILES = {
    "not a zip": (b"park_id,occupancy\nnomura,100\n", [("", "", "")]),
    "unknown park": (
        filled(NEW, park("nomura", park_id="<b>nowhere</b>")),
        [("parks", "2", "park_id")],
    ),
    "a share over 100 and a bad number": (
        filled(NEW, park("do_son", occupancy_pct=140), headline(fdi_new_musd="abc")),
        [("headline", None, "value"), ("parks", "3", "occupancy_pct")],
    ),
    "a future end date": (filled(meta(end="31/12/2099")), [("period", None, "value")]),
    "totals that disagree": (
        filled(NEW, headline(revenue_musd=10), park("nomura", revenue_musd=500)),
        [("headline", None, "value")],
    ),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_a_bad_file_lists_every_problem_and_stores_nothing(admin, name) -> None:
    data, expected = BAD_FILES[name]
    before = admin.periods()
    resp = admin.upload(data)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    listed = problems_listed(html)
    assert len(listed) == len(expected)
    for (sheet, row, column), found in zip(
        sorted(expected), sorted(listed), strict=True
    ):
        assert found[0] == sheet and found[2] == column
        assert row is None or found[1] == row
    assert "<b>nowhere" not in html
    assert admin.periods() == before


def test_an_upload_over_the_limit_is_refused(editable_location, tmp_path) -> None:
    admin = admin_session(editable_location, tmp_path, PERIOD_UPLOAD_MAX_BYTES=2048)
    try:
        resp = admin.upload(filled(NEW))
        assert resp.status_code == 422
        assert "larger than 2,048 bytes" in resp.get_data(as_text=True)
        assert NEW_ID not in {p.id for p in admin.periods()}
    finally:
        close_store(admin.app)


def test_a_draft_is_edited_then_published(admin) -> None:
    _draft(admin, park("nomura", occupancy_pct=90))
    form = _form(admin, NEW_ID, {"p:nomura:occupancy_pct": "91,5"})
    assert admin.post(f"{LIST}/{NEW_ID}", form).status_code == 303
    assert admin.period(NEW_ID).parks["nomura"]["occupancy_pct"] == 91.5
    assert admin.post(f"{LIST}/{NEW_ID}/publish").status_code == 303
    assert admin.period(NEW_ID).status == "published"
    html = admin.client.get(f"{LIST}/{NEW_ID}?lang=en").get_data(as_text=True)
    assert "90 → 91.5" in html and 'id="pd-publish"' not in html
    assert f'action="{LIST}/{NEW_ID}/correct' in html


def test_a_stale_edit_is_refused_with_a_conflict(admin) -> None:
    _draft(admin)
    form = _form(admin, NEW_ID, {"title": "Quý 3"})
    assert admin.post(f"{LIST}/{NEW_ID}", form).status_code == 303
    again = admin.post(f"{LIST}/{NEW_ID}?lang=en", {**form, "title": "Quý ba"})
    assert again.status_code == 409
    assert "changed meanwhile" in again.get_data(as_text=True)
    assert admin.period(NEW_ID).title == "Quý 3"


def test_a_published_period_is_not_edited_in_place(admin) -> None:
    before = admin.period(PUBLISHED_ID)
    form = _form(admin, PUBLISHED_ID, {"h:fdi_total_musd": "9999"})
    resp = admin.post(f"{LIST}/{PUBLISHED_ID}", form)
    assert resp.status_code == 409
    assert admin.period(PUBLISHED_ID) == before
    assert admin.post(f"{LIST}/{PUBLISHED_ID}/delete").status_code == 409


def test_a_correction_needs_a_reason(admin) -> None:
    before = admin.period(PUBLISHED_ID)
    form = _form(admin, PUBLISHED_ID, {"h:fdi_total_musd": "3038"})
    resp = admin.post(f"{LIST}/{PUBLISHED_ID}/correct", form)
    assert resp.status_code == 400
    assert admin.period(PUBLISHED_ID) == before


def test_a_correction_adds_a_revision_and_the_history_shows_it(admin) -> None:
    before = admin.period(PUBLISHED_ID)
    form = _form(admin, PUBLISHED_ID, {"h:fdi_total_musd": "3038"})
    form["reason"] = "Typo <in> the report"
    resp = admin.post(f"{LIST}/{PUBLISHED_ID}/correct", form)
    assert resp.status_code == 303
    after = admin.period(PUBLISHED_ID)
    assert (after.revision, after.headline["fdi_total_musd"]) == (
        before.revision + 1,
        3038,
    )
    html = admin.client.get(f"{LIST}/{PUBLISHED_ID}?lang=en").get_data(as_text=True)
    assert "3,037 → 3,038" in html
    assert "Typo &lt;in&gt; the report" in html
    earlier = admin.client.get(
        f"{LIST}/{PUBLISHED_ID}?lang=en&revision={before.revision}"
    ).get_data(as_text=True)
    assert "This is an earlier revision" in earlier
    assert "3,037 million USD" in earlier and "3,038 million USD" not in earlier


def test_a_corrected_spreadsheet_makes_a_revision(admin) -> None:
    xlsx = admin.client.get(f"{LIST}/template.xlsx?period={PUBLISHED_ID}").data
    book = load_workbook(io.BytesIO(xlsx))
    park("do_son", occupancy_pct=96.5)(book)
    out = io.BytesIO()
    book.save(out)
    before = admin.period(PUBLISHED_ID)
    fields = {"reason": "do_son revised", "base_revision": str(before.revision)}
    resp = admin.upload(out.getvalue(), f"{LIST}/{PUBLISHED_ID}/correct", **fields)
    assert resp.status_code == 303, resp.get_data(as_text=True)
    assert admin.period(PUBLISHED_ID).parks["do_son"]["occupancy_pct"] == 96.5


def test_a_post_without_the_csrf_token_is_refused(admin) -> None:
    _draft(admin)
    resp = admin.post(f"{LIST}/{NEW_ID}/publish", csrf=False)
    assert resp.status_code == 400
    assert admin.period(NEW_ID).status == "draft"


def test_a_planner_is_forbidden(editable_location, tmp_path) -> None:
    planner = admin_session(editable_location, tmp_path, role="planner")
    try:
        assert planner.client.get(LIST).status_code == 403
        assert planner.upload(filled(NEW)).status_code == 403
        assert NEW_ID not in {p.id for p in planner.periods()}
    finally:
        close_store(planner.app)


def test_signed_out_browsers_sign_in_and_api_clients_get_401(admin) -> None:
    anonymous = admin.app.test_client()
    page = anonymous.get(LIST, headers={"Accept": "text/html"})
    assert page.status_code == 302 and "/login" in page.location
    assert anonymous.get("/admin/api/periods").status_code == 401


def _form(admin: Admin, period_id: str, changes: dict[str, str]) -> dict[str, str]:
    """The period's edit form as its page fills it in, with ``changes``."""
    period = admin.period(period_id)
    form = {
        "base_revision": str(period.revision),
        "title": period.title,
        "end": period.end.isoformat(),
        "kind": period.kind,
    }
    if period.illustrative:
        form["illustrative"] = "1"
    for key, value in period.headline.items():
        form[f"h:{key}"] = str(value)
    for pid, values in period.parks.items():
        for key, value in values.items():
            form[f"p:{pid}:{key}"] = str(value)
    return {**form, **changes}
