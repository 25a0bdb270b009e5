"""The investors' routes in the document: land finder, parcel pages, enquiries."""

from __future__ import annotations

from typing import Any

from layers.land.query import (
    FALSE,
    KM_PREFIX,
    MAX_LIMIT,
    MAX_OFFSET,
    MAX_VALUE_CHARS,
    SORTS,
    TRUE,
)
from layers.land.vocabulary import LandVocabulary
from webmap.apidoc import spec
from webmap.apidoc.facts import Facts
from webmap.apidoc.spec import (
    STORE_DOWN,
    TOO_LARGE,
    Endpoint,
    PathParam,
    choice,
    merged,
    page,
    problem,
    query,
    segment_with_example,
)
from webmap.investor.enquiry import HONEYPOT
from webmap.ogc.operations import GEOJSON, HTML, JSON, PROBLEM_JSON
from webmap.ogc.params import LANG, Param
from webmap.ogc.schemas import ref

AMOUNT = {"type": "number", "minimum": 0}


def _listed(values: tuple[str, ...]) -> dict[str, Any]:
    """Several values, comma-separated (or the parameter repeated)."""
    return {"type": "array", "items": choice(values)}


def _has(vocab: LandVocabulary | None, field: str) -> bool:
    """Whether the parcels carry ``field`` (optional filters need theirs)."""
    return vocab is None or not vocab.fields or field in vocab.fields


def land_params(vocab: LandVocabulary | None) -> tuple[Param, ...]:
    """A land search's parameters (``layers/land/query.py``), named from the store."""
    v = vocab or LandVocabulary(statuses=(), parks=())
    sorts = [s for s in SORTS if s != "price" or _has(vocab, "price_usd")]
    params = [
        LANG,
        query("status", "Parcel statuses (default available).", _listed(v.statuses)),
        query("min_ha", "Smallest parcel area, ha.", AMOUNT),
        query("max_ha", "Largest parcel area, ha.", AMOUNT),
        query("park", "Park ids.", _listed(v.parks)),
        query("zone", "Economic-zone ids.", _listed(v.zones)),
        *(
            query(f"{KM_PREFIX}{t}", f"At most this many km from {t}.", AMOUNT)
            for t in v.targets()
        ),
        query("ready", "1: cleared and ready.", choice((*TRUE, *FALSE))),
        query(
            "sort", "Sort key.", choice([*sorts, *(KM_PREFIX + t for t in v.targets())])
        ),
        query("order", "asc or desc.", choice(("asc", "desc"))),
        query(
            "limit",
            "Page size.",
            {"type": "integer", "minimum": 0, "maximum": MAX_LIMIT},
        ),
        query(
            "offset",
            "Matches to skip.",
            {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET},
        ),
    ]
    if _has(vocab, "price_usd"):
        params += [
            query("min_price", "Lowest rent, USD/m².", AMOUNT),
            query("max_price", "Highest rent, USD/m².", AMOUNT),
        ]
    if _has(vocab, "block_ha"):
        params.append(query("min_block_ha", "Smallest free block, ha.", AMOUNT))
    return tuple(params)


def land(facts: Facts) -> list[Endpoint]:
    """The land finder: its JSON search, page, panel and exports."""
    params = land_params(facts.vocabulary)
    bad = problem(
        400,
        "A parameter is unknown, malformed or out of range (values up to "
        f"{MAX_VALUE_CHARS} characters).",
    )
    no_parcels = problem(404, "The store has no parcels layer.")
    failing = merged(bad, no_parcels, STORE_DOWN)
    html = merged(
        page(),
        page("The page with a message naming the bad parameter.", 400),
        no_parcels,
        STORE_DOWN,
    )
    exports = (
        ("csv", "text/csv", spec.BINARY),
        ("geojson", GEOJSON, ref("LandSearch")),
        ("kml", "application/vnd.google-earth.kml+xml", spec.BINARY),
    )
    return [
        Endpoint(
            "get",
            "/land/search.json",
            "searchLand",
            "A page of matching parcels with the count and total area.",
            "Land",
            merged(spec.json_ok("LandSearch", GEOJSON), failing),
            params,
        ),
        Endpoint(
            "get",
            "/land",
            "getLandFinder",
            "The land finder page.",
            "Land",
            html,
            params,
        ),
        Endpoint(
            "get",
            "/land/panel",
            "getLandPanel",
            "The land finder as a fragment for the map's panel.",
            "Land",
            html,
            params,
        ),
        *(
            Endpoint(
                "get",
                f"/land/export.{fmt}",
                f"exportLand{fmt.upper()}",
                f"Every match (up to {MAX_LIMIT}) as {fmt.upper()}.",
                "Land",
                merged({"200": spec.body("The file.", {media: schema})}, failing),
                params,
            )
            for fmt, media, schema in exports
        ),
    ]


def _enquiry_body() -> dict[str, Any]:
    fields = {
        "name": {"type": "string", "minLength": 1, "maxLength": 120},
        "company": {"type": "string", "maxLength": 200},
        "email": {"type": "string", "format": "email", "maxLength": 254},
        "message": {"type": "string", "minLength": 10, "maxLength": 5000},
        HONEYPOT: {
            "type": "string",
            "maxLength": 0,
            "description": "Leave empty: hidden from people, a filled one marks "
            "the post as spam (answered as received, then dropped).",
        },
    }
    schema = {
        "type": "object",
        "required": ["name", "email", "message"],
        "properties": fields,
    }
    return {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {"schema": schema},
            JSON: {"schema": schema},
        },
    }


def _parcel(facts: Facts) -> PathParam:
    return segment_with_example("parcel_id", "The parcel's id.", facts.parcel)


UNKNOWN = problem(404, "No such parcel or park (an HTML page).", html=True)


def investor(facts: Facts) -> list[Endpoint]:
    """A parcel's page, a park's page and the comparison."""
    park = segment_with_example("park_id", "The park's id.", facts.park)
    return [
        Endpoint(
            "get",
            "/parcels/{parcel_id}",
            "getParcelPage",
            "A parcel's page.",
            "Investors",
            merged(page(), UNKNOWN, STORE_DOWN),
            (_parcel(facts), LANG),
        ),
        Endpoint(
            "get",
            "/parks/{park_id}",
            "getParkPage",
            "A park's page.",
            "Investors",
            merged(page(), UNKNOWN, STORE_DOWN),
            (park, LANG),
        ),
        Endpoint(
            "get",
            "/compare",
            "compareParcels",
            "Up to four parcels side by side.",
            "Investors",
            merged(
                page(),
                page("More than four ids.", 400),
                page("Some id names no parcel.", 404),
                STORE_DOWN,
            ),
            (
                query(
                    "ids",
                    "Parcel ids, comma-separated.",
                    {"type": "array", "items": {"type": "string"}, "maxItems": 4},
                ),
                LANG,
            ),
        ),
    ]


def enquiry(facts: Facts) -> list[Endpoint]:
    """The enquiry form's post (a form or a JSON object)."""
    both = {PROBLEM_JSON: ref("Problem"), HTML: spec.TEXT}
    return [
        Endpoint(
            "post",
            "/parcels/{parcel_id}/enquiry",
            "sendEnquiry",
            "Ask about a parcel: a form post is redirected to the page, a JSON "
            "post answers 201.",
            "Investors",
            merged(
                spec.json_ok("EnquiryReceived", status=201),
                spec.empty(303, "A form post: back to the page with a thank-you."),
                spec.BAD_WRITE,
                UNKNOWN,
                TOO_LARGE,
                {
                    "422": spec.body(
                        "A field breaks a rule (the problem's errors name each).", both
                    )
                },
                {
                    "429": spec.body(
                        "Too many enquiries from this address (Retry-After).", both
                    )
                },
                STORE_DOWN,
            ),
            (_parcel(facts), LANG),
            _enquiry_body(),
            spec.WRITE,
        ),
    ]
