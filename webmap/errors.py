"""One table from exception class to HTTP status; answers are RFC 9457 problems."""

from __future__ import annotations

import json
import logging

from flask import Flask, Response, has_request_context, request
from werkzeug.exceptions import HTTPException

from geo.errors import InvalidTile
from geo.panorama import PanoramaError
from layers.clearance.rules import EditRejected, ParcelNotTracked, StaleEdit
from layers.enquiries.rules import EnquiryRejected, TooManyEnquiries
from layers.errors import (
    FeatureNotFound,
    InvalidFilter,
    InvalidQuery,
    InvalidRasterMetadata,
    LayerNotFound,
    NotSupportedByStore,
    RasterNotFound,
    StoreUnavailable,
)
from layers.scenes.manifest import ManifestError, SceneNotFound
from layers.scenes.upload import PhotoTooLarge, UploadRejected
from webmap.ogc.documents import exception_members
from webmap.ogc.operations import PREFIX as API_PREFIX
from webmap.ogc.params import InvalidParameter
from webmap.planner.params import InvalidBody
from webmap.ratelimit import TooManyRequests

logger = logging.getLogger(__name__)

STATUS: dict[type[Exception], int] = {
    LayerNotFound: 404,
    FeatureNotFound: 404,
    InvalidFilter: 400,
    InvalidQuery: 400,
    StoreUnavailable: 503,
    NotSupportedByStore: 501,
    InvalidTile: 400,
    InvalidParameter: 400,
    RasterNotFound: 404,
    InvalidRasterMetadata: 400,
    SceneNotFound: 404,
    PhotoTooLarge: 413,
    UploadRejected: 400,
    PanoramaError: 400,
    ManifestError: 422,
    EditRejected: 422,
    StaleEdit: 409,
    ParcelNotTracked: 404,
    InvalidBody: 400,
    EnquiryRejected: 422,
    TooManyEnquiries: 429,
    TooManyRequests: 429,
}


def problem(exc: Exception) -> Response:
    """Render an exception as ``application/problem+json``.

    An exception the table does not know is a bug: it is logged with its traceback
    and answered as a bare 500 ("Internal Server Error"), naming neither its class
    nor its message.
    """
    status, title, detail = _status_title_detail(exc)
    internal = status >= 500 and not isinstance(
        exc, StoreUnavailable | NotSupportedByStore | HTTPException
    )
    if internal:
        logger.exception("unhandled %s", type(exc).__name__, exc_info=exc)
        title, detail = "Internal Server Error", "internal error"
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    for attr in () if internal else ("field", "parameter", "errors"):
        if getattr(exc, attr, None):
            body[attr] = getattr(exc, attr)
    if isinstance(exc, StaleEdit):  # the client redraws its form from these
        body["current"] = exc.current.to_dict()
    if has_request_context() and f"{request.path}/".startswith(f"{API_PREFIX}/"):
        members = exception_members(exc, status, detail)  # OGC API style
        if internal:
            members.pop("parameter", None)
        body.update(members)
    resp = Response(
        json.dumps(body, ensure_ascii=False),
        status,
        mimetype="application/problem+json",
    )
    retry_after = getattr(exc, "retry_after", None)
    if status == 429 and retry_after:  # TooManyEnquiries, TooManyRequests
        resp.headers["Retry-After"] = str(retry_after)
    if isinstance(exc, HTTPException):  # keep e.g. Allow on 405
        for key, value in exc.get_headers():
            if key.lower() != "content-type":
                resp.headers[key] = value
    return resp


def _status_title_detail(exc: Exception) -> tuple[int, str, str]:
    """The status from the table (or the HTTP exception), a title and a detail."""
    if isinstance(exc, HTTPException):
        return exc.code or 500, exc.name, exc.description or ""
    status = next((s for cls, s in STATUS.items() if isinstance(exc, cls)), 500)
    return status, type(exc).__name__, str(exc)


def register(app: Flask) -> None:
    """Install the single error handler."""
    app.register_error_handler(Exception, problem)
