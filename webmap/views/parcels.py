"""Investor pages: a parcel, a park, parcels side by side, and the enquiry form.

- ``GET /parcels/<id>``: the parcel's page (small map, attributes, park, distances,
  free block, housing within 10 km, 360° views, enquiry form, print layout);
- ``POST /parcels/<id>/enquiry``: the enquiry form (CSRF token required). A form
  post answers with a redirect to the page and a thank-you (Post/Redirect/Get), or
  the page again with each bad field marked (422) or the rate-limit message (429,
  ``Retry-After``); a JSON post answers 201, a 422 problem naming the fields, or
  429;
- ``GET /parks/<id>``: the park's occupancy, land by status, free parcels, blocks,
  and its reported figures as of ``?period=`` with their trends over the periods;
- ``GET /parcels/<id>/report.pdf``, ``GET /parks/<id>/report.pdf``: the site
  report, an A4 PDF of the page's facts, a map and a QR code of the page
  (``webmap.report``); ``lang`` other than vi, en, ko or ja is a 400 problem;
- ``GET /compare?ids=a,b,c``: up to four parcels side by side.

Unknown ids answer an HTML page with a message (404), never an error page.
``lang`` picks the language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    Response,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext

from layers.enquiries.rules import EnquiryRejected, TooManyEnquiries
from layers.errors import FeatureNotFound, LayerNotFound
from layers.periods.rules import PeriodNotFound
from webmap import investor, report
from webmap.core import responses as r
from webmap.core.errors import problem, register_errors
from webmap.core.i18n import current_language
from webmap.core.links import external_url
from webmap.core.openapi import (
    HTML,
    LANG,
    PROBLEM_JSON,
    TEXT,
    Doc,
    PathParam,
    documented,
    query,
    ref,
    segment_with_example,
)
from webmap.core.page import respond
from webmap.core.store import get_store
from webmap.investor import compare, enquiry, labels
from webmap.investor.page import common
from webmap.investor.parcel import PARCELS, PARKS, parcel_context
from webmap.investor.park import park_context
from webmap.investor.schemas import enquiry_body
from webmap.periods import figures
from webmap.periods.choice import choose
from webmap.report.document import parcel_site, park_site
from webmap.report.response import send_report
from webmap.views.figures import PERIOD, is_admin, period_not_found

bp = Blueprint("investor", __name__)


@bp.record_once
def _errors(state: BlueprintSetupState) -> None:
    """Add the enquiries' exceptions to the app's error table."""
    register_errors(state.app, investor.ERRORS)
    register_errors(state.app, report.ERRORS)


THANKS = "enquiry"  # the flash category of the thank-you message
UNKNOWN = r.problem(404, "No such parcel or park (an HTML page).", html=True)


def _parcel(facts: Any) -> PathParam:
    return segment_with_example("parcel_id", "The parcel's id.", facts.parcel)


def _park(facts: Any) -> PathParam:
    return segment_with_example("park_id", "The park's id.", facts.park)


REPORT_LANG = query(
    "lang",
    "Language of the report: vi, en, ko or ja (default: Accept-Language, else "
    "the site's default); anything else is a 400 problem.",
    {"type": "string", "enum": ["vi", "en", "ko", "ja"]},
)
REPORT_ANSWERS = r.merged(
    r.file("application/pdf", "The site report, A4 (ETag; 304 when current)."),
    r.NOT_MODIFIED,
    r.problem(400, "lang is not vi, en, ko or ja (the problem names it)."),
    UNKNOWN,
    r.STORE_DOWN,
)


def _parcel_page(
    parcel_id: str,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    notice: str = "",
    status: int = 200,
) -> Response:
    """The parcel page, with the enquiry form as sent and its problems if any."""
    lang = current_language()
    context = parcel_context(get_store(), parcel_id, lang)
    errors = errors or {}
    html = render_template(
        "investor/parcel.html",
        **common(),
        **context,
        share_url=external_url("investor.parcel_page", parcel_id=context["parcel"].id),
        form=form or {},
        errors=errors,
        error_fields=", ".join(labels.enquiry_field(name) for name in errors),
        notice=notice,
    )
    return respond(html, status, private=True)


@bp.get("/parcels/<path:parcel_id>")
@documented(
    Doc(
        "getParcelPage",
        "A parcel's page.",
        "Investors",
        r.merged(r.page(), UNKNOWN, r.STORE_DOWN),
        lambda facts: (_parcel(facts), LANG),
    )
)
def parcel_page(parcel_id: str) -> Response:
    """One parcel's page."""
    return _parcel_page(parcel_id)


@bp.post("/parcels/<parcel_id>/enquiry")
@documented(
    Doc(
        "sendEnquiry",
        "Ask about a parcel: a form post is redirected to the page, a JSON "
        "post answers 201.",
        "Investors",
        r.merged(
            r.json_ok("EnquiryReceived", status=201),
            r.empty(303, "A form post: back to the page with a thank-you."),
            r.BAD_WRITE,
            UNKNOWN,
            r.TOO_LARGE,
            {
                "422": r.body(
                    "A field breaks a rule (the problem's errors name each).",
                    {PROBLEM_JSON: ref("Problem"), HTML: TEXT},
                )
            },
            {
                "429": r.body(
                    "Too many enquiries from this address (Retry-After).",
                    {PROBLEM_JSON: ref("Problem"), HTML: TEXT},
                )
            },
            r.STORE_DOWN,
        ),
        lambda facts: (_parcel(facts), LANG),
        enquiry_body(),
        r.WRITE,
    )
)
def enquire(parcel_id: str) -> Response | tuple[Response, int]:
    """Take an enquiry about a parcel (see the module docstring for the answers).

    Raises:
        EnquiryRejected: a JSON post with a bad field (→ 422 problem).
        TooManyEnquiries: a JSON post over the allowance (→ 429 problem).
    """
    store = get_store()
    parcel = store.get("parcels", parcel_id)
    sent, as_json = enquiry.submitted()
    if not enquiry.is_spam(sent):
        try:
            enquiry.receive(store, parcel, sent, current_language())
        except EnquiryRejected as exc:
            if as_json:
                raise
            form = enquiry.form_values(sent)
            return _parcel_page(parcel.id, form=form, errors=exc.errors, status=422)
        except TooManyEnquiries as exc:
            if as_json:
                raise
            response = _parcel_page(
                parcel.id,
                form=enquiry.form_values(sent),
                notice=_too_many(exc.retry_after),
                status=429,
            )
            response.headers["Retry-After"] = str(exc.retry_after)
            return response
    if as_json:  # a filled honeypot reads the same as a stored enquiry
        return jsonify({"status": "received"}), 201
    flash(gettext("Thank you: your enquiry has been sent."), THANKS)
    lang = current_language()
    target = url_for("investor.parcel_page", parcel_id=parcel.id, lang=lang)
    return redirect(target + "#enquiry", 303)


def _too_many(retry_after: int) -> str:
    minutes = max(1, -(-retry_after // 60))
    return gettext(
        "Too many enquiries from your address. Please try again in %(minutes)s min.",
        minutes=minutes,
    )


@bp.get("/parks/<path:park_id>")
@documented(
    Doc(
        "getParkPage",
        "A park's page.",
        "Investors",
        r.merged(r.page(), UNKNOWN, r.STORE_DOWN),
        lambda facts: (_park(facts), PERIOD, LANG),
    )
)
def park_page(park_id: str) -> Response:
    """One park's page, with its figures as of ``?period=`` (default the latest)."""
    lang = current_language()
    store = get_store()
    context = park_context(store, park_id, lang)
    admin = is_admin()
    asked = request.args.get("period")
    shown = None
    if asked or store.periods.latest() is not None:
        period = choose(store.periods, asked, admin)
        everything = store.periods.periods(include_drafts=admin)
        shown = figures.park_context(
            everything, period, context["park"].id, context["name"], lang
        )
    html = render_template("investor/park.html", **common(), **context, periods=shown)
    return respond(html, private=admin)


def _report_doc(operation: str, site: str, segment: Callable[[Any], PathParam]) -> Doc:
    """The declaration of a site report's route (``site``: parcel or park)."""
    return Doc(
        operation,
        f"A {site}'s site report: its facts, a map, the data's date and sources, "
        "and a QR code of its page.",
        "Investors",
        REPORT_ANSWERS,
        lambda facts: (segment(facts), REPORT_LANG),
    )


@bp.get("/parcels/<path:parcel_id>/report.pdf")
@documented(_report_doc("getParcelReport", "parcel", _parcel))
def parcel_report(parcel_id: str) -> Response:
    """The parcel's site report (PDF)."""
    return send_report(get_store(), PARCELS, parcel_id, parcel_site)


@bp.get("/parks/<path:park_id>/report.pdf")
@documented(_report_doc("getParkReport", "park", _park))
def park_report(park_id: str) -> Response:
    """The park's site report (PDF)."""
    return send_report(get_store(), PARKS, park_id, park_site)


@bp.get("/compare")
@documented(
    Doc(
        "compareParcels",
        "Up to four parcels side by side.",
        "Investors",
        r.merged(
            r.page(),
            r.page("More than four ids.", 400),
            r.page("Some id names no parcel.", 404),
            r.STORE_DOWN,
        ),
        (
            query(
                "ids",
                "Parcel ids, comma-separated.",
                {"type": "array", "items": {"type": "string"}, "maxItems": 4},
            ),
            LANG,
        ),
    )
)
def compare_page() -> Response:
    """Up to four parcels side by side; a message for none, too many or unknown."""
    result = compare.compare(get_store(), request.args.get("ids"), current_language())
    html = render_template(
        "investor/compare.html", **common(), **compare.context(result)
    )
    return respond(html, result.status)


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@bp.errorhandler(FeatureNotFound)
@bp.errorhandler(LayerNotFound)
@bp.errorhandler(PeriodNotFound)
def not_found(exc: LookupError) -> Response:
    """An HTML page saying what was not found (a problem document for JSON posts)."""
    if request.is_json:
        return problem(exc)
    shown = _short(exc.feature_id) if isinstance(exc, FeatureNotFound) else ""
    if isinstance(exc, PeriodNotFound):
        message = period_not_found(exc)
    elif isinstance(exc, FeatureNotFound) and exc.layer == "parks":
        message = gettext("No industrial park has the id %(id)s.", id=shown)
    elif isinstance(exc, FeatureNotFound):
        message = gettext("No parcel has the id %(ids)s.", ids=shown)
    else:
        name = getattr(exc, "name", "")
        message = gettext("This map has no such layer: %(name)s.", name=name)
    html = render_template("investor/not_found.html", **common(), message=message)
    return respond(html, 404)
