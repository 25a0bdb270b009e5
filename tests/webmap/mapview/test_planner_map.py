"""The planner's clearance map: its GeoJSON endpoint, the slider's dates, the page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import shapely
from shapely.geometry import box, shape

from tests.support.accounts import login, make_user
from tests.support.apps import close_store
from tests.support.clearance import BASELINE, parcel_at
from tests.support.clearance import planner_app as make_planner_app
from webmap.core.store import get_store
from webmap.mapview.clearance import STAGE_COLORS

pytestmark = pytest.mark.both_stores  # every store-facing test: both backends

GEOJSON = "/planner/api/clearance.geojson"
HAI_PHONG = "106.4,20.6,107.0,21.0"


def utc_today() -> str:
    """Today in UTC as the planner map says it (read when a test runs, not at import)."""
    return dt.datetime.now(dt.UTC).date().isoformat()


@pytest.fixture
def planner_app(editable_location: str, tmp_path: Path):
    app = make_planner_app(editable_location, tmp_path)
    yield app
    close_store(app)


@pytest.fixture
def planner(planner_app):
    """A test client signed in as a planner."""
    client = planner_app.test_client()
    login(client, "lan")
    return client


def edit(app, parcel_id: str, **changes) -> None:
    """Change a parcel's clearance through the store, as a planner's edit does."""
    with app.app_context():
        store = get_store()
        row = store.clearance.record(parcel_id)
        store.clearance.update(parcel_id, row.version, changes, user="lan")


def features(client, query: str) -> dict[str, dict]:
    resp = client.get(f"{GEOJSON}?{query}")
    assert resp.status_code == 200, resp.get_json()
    assert resp.mimetype == "application/geo+json"
    return {f["id"]: f for f in resp.get_json()["features"]}


def problem(resp, status: int) -> dict:
    assert resp.status_code == status, resp.data[:300]
    assert resp.mimetype == "application/problem+json"
    return resp.get_json()


# --- who may ask ---


def test_geojson_needs_a_signed_in_user(planner_app) -> None:
    resp = planner_app.test_client().get(f"{GEOJSON}?bbox={HAI_PHONG}")
    problem(resp, 401)


def test_dates_need_a_signed_in_user(planner_app) -> None:
    problem(planner_app.test_client().get("/planner/api/clearance/dates"), 401)


def test_map_page_sends_a_browser_to_sign_in(planner_app) -> None:
    resp = planner_app.test_client().get(
        "/planner/map?lang=en", headers={"Accept": "text/html"}
    )
    assert resp.status_code == 302
    assert resp.headers["Location"].startswith("/login?next=/planner/map")


def test_admin_may_read_the_layer(planner_app) -> None:
    make_user(planner_app, "root", "admin")
    client = planner_app.test_client()
    login(client, "root")
    assert client.get(f"{GEOJSON}?bbox={HAI_PHONG}").status_code == 200


# --- bbox ---


def test_bbox_is_required(planner) -> None:
    body = problem(planner.get(GEOJSON), 400)
    assert body["parameter"] == "bbox"


@pytest.mark.parametrize(
    "bbox",
    [
        "",
        "106.4,20.6,107.0",
        "a,b,c,d",
        "106.4,21.0,107.0,20.6",  # min lat above max lat
        "106.4,20.6,107.0,95",
        "100,10,107.0,21.0",  # more than MAX_SPAN_DEG: zoom in
        "nan,20.6,107.0,21.0",
    ],
)
def test_bad_bbox_is_400_naming_bbox(planner, bbox: str) -> None:
    body = problem(planner.get(f"{GEOJSON}?bbox={bbox}"), 400)
    assert body["parameter"] == "bbox"


def test_unknown_and_repeated_parameters_are_refused(planner) -> None:
    assert problem(planner.get(f"{GEOJSON}?bbox={HAI_PHONG}&x=1"), 400)
    body = problem(planner.get(f"{GEOJSON}?bbox={HAI_PHONG}&bbox={HAI_PHONG}"), 400)
    assert body["parameter"] == "bbox"


def test_every_tracked_parcel_with_its_record(planner, planner_app) -> None:
    got = features(planner, f"bbox={HAI_PHONG}")
    with planner_app.app_context():
        rows = {r.parcel_id: r for r in get_store().clearance.records()}
    assert set(got) == set(rows)  # tracked ones only: the layer has 458 parcels
    one = got["vsip-050"]
    assert one["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert one["properties"] == {**rows["vsip-050"].to_dict(), "overdue": False}


def test_only_parcels_in_the_box(planner) -> None:
    bbox = (106.88, 20.77, 106.897, 20.81)  # the west half of Cảng Cửa Ngõ
    got = features(planner, "bbox=" + ",".join(map(str, bbox)))
    everything = features(planner, f"bbox={HAI_PHONG}")
    assert 0 < len(got) < len(everything)
    area = box(*bbox)
    assert all(shape(f["geometry"]).intersects(area) for f in got.values())
    outside = set(everything) - set(got)
    assert not any(
        shapely.intersects(shape(everything[i]["geometry"]), area) for i in outside
    )


def test_a_box_with_no_parcels_is_empty(planner) -> None:
    resp = planner.get(f"{GEOJSON}?bbox=105.0,19.0,105.1,19.1")
    body = resp.get_json()
    assert body["features"] == [] and body["numberReturned"] == 0
    assert resp.headers["Cache-Control"] == "private, no-store"


# --- at ---


@pytest.mark.parametrize(
    ("at", "instant"),
    [
        ("2023-10-14", "2023-10-14T23:59:59.999999+00:00"),
        ("2030-01-01T00:00:00Z", "2030-01-01T00:00:00+00:00"),
        ("2030-01-01T07:00:00+07:00", "2030-01-01T00:00:00+00:00"),
    ],
)
def test_at_is_a_day_or_an_instant_with_offset(planner, at: str, instant: str) -> None:
    resp = planner.get(f"{GEOJSON}?bbox={HAI_PHONG}&at={at.replace('+', '%2B')}")
    body = resp.get_json()
    assert resp.status_code == 200 and body["at"] == instant
    assert body["editable"] is False


@pytest.mark.parametrize(
    "at", ["yesterday", "2023-13-01", "2023-10-14T10:00:00", "14/10/2023", "x" * 80]
)
def test_bad_at_is_400_naming_at(planner, at: str) -> None:
    body = problem(planner.get(f"{GEOJSON}?bbox={HAI_PHONG}&at={at}"), 400)
    assert body["parameter"] == "at"


def test_now_is_editable(planner) -> None:
    body = planner.get(f"{GEOJSON}?bbox={HAI_PHONG}").get_json()
    assert (
        body["at"] is None and body["editable"] is True and body["asOf"] == utc_today()
    )


def test_a_past_day_shows_the_stage_before_an_edit(planner, planner_app) -> None:
    parcel = parcel_at(planner_app, "cang_cua_ngo", "compensating")
    edit(planner_app, parcel, stage="cleared")
    now = features(planner, f"bbox={HAI_PHONG}")[parcel]["properties"]
    then = features(planner, f"bbox={HAI_PHONG}&at={BASELINE}")[parcel]["properties"]
    assert (now["stage"], now["version"], now["updated_by"]) == ("cleared", 1, "lan")
    assert now["cleared_ha"] == now["area_ha"]
    assert (then["stage"], then["version"], then["cleared_ha"]) == (
        "compensating",
        0,
        0.0,
    )
    today = features(planner, f"bbox={HAI_PHONG}&at={utc_today()}")[parcel][
        "properties"
    ]
    assert today["stage"] == "cleared"


def test_overdue_is_measured_on_the_day_shown(planner, planner_app) -> None:
    parcel = parcel_at(planner_app, "tien_thanh", "surveyed")
    edit(planner_app, parcel, target_date="2024-06-30")
    now = features(planner, f"bbox={HAI_PHONG}")[parcel]["properties"]
    assert now["overdue"] is True
    before = features(planner, f"bbox={HAI_PHONG}&at=2024-01-01")[parcel]
    assert before["properties"]["target_date"] is None  # set only today
    assert before["properties"]["overdue"] is False


# --- dates ---


def test_dates_are_the_baseline_then_days_with_changes(planner, planner_app) -> None:
    assert planner.get("/planner/api/clearance/dates").get_json() == {
        "baseline": BASELINE,
        "dates": [BASELINE],
        "today": utc_today(),
    }
    edit(planner_app, parcel_at(planner_app, "vsip", "surveyed"), stage="plan_approved")
    body = planner.get("/planner/api/clearance/dates").get_json()
    assert body["dates"] == [BASELINE, utc_today()]


# --- the page ---


def test_map_page_has_the_layer_slider_and_form(planner) -> None:
    resp = planner.get("/planner/map?lang=en")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "parkmap.planner.init(" in html and "planner-map.js" in html
    assert '<input type="range" id="pc-when"' in html
    assert '<meta name="csrf-token" content="' in html
    assert html.count('<option value="') >= 6
    assert all(color in html for color in STAGE_COLORS.values())
    assert '<a id="pc-dashboard" href="/planner?lang=en">' in html
    assert "Site clearance map" in html and "Site clearance" in html
    assert "connect-src 'self'" in resp.headers["Content-Security-Policy"]
    assert resp.headers["Cache-Control"] == "private, no-store"


def test_map_page_never_carries_the_parcels(planner, planner_app) -> None:
    html = planner.get("/planner/map").get_data(as_text=True)
    with planner_app.app_context():
        ids = [r.parcel_id for r in get_store().clearance.records()]
    assert not any(f'"{i}"' in html for i in ids)
    assert '"geojsonUrl": "/planner/api/clearance.geojson"' in html


def test_map_page_shows_parks_by_default_and_in_vietnamese(planner) -> None:
    html = planner.get("/planner/map?lang=vi").get_data(as_text=True)
    assert '"layers": ["parks"]' in html
    assert "Bản đồ giải phóng mặt bằng" in html


def test_map_script_is_served(planner) -> None:
    resp = planner.get("/static/parkmap/planner-map.js")
    assert resp.status_code == 200
    assert b"pm.planner = {" in resp.data and b"X-CSRFToken" in resp.data
    resp.close()
