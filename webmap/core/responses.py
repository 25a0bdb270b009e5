"""The Response Objects and security requirements the routes' declarations share.

An HTML page, a JSON body, an RFC 9457 problem, a redirect, a file; the answers
many routes give alike (304, 503, the sign-in refusals); and the security schemes
the service's document names (``security_schemes``).
"""

from __future__ import annotations

from typing import Any

from webmap.core.openapi import BINARY, HTML, JSON, PROBLEM_JSON, TEXT, ref

Responses = dict[str, Any]

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
