"""The admins' periods API: JSON answers, problems as RFC 9457 with every problem."""

from __future__ import annotations

import pytest

from tests.support.apps import close_store
from tests.support.period_admin import API, NEW, NEW_ID, PUBLISHED_ID, admin_session
from tests.support.period_sheets import filled, meta, park

pytestmark = pytest.mark.both_stores


def test_the_list_has_every_period_newest_first(admin) -> None:
    body = admin.client.get(API).json
    ends = [p["end"] for p in body["periods"]]
    assert ends == sorted(ends, reverse=True) and len(ends) == 4


def test_an_upload_answers_201_with_the_draft(admin) -> None:
    resp = admin.upload(filled(NEW, park("nomura", occupancy_pct=88)), API)
    assert resp.status_code == 201
    assert resp.headers["Location"] == f"{API}/{NEW_ID}"
    assert resp.json["period"]["status"] == "draft"
    assert resp.json["period"]["parks"]["nomura"] == {"occupancy_pct": 88}
    assert admin.period(NEW_ID).revision == 1


def test_a_bad_upload_is_a_422_problem_listing_each_problem(admin) -> None:
    bad = filled(meta(end="31/12/2099"), park("do_son", occupancy_pct=101))
    resp = admin.upload(bad, API)
    assert resp.status_code == 422
    assert resp.mimetype == "application/problem+json"
    where = {(p["sheet"], p["column"]) for p in resp.json["problems"]}
    assert where == {("period", "value"), ("parks", "occupancy_pct")}
    assert all(p["row"] > 0 and p["message"] for p in resp.json["problems"])
    assert len(admin.periods()) == 4


def test_a_stale_base_revision_is_409_naming_the_current(admin) -> None:
    admin.upload(filled(NEW), API)
    again = admin.upload(filled(NEW), API)  # no base: the draft exists
    assert again.status_code == 409
    assert again.json["current_revision"] == 1
    replaced = admin.upload(filled(NEW), API, base_revision="1")
    assert replaced.status_code == 201 and replaced.json["period"]["revision"] == 2


def test_publish_then_a_correction_needs_a_reason(admin) -> None:
    admin.upload(filled(NEW), API)
    published = admin.post(f"{API}/{NEW_ID}/publish")
    assert published.json["period"]["status"] == "published"
    refused = admin.upload(filled(NEW), f"{API}/{NEW_ID}/correct", base_revision="1")
    assert refused.status_code == 400 and refused.json["parameter"] == "reason"
    fields = {"base_revision": "1", "reason": "resent"}
    corrected = admin.upload(filled(NEW), f"{API}/{NEW_ID}/correct", **fields)
    assert corrected.status_code == 201
    assert [h["reason"] for h in corrected.json["history"]] == ["", "resent"]


def test_a_published_period_cannot_be_deleted_or_edited(admin) -> None:
    before = admin.period(PUBLISHED_ID)
    deleted = admin.client.delete(
        f"{API}/{PUBLISHED_ID}", headers={"X-CSRFToken": admin.token}
    )
    assert deleted.status_code == 409
    edited = admin.post(f"{API}/{PUBLISHED_ID}", {"base_revision": "1"})
    assert edited.status_code == 409
    assert admin.period(PUBLISHED_ID) == before


def test_an_earlier_revision_is_readable(admin) -> None:
    admin.upload(filled(NEW, park("nomura", occupancy_pct=80)), API)
    admin.upload(filled(NEW, park("nomura", occupancy_pct=81)), API, base_revision="1")
    first = admin.client.get(f"{API}/{NEW_ID}?revision=1").json["period"]
    assert first["parks"]["nomura"]["occupancy_pct"] == 80
    assert admin.client.get(f"{API}/{NEW_ID}?revision=9").status_code == 404


def test_a_planner_gets_403(editable_location, tmp_path) -> None:
    planner = admin_session(editable_location, tmp_path, role="planner")
    try:
        assert planner.client.get(API).status_code == 403
    finally:
        close_store(planner.app)
