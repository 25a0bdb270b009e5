"""The signed-in routes in the document: sign-in, the planner's tracker, the admins'.

Planner routes need a planner or admin session, admin routes an admin one; a
browser page load without a session is redirected to ``/login`` (302), any other
call answers 401, a user without the role 403. Writes carry the session's CSRF
token (``X-CSRFToken``).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from layers.clearance.rules import EDITABLE, MAX_REASON
from webmap.apidoc import spec
from webmap.apidoc.facts import Facts
from webmap.apidoc.maps import view_params
from webmap.apidoc.spec import (
    API_SIGN_IN,
    BAD_WRITE,
    SIGN_IN,
    STORE_DOWN,
    TOO_LARGE,
    Endpoint,
    PathParam,
    merged,
    page,
    problem,
    query,
    segment_with_example,
)
from webmap.ogc.operations import GEOJSON, JSON
from webmap.ogc.params import BBOX, LANG
from webmap.planner.params import MAX_AT_CHARS

AT = query(
    "at",
    "As it stood then: YYYY-MM-DD (end of that day, UTC) or an ISO 8601 date-time "
    "with offset; now when absent.",
    {"type": "string", "maxLength": MAX_AT_CHARS},
)
BAD_AT = problem(400, "at is neither a day nor a date-time with offset.")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def auth() -> list[Endpoint]:
    """The sign-in form, signing in and out."""
    form = {
        "type": "object",
        "required": ["username", "password"],
        "properties": {
            "username": {"type": "string"},
            "password": {"type": "string", "format": "password"},
            "next": {"type": "string", "description": "A local path to go to."},
        },
    }
    body = {
        "required": True,
        "content": {"application/x-www-form-urlencoded": {"schema": form}},
    }
    nxt = query("next", "A local path to go to after signing in.")
    return [
        Endpoint(
            "get",
            "/login",
            "getLoginForm",
            "The sign-in form.",
            "Accounts",
            page(),
            (nxt, LANG),
        ),
        Endpoint(
            "post",
            "/login",
            "login",
            "Sign in: a fresh session on success.",
            "Accounts",
            merged(
                page("Wrong username or password (the form again)."),
                spec.empty(303, "Signed in: to next, else the map."),
                BAD_WRITE,
                TOO_LARGE,
                page("Locked after too many failures (Retry-After).", 429),
            ),
            (LANG,),
            body,
            spec.WRITE,
        ),
        Endpoint(
            "post",
            "/logout",
            "logout",
            "End the session.",
            "Accounts",
            merged(spec.empty(303, "To the sign-in form."), BAD_WRITE, TOO_LARGE),
            security=spec.WRITE,
        ),
    ]


def _edit_body() -> dict[str, Any]:
    changes = {
        "type": "object",
        "description": "New values of some editable fields.",
        "properties": {name: {} for name in EDITABLE},
    }
    schema = {
        "type": "object",
        "required": ["version"],
        "properties": {
            "version": {"type": "integer", "description": "The row's version."},
            "changes": changes,
            "reason": {"type": "string", "maxLength": MAX_REASON, "nullable": True},
        },
        "additionalProperties": False,
    }
    return {"required": True, "content": {JSON: {"schema": schema}}}


def _tracked(facts: Facts) -> PathParam:
    return segment_with_example("parcel_id", "A parcel under clearance.", facts.tracked)


def _park(facts: Facts) -> PathParam:
    return segment_with_example("park_id", "A park.", facts.park)


API = merged(API_SIGN_IN, STORE_DOWN)
UNTRACKED = problem(404, "The parcel is not under clearance.")


def planner_api(facts: Facts) -> list[Endpoint]:
    """The planner's JSON API: progress, timeline, a parcel's and a park's records."""
    return [
        Endpoint(
            "get",
            "/planner/api/progress",
            "getClearanceProgress",
            "Progress per park, bottlenecks first.",
            "Planner",
            merged(spec.json_ok("Progress"), BAD_AT, API),
            (AT, LANG),
            security=spec.SIGNED_IN,
        ),
        Endpoint(
            "get",
            "/planner/api/timeline",
            "getClearanceTimeline",
            "Cleared hectares per park after each day with changes.",
            "Planner",
            merged(spec.json_ok("Timeline"), API),
            security=spec.SIGNED_IN,
        ),
        Endpoint(
            "get",
            "/planner/api/parcels/{parcel_id}",
            "getParcelClearance",
            "A parcel's clearance record and its history.",
            "Planner",
            merged(spec.json_ok("ParcelClearance"), UNTRACKED, API),
            (_tracked(facts),),
            security=spec.SIGNED_IN,
        ),
        Endpoint(
            "get",
            "/planner/api/parks/{park_id}/history",
            "getParkClearanceHistory",
            "A park's accepted changes, oldest first.",
            "Planner",
            merged(spec.json_ok("History"), problem(404, "No such park."), API),
            (_park(facts),),
            security=spec.SIGNED_IN,
        ),
    ]


def planner_edits(facts: Facts) -> list[Endpoint]:
    """A clearance edit, and the clearance map's data and dates."""
    return [
        Endpoint(
            "patch",
            "/planner/api/parcels/{parcel_id}",
            "editParcelClearance",
            "Change a parcel's clearance (based on its current version).",
            "Planner",
            merged(
                spec.json_ok("ClearanceEdit"),
                BAD_WRITE,
                UNTRACKED,
                TOO_LARGE,
                problem(409, "The version is not the current one (current holds it)."),
                problem(422, "A value breaks a clearance rule (field names it)."),
                API,
            ),
            (_tracked(facts),),
            _edit_body(),
            spec.WRITE,
        ),
        Endpoint(
            "get",
            "/planner/api/clearance.geojson",
            "getClearanceFeatures",
            "Tracked parcels in a box with their clearance (as it stood at at).",
            "Planner",
            merged(
                spec.json_ok("ClearanceFeatures", GEOJSON),
                problem(400, "bbox missing, malformed or too large; at malformed."),
                API,
            ),
            (dataclasses.replace(BBOX, required=True), AT),
            security=spec.SIGNED_IN,
        ),
        Endpoint(
            "get",
            "/planner/api/clearance/dates",
            "getClearanceDates",
            "The days the map's time slider stops at.",
            "Planner",
            merged(spec.json_ok("ClearanceDates"), API),
            security=spec.SIGNED_IN,
        ),
    ]


GUARDED = merged(SIGN_IN, STORE_DOWN)
REPORTS = (
    ("/planner/report.xlsx", "getClearanceWorkbook", "The workbook.", XLSX),
    ("/planner/report.csv", "getClearanceCSV", "One row per parcel.", "text/csv"),
    (
        "/planner/charts/progress.svg",
        "getProgressChart",
        "Cleared against planned ha per park.",
        "image/svg+xml",
    ),
    (
        "/planner/charts/timeline.svg",
        "getTimelineChart",
        "Cleared ha over time.",
        "image/svg+xml",
    ),
)


def planner_pages(facts: Facts) -> list[Endpoint]:
    """The planner's pages, charts and exports."""
    return [
        Endpoint(
            "get",
            "/planner",
            "getPlannerDashboard",
            "Progress per park, charts, overdue parcels.",
            "Planner",
            merged(page(), BAD_AT, GUARDED),
            (AT, LANG),
            security=spec.SIGNED_IN,
        ),
        Endpoint(
            "get",
            "/planner/parks/{park_id}",
            "getPlannerPark",
            "A park's parcels with edit forms, and its history.",
            "Planner",
            merged(page(), problem(404, "No such park."), GUARDED),
            (_park(facts), LANG),
            security=spec.SIGNED_IN,
        ),
        Endpoint(
            "get",
            "/planner/map",
            "getClearanceMap",
            "The clearance map with its time slider.",
            "Planner",
            merged(page(), GUARDED),
            view_params(facts),
            security=spec.SIGNED_IN,
        ),
        *(
            Endpoint(
                "get",
                path,
                operation_id,
                summary,
                "Planner",
                merged(spec.file(media), BAD_AT, GUARDED),
                (AT, LANG),
                security=spec.SIGNED_IN,
            )
            for path, operation_id, summary, media in REPORTS
        ),
    ]


def admin() -> list[Endpoint]:
    """The admins' list of enquiries and its export."""
    number = query("page", "Page number (from 1).", {"type": "integer", "minimum": 1})
    return [
        Endpoint(
            "get",
            "/admin/enquiries",
            "getEnquiries",
            "Enquiries, newest first.",
            "Admin",
            merged(page(), problem(404, "Past the last page."), GUARDED),
            (number, LANG),
            security=spec.SIGNED_IN,
        ),
        Endpoint(
            "get",
            "/admin/enquiries.csv",
            "exportEnquiries",
            "Every enquiry as CSV.",
            "Admin",
            merged(spec.file("text/csv"), GUARDED),
            (LANG,),
            security=spec.SIGNED_IN,
        ),
    ]
