"""Request size limits: small ones for forms and JSON, the photo upload's own.

Every body is refused with a 413 problem saying which limit it broke when it is
larger than ``PARKMAP_MAX_CONTENT_LENGTH`` (256 KiB by default: the largest
legitimate form, an enquiry of 5,000 Korean characters, is about 50 KB once
URL-encoded), whether it announces its length or arrives chunked. A multipart form
may also hold at most ``MAX_FORM_PARTS`` parts and ``MAX_FORM_MEMORY_SIZE`` bytes in
any text field. ``POST /vr/scenes`` raises the body limit to its own
(``PARKMAP_PANORAMA_MAX_BYTES`` plus room for the form fields) before it reads the
body, and refuses a larger photo itself. A view marked ``body_limit(SETTING)`` (the
periods spreadsheet's uploads) is held to that setting from the start of the
request, so the CSRF check, which reads the form first, reads it under that limit.
A multipart part without a name is dropped (Werkzeug keys it None).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, Any, TypeVar

from flask import Flask, Request, Response, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.utils import cached_property
from werkzeug.wsgi import LimitedStream

from webmap.core.errors import problem

URLENCODED = "application/x-www-form-urlencoded"
V = TypeVar("V", bound=Callable[..., Any])


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


BODY_LIMIT = "parkmap_body_limit"  # a view's own body limit: the setting naming it
FORM_ROOM = 64 * 1024  # bytes of form fields a file upload may carry besides the file


def body_limit(setting: str) -> Callable[[V], V]:
    """Hold a view's body to the setting ``setting`` (bytes) plus ``FORM_ROOM``.

    The limit applies from the start of the request, so the CSRF check, which reads
    the form before the view runs, already reads the file under it.
    """

    def mark(view: V) -> V:
        setattr(view, BODY_LIMIT, setting)
        return view

    return mark


class LimitedRequest(Request):
    """Flask's request whose streamed (chunked) bodies are held to the limit too."""

    @property
    def max_content_length(self) -> int | None:
        """The view's own limit (``body_limit``) if it has one, else Flask's."""
        if self._max_content_length is None and current_app and self.url_rule:
            view = current_app.view_functions.get(self.url_rule.endpoint or "")
            setting = getattr(view, BODY_LIMIT, None)
            if setting:
                return int(current_app.config[setting]) + FORM_ROOM
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

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

    def _load_form_data(self) -> None:
        """The form and files, without multipart parts that carry no name.

        Werkzeug keeps such a part under the key None, and code that walks the
        form's keys as text (Flask-WTF's CSRF check) fails on it with a 500: a part
        nobody can ask for by name is dropped instead.
        """
        super()._load_form_data()
        for attr in ("form", "files"):
            found = self.__dict__.get(attr)
            if found is not None and None in found:
                named = [(k, v) for k, v in found.items(multi=True) if k is not None]
                self.__dict__[attr] = type(found)(named)


def too_large(_exc: RequestEntityTooLarge) -> Response:
    """A 413 problem naming the route and the limits it is held to."""
    limit = request.max_content_length
    view = current_app.view_functions.get(request.endpoint or "")
    own = getattr(view, BODY_LIMIT, "")
    if own:
        setting = f" (PARKMAP_{own} and {FORM_ROOM:,} for the form's fields)"
    elif limit == current_app.config["MAX_CONTENT_LENGTH"]:
        setting = " (PARKMAP_MAX_CONTENT_LENGTH)"
    else:
        setting = ""
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
