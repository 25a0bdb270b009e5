"""The API's JSON documents, built from store metadata and the request's base URL.

Pure functions: no Flask, no store access. ``base`` is the absolute URL of the API
root (``http://host:5000/api``); ``query`` dicts are the request's query parameters.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlencode

from layers.errors import FeatureNotFound, LayerNotFound
from layers.store.base import GeoJSONPage, LayerInfo
from webmap.core.openapi import GEOJSON, HTML, JSON, OPENAPI_JSON, SCHEMA_JSON
from webmap.ogc.operations import PREFIX
from webmap.ogc.params import field_schema, queryables

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
CONFORMANCE_CLASSES = (
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
)
REL_CONFORMANCE = "http://www.opengis.net/def/rel/ogc/1.0/conformance"
REL_DATA = "http://www.opengis.net/def/rel/ogc/1.0/data"
REL_QUERYABLES = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
TITLE = "Hai Phong Economic Zone Authority: GIS layers"
DESCRIPTION = (
    "Industrial parks, land parcels, port berths, housing projects and landmarks of "
    "the Hai Phong economic zones as OGC API – Features. Sample geometry is "
    "approximate."
)
_DUMPS = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def link(href: str, rel: str, media_type: str, title: str = "") -> dict[str, str]:
    """A link object; the title only when there is one."""
    out = {"href": href, "rel": rel, "type": media_type}
    if title:
        out["title"] = title
    return out


def _joined(url: str, *parts: str) -> str:
    """``url`` with the non-empty encoded query ``parts`` joined by ``&``."""
    query = "&".join(p for p in parts if p)
    return f"{url}?{query}" if query else url


def _pair(url: str, rest: str, as_html: bool, json_type: str) -> list[dict]:
    """``self`` and ``alternate`` links; ``rest`` is the encoded query minus ``f``."""
    json_href = _joined(url, rest, "f=json" if as_html else "")
    html_href = _joined(url, rest, "f=html")
    if as_html:
        return [link(html_href, "self", HTML), link(json_href, "alternate", json_type)]
    return [link(json_href, "self", json_type), link(html_href, "alternate", HTML)]


def self_links(url: str, query: Mapping[str, str], json_type: str) -> list[dict]:
    """``self`` and ``alternate`` links of a JSON/HTML resource at ``url``."""
    rest = urlencode({k: v for k, v in query.items() if k != "f"})
    return _pair(url, rest, query.get("f") == "html", json_type)


def landing(base: str, query: Mapping[str, str]) -> dict[str, Any]:
    """The landing page."""
    return {
        "title": TITLE,
        "description": DESCRIPTION,
        "links": [
            *self_links(base, query, JSON),
            link(f"{base}/openapi", "service-desc", OPENAPI_JSON, "API definition"),
            link(f"{base}/openapi?f=html", "service-doc", HTML, "API documentation"),
            link(
                f"{base.removesuffix(PREFIX)}/openapi.json",
                "describedby",
                JSON,
                "OpenAPI definition of the whole service (map, tiles, land, planner)",
            ),
            link(f"{base}/conformance", "conformance", JSON, "Conformance"),
            link(f"{base}/conformance", REL_CONFORMANCE, JSON, "Conformance"),
            link(f"{base}/collections", "data", JSON, "Collections"),
            link(f"{base}/collections", REL_DATA, JSON, "Collections"),
        ],
    }


def conformance(base: str, query: Mapping[str, str]) -> dict[str, Any]:
    """The conformance declaration."""
    return {
        "conformsTo": list(CONFORMANCE_CLASSES),
        "links": self_links(f"{base}/conformance", query, JSON),
    }


def collection(base: str, info: LayerInfo, lang: str) -> dict[str, Any]:
    """One collection's metadata (without self links: see ``collection_doc``)."""
    url = f"{base}/collections/{info.name}"
    out: dict[str, Any] = {
        "id": info.name,
        "title": info.label(lang),
        "description": info.description,
        "itemType": "feature",
        "crs": [CRS84],
        "storageCrs": CRS84,
        "links": [
            link(url, "self", JSON, info.label(lang)),
            link(f"{url}/items", "items", GEOJSON, "Items as GeoJSON"),
            link(f"{url}/items?f=html", "items", HTML, "Items as HTML"),
            link(f"{url}/queryables", REL_QUERYABLES, SCHEMA_JSON, "Queryables"),
        ],
    }
    if info.bbox is not None:
        out["extent"] = {"spatial": {"bbox": [list(info.bbox)], "crs": CRS84}}
    return out


def collection_doc(
    base: str, info: LayerInfo, lang: str, query: Mapping[str, str]
) -> dict[str, Any]:
    """The answer of ``/collections/{id}``."""
    doc = collection(base, info, lang)
    url = f"{base}/collections/{info.name}"
    doc["links"] = [*self_links(url, query, JSON), *doc["links"][1:]]
    return doc


def collections(
    base: str, infos: list[LayerInfo], lang: str, query: Mapping[str, str]
) -> dict[str, Any]:
    """The answer of ``/collections``."""
    return {
        "links": self_links(f"{base}/collections", query, JSON),
        "collections": [collection(base, info, lang) for info in infos],
    }


def queryables_doc(base: str, info: LayerInfo, lang: str) -> dict[str, Any]:
    """The layer's queryable properties as a JSON Schema (OGC API Features Part 3)."""
    props = {}
    for p in queryables(info.fields):
        schema = field_schema(info.field(p.name))
        props[p.name] = {"title": p.name, **schema}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{base}/collections/{info.name}/queryables",
        "type": "object",
        "title": info.label(lang),
        "properties": props,
        "additionalProperties": False,
    }


def page_links(
    url: str, query: Mapping[str, str], limit: int, offset: int, matched: int
) -> list[dict[str, str]]:
    """``self``, ``alternate``, ``next`` and ``prev`` links of an items page."""
    as_html = query.get("f") == "html"
    fmt = "f=html" if as_html else ""
    media_type = HTML if as_html else GEOJSON
    paging = ("limit", "offset", "f")
    rest = urlencode({k: v for k, v in query.items() if k not in paging})
    given = urlencode({k: query[k] for k in paging[:2] if k in query})
    links = _pair(url, _joined("", rest, given)[1:], as_html, GEOJSON)
    if offset + limit < matched:
        href = _joined(url, rest, f"limit={limit}&offset={offset + limit}", fmt)
        links.append(link(href, "next", media_type, "Next page"))
    if offset > 0:
        href = _joined(url, rest, f"limit={limit}&offset={max(0, offset - limit)}", fmt)
        links.append(link(href, "prev", media_type, "Previous page"))
    links.append(link(url.rsplit("/items", 1)[0], "collection", JSON, "Collection"))
    return links


def feature_collection_text(page: GeoJSONPage, links: list[dict[str, str]]) -> str:
    """A GeoJSON FeatureCollection assembled from stored feature texts."""
    return (
        '{"type":"FeatureCollection",'
        f'"numberMatched":{page.number_matched},'
        f'"numberReturned":{len(page.features)},'
        f'"links":{_DUMPS(links)},'
        f'"features":[{",".join(page.features)}]}}'
    )


def feature_text(text: str, links: list[dict[str, str]]) -> str:
    """A stored GeoJSON Feature text with ``links`` added."""
    return f'{text[:-1]},"links":{_DUMPS(links)}}}'


def item_links(
    collection_url: str, feature_id: str, query: Mapping[str, str]
) -> list[dict[str, str]]:
    """``self``, ``alternate`` and ``collection`` links of one item."""
    url = f"{collection_url}/items/{quote(feature_id, safe='')}"
    return [
        *self_links(url, query, GEOJSON),
        link(collection_url, "collection", JSON, "Collection"),
    ]


def exception_members(exc: Exception, status: int, detail: str) -> dict[str, str]:
    """OGC-style exception members (``code``, ``description``, ``parameter``)."""
    codes = {400: "InvalidParameterValue", 404: "NotFound", 503: "ServiceUnavailable"}
    code = codes.get(status) or ("ServerError" if status >= 500 else f"HTTP{status}")
    out = {"code": code, "description": detail}
    parameter = getattr(exc, "parameter", None) or getattr(exc, "field", None)
    if isinstance(exc, LayerNotFound):
        parameter = "collectionId"
    elif isinstance(exc, FeatureNotFound):
        parameter = "featureId"
    if parameter:
        out["parameter"] = parameter
    return out
