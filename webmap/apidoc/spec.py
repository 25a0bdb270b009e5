"""Building blocks of the service's OpenAPI document: endpoints and their answers.

An ``Endpoint`` is one method on one path; its query parameters are the OGC API's
``Param`` objects and its path variables ``PathParam`` objects
(``webmap/ogc/params.py``, ``webmap/ogc/operations.py``), so both documents write
parameters the same way. The helpers below write the Response Objects the routes
share: an HTML page, a JSON body, an RFC 9457 problem, a redirect.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from webmap.ogc.operations import HTML, JSON, PROBLEM_JSON, SEGMENT, PathParam
from webmap.ogc.params import Param
from webmap.ogc.schemas import ref

TEXT: dict[str, Any] = {"type": "string"}
BINARY: dict[str, Any] = {"type": "string", "format": "binary"}
# Security requirements (by the names ``security_schemes`` gives).
SIGNED_IN = ({"session": []},)
# A write: the session cookie (anonymous for /login and enquiries) and its CSRF token.
WRITE = ({"session": [], "csrfToken": []},)
ADMIN_TOKEN = ({"adminToken": []},)
OPTIONAL_METRICS_TOKEN = ({}, {"metricsToken": []})


def security_schemes(cookie: str) -> dict[str, Any]:
    """The Security Scheme Objects; ``cookie`` is the session cookie's name."""
    return {
        "session": {
            "type": "apiKey",
            "in": "cookie",
            "name": cookie,
            "description": "The signed session cookie: any page that shows a form "
            "starts one (it holds the CSRF token); POST /login signs it in.",
        },
        "csrfToken": {
            "type": "apiKey",
            "in": "header",
            "name": "X-CSRFToken",
            "description": "The CSRF token of the session (the pages' "
            '<meta name="csrf-token">); forms may send it as the field csrf_token.',
        },
        "adminToken": {
            "type": "http",
            "scheme": "bearer",
            "description": "PARKMAP_ADMIN_TOKEN (uploads are off while it is unset).",
        },
        "metricsToken": {
            "type": "http",
            "scheme": "bearer",
            "description": "PARKMAP_METRICS_TOKEN, when set.",
        },
    }


Responses = dict[str, Any]


def body(description: str, content: dict[str, Any]) -> dict[str, Any]:
    """A Response Object with ``content`` (media type → schema)."""
    return {
        "description": description,
        "content": {media: {"schema": schema} for media, schema in content.items()},
    }


def page(description: str = "The page.", status: int = 200) -> Responses:
    """An HTML page."""
    return {str(status): body(description, {HTML: TEXT})}


def json_ok(
    schema: str | dict[str, Any], media_type: str = JSON, status: int = 200
) -> Responses:
    """A JSON answer; ``schema`` is a component name or an inline schema."""
    inline = ref(schema) if isinstance(schema, str) else schema
    return {str(status): body("The answer.", {media_type: inline})}


def problem(status: int, description: str, html: bool = False) -> Responses:
    """An ``application/problem+json`` answer (or an HTML page for browsers)."""
    content: dict[str, Any] = {PROBLEM_JSON: ref("Problem")}
    if html:
        content[HTML] = TEXT
    return {str(status): body(description, content)}


def empty(status: int, description: str) -> Responses:
    """An answer without a body (204, 304) or whose body does not matter (302)."""
    return {str(status): {"description": description}}


def file(media_type: str, description: str = "The file.") -> Responses:
    """A file download."""
    return {"200": body(description, {media_type: BINARY})}


def merged(*parts: Responses) -> Responses:
    """One Responses Object from several; later parts win."""
    out: Responses = {}
    for part in parts:
        out.update(part)
    return dict(sorted(out.items()))


NOT_MODIFIED = empty(304, "Not modified: If-None-Match matched the ETag.")
STORE_DOWN = problem(503, "The store is not built or unreachable.")
SIGN_IN = merged(
    empty(302, "A browser page load without a session: to /login?next=…"),
    problem(401, "No session (a call that is not a page load)."),
    problem(403, "Signed in without the role this needs."),
)
API_SIGN_IN = merged(
    problem(401, "No session."),
    problem(403, "Signed in without the role this needs."),
)
BAD_WRITE = problem(
    400, "The CSRF token is missing or invalid, or the body is malformed."
)
TOO_LARGE = problem(413, "The request body is larger than the limit.")


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One operation of the service: a method on a path, and what it answers.

    Attributes:
        method: ``get``, ``post`` or ``patch``.
        path: the path in OpenAPI form (``/parcels/{parcel_id}``).
        operation_id: unique over the document.
        summary: one line.
        tag: the surface it belongs to (``Map``, ``Tiles``, ``Planner`` …).
        responses: status → Response Object.
        params: path and query parameters (``PathParam`` and ``Param``).
        request_body: the Request Body Object, if it takes one.
        security: alternative security requirements; None for public routes.
    """

    method: str
    path: str
    operation_id: str
    summary: str
    tag: str
    responses: Responses
    params: tuple[PathParam | Param, ...] = ()
    request_body: dict[str, Any] | None = None
    security: tuple[dict[str, list[str]], ...] | None = None

    def openapi(self) -> dict[str, Any]:
        """The Operation Object."""
        out: dict[str, Any] = {
            "operationId": self.operation_id,
            "summary": self.summary,
            "tags": [self.tag],
            "parameters": [p.openapi() for p in self.params],
            "responses": self.responses,
        }
        if self.request_body is not None:
            out["requestBody"] = self.request_body
        if self.security is not None:
            out["security"] = list(self.security)
        return out


def path_items(endpoints: Iterable[Endpoint]) -> dict[str, Any]:
    """Path Items by path, each with its endpoints by method."""
    out: dict[str, Any] = {}
    for ep in endpoints:
        item = out.setdefault(ep.path, {})
        if ep.method in item:
            raise ValueError(f"{ep.method.upper()} {ep.path} is described twice")
        item[ep.method] = ep.openapi()
    return out


def query(
    name: str,
    description: str,
    schema: dict[str, Any] | None = None,
    *,
    required: bool = False,
) -> Param:
    """A documented query parameter (the view parses it itself)."""
    return Param(name, description, schema or dict(TEXT), str, required=required)


def segment(
    name: str, description: str, schema: dict[str, Any] | None = None
) -> PathParam:
    """A path variable named as in the Flask rule."""
    return PathParam(name, name, description, schema)


def choice(values: Iterable[str], fallback: dict[str, Any] | None = None) -> dict:
    """An enum of ``values``; ``fallback`` (any text) when there are none."""
    listed = list(values)
    if not listed:
        return dict(fallback or TEXT)
    return {"type": "string", "enum": listed}


def segment_with_example(name: str, description: str, example: str | None) -> PathParam:
    """A path variable without a slash, with an id the store holds as example."""
    return segment(name, description, with_example(dict(SEGMENT), example))


def with_example(schema: dict[str, Any], example: str | None) -> dict[str, Any]:
    """``schema`` with an example value (an id the store holds), if any."""
    return {**schema, "example": example} if example else schema
