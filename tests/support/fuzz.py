"""What the fuzz runs share: the example budget and what a signed-in client sends."""

from __future__ import annotations

import gzip
from dataclasses import dataclass

import brotli
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from webmap.settings import BY_NAME as SETTINGS_BY_NAME
from webmap.settings import read as read_setting

# Examples per operation in the fuzzing phase; the examples and coverage phases
# come on top. `make test` runs the default: about 60 s under `-n 2` on two cores,
# about 90 s with the load test. The long form is
# `PARKMAP_FUZZ_EXAMPLES=1000 python -m pytest -n 2 -m fuzz tests/fuzz`; any budget
# above the default also runs the coverage phase on every route (``DUPLICATES``).
DEFAULT_EXAMPLES = SETTINGS_BY_NAME["FUZZ_EXAMPLES"].default
EXAMPLES = int(read_setting("FUZZ_EXAMPLES"))
LONG_FORM = EXAMPLES > DEFAULT_EXAMPLES
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)


@dataclass(frozen=True, slots=True)
class Credentials:
    """What a signed-in admin sends: the session cookie, its CSRF token, a bearer."""

    cookies: dict[str, str]
    headers: dict[str, str]


# Routes that read their query with the same parser as another route: the map
# pages' view (``/``), the land search's (``/land/search.json``). The coverage
# phase walks every boundary value of every parameter (hundreds of cases for the
# land search's); the bounded run does that once per parser and only fuzzes these.
DUPLICATES = r"^/(embed|examples/portal|planner/map|land|land/panel|land/export\..+)$"


def schemathesis_config() -> SchemathesisConfig | None:
    """The bounded run's phases (None: schemathesis' defaults, the long form)."""
    if LONG_FORM:
        return None
    skip_coverage = {"phases": {"coverage": {"enabled": False}}}
    return SchemathesisConfig.from_dict(
        {"operations": [{"include-path-regex": DUPLICATES, **skip_coverage}]}
    )


DECODERS = {"gzip": gzip.decompress, "br": brotli.decompress}


class Buffered:
    """Read each response whole, close it, and decode it as an HTTP client would.

    schemathesis' WSGI transport reads a response without closing it, which leaves
    a file response's file (the icon, 360° tiles) to the GC: a ResourceWarning,
    and warnings are errors here. It also asks for gzip (``Accept-Encoding: gzip,
    deflate, zstd``) without decoding the answer; the app's compression runs on
    every fuzzed response, and the checks see the bytes a client would.
    """

    def __init__(self, app) -> None:
        self.app = app

    def __call__(self, environ, start_response):
        answer: dict = {}

        def capture(status, headers, exc_info=None):
            answer.update(status=status, headers=headers, exc_info=exc_info)
            return lambda _data: None

        body = self.app(environ, capture)
        try:
            data = b"".join(body)
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
        headers = answer["headers"]
        coding = next(
            (v for k, v in headers if k.lower() == "content-encoding"), "identity"
        )
        if coding in DECODERS and data:
            data = DECODERS[coding](data)
            dropped = ("content-encoding", "content-length")
            headers = [(k, v) for k, v in headers if k.lower() not in dropped]
            headers.append(("Content-Length", str(len(data))))
        start_response(answer["status"], headers, answer["exc_info"])
        return [data]
