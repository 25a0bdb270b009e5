"""Request size limits: small ones for forms and JSON, the photo upload's own.

Every body is refused with a 413 problem saying which limit it broke when it is
larger than ``PARKMAP_MAX_CONTENT_LENGTH`` (256 KiB by default: the largest
legitimate form, an enquiry of 5,000 Korean characters, is about 50 KB once
URL-encoded), whether it announces its length or arrives chunked. A multipart form
may also hold at most ``MAX_FORM_PARTS`` parts and ``MAX_FORM_MEMORY_SIZE`` bytes in
any text field. ``POST /vr/scenes`` raises the body limit to its own
(``PARKMAP_PANORAMA_MAX_BYTES`` plus room for the form fields) before it reads the
body, and refuses a larger photo itself.
"""

from __future__ import annotations

from typing import IO

from flask import Flask, Request, Response, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.utils import cached_property
from werkzeug.wsgi import LimitedStream

from webmap.core.errors import problem

URLENCODED = "application/x-www-form-urlencoded"


class StreamedBodyLimit(LimitedStream):
    """A body of unannounced length (chunked) held to the body limit: past it, 413.

    Werkzeug's ``LimitedStream.readall()`` stops at the limit and returns what it
    read, so a chunked body over the limit reached the JSON or form parser cut
    short and was refused as malformed (400). This stream reads one byte further:
    if the body goes on, it raises ``RequestEntityTooLarge``.
    """

    def __init__(self, stream: IO[bytes], limit: int) -> None:
        super().__init__(stream, limit, is_max=True)
        self._source = stream

    def readall(self) -> bytes:
        """The whole body; RequestEntityTooLarge if it is longer than the limit."""
        data = super().readall()
        if self.is_exhausted and self._more():
            self.on_exhausted()  # raises RequestEntityTooLarge
        return data

    def _more(self) -> bool:
        """Whether the client sent anything past the limit."""
        try:
            return bool(self._source.read(1))
        except (OSError, ValueError):  # the client went away: nothing more
            return False


class LimitedRequest(Request):
    """Flask's request whose streamed (chunked) bodies are held to the limit too."""

    @cached_property
    def stream(self) -> IO[bytes]:
        """The body stream; a chunked one over the limit raises a 413 when read."""
        limit = self.max_content_length
        if (
            self.shallow
            or limit is None
            or self.content_length is not None  # Werkzeug checks it up front
            or "wsgi.input_terminated" not in self.environ  # then the body is empty
        ):
            return super().stream
        if self.mimetype == URLENCODED and self.max_form_memory_size is not None:
            # Werkzeug holds a urlencoded body of known length to the form field
            # limit as a whole; the same for one that arrives chunked.
            limit = min(limit, self.max_form_memory_size)
        return StreamedBodyLimit(self.environ["wsgi.input"], limit)


def too_large(_exc: RequestEntityTooLarge) -> Response:
    """A 413 problem naming the route and the limits it is held to."""
    limit = request.max_content_length
    setting = (
        " (PARKMAP_MAX_CONTENT_LENGTH)"
        if limit == current_app.config["MAX_CONTENT_LENGTH"]
        else ""
    )
    detail = (
        f"the request to {request.method} {request.path} is too large: bodies of "
        f"at most {limit:,} bytes{setting}, form fields of at most "
        f"{request.max_form_memory_size:,} bytes, at most "
        f"{request.max_form_parts} form parts"
    )
    return problem(RequestEntityTooLarge(detail))


def init_app(app: Flask) -> None:
    """Answer a body over the limits (``webmap.settings``) with a clear 413 problem."""
    app.request_class = LimitedRequest
    app.register_error_handler(RequestEntityTooLarge, too_large)
