"""Property-based fuzzing of /api with schemathesis, driven by /openapi.json.

The ``/api`` operations of the whole service's document (the same objects as the
OGC API's own ``/api/openapi``; ``tests/webmap/apidoc/test_document.py`` holds them
equal). Budget: ``PARKMAP_FUZZ_EXAMPLES`` (``support.py``). Every answer must be a
non-5xx whose status, media type and body the document declares, and valid data
must be accepted, invalid data refused.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.support.fuzz import EXAMPLES, SETTINGS, Buffered
from webmap.ogc.params import parse_bbox

pytestmark = pytest.mark.fuzz
OGC_TAGS = ["Capabilities", "Data"]  # only the /api operations carry these


@pytest.fixture
def api_schema(sample_app):
    """The sample data's API: six layers with text, number, whole-number and
    true/false properties."""
    sample_app.wsgi_app = Buffered(sample_app.wsgi_app)
    return schemathesis.openapi.from_wsgi("/openapi.json", sample_app)


schema = schemathesis.pytest.from_fixture("api_schema")


def _bbox_is_sound(case) -> bool:
    """False for a bbox of 4 or 6 numbers that the API rightly refuses (lat > 90, …).

    OpenAPI 3.0 cannot say "the 2nd value is a latitude" or "miny ≤ maxy", so the
    schema admits such boxes and the API answers 400; only those skip the
    valid-data-accepted check. Anything else is left to the checks.
    """
    raw = (case.query or {}).get("bbox")
    if raw is None:
        return True
    parts = raw.split(",") if isinstance(raw, str) else [str(v) for v in raw]
    try:
        [float(p) for p in parts]
    except ValueError:
        return True
    if len(parts) not in (4, 6):
        return True
    try:
        parse_bbox(",".join(parts))
    except ValueError:
        return False
    return True


def _check(case) -> None:
    excluded = [] if _bbox_is_sound(case) else [positive_data_acceptance]
    case.call_and_validate(excluded_checks=excluded)


@schema.include(tag="Capabilities").parametrize()
@SETTINGS
def test_capabilities_conform_to_openapi(case) -> None:
    _check(case)


@schema.include(tag="Data").parametrize()
@SETTINGS
def test_data_conforms_to_openapi(case) -> None:
    _check(case)


def test_link_walks_conform_to_openapi(api_schema) -> None:
    """Stateful phase: follow the links between operations (collections → items)."""
    machine = api_schema.include(tag=OGC_TAGS).as_state_machine()

    class Walk(machine):  # type: ignore[misc, valid-type]
        def validate_response(self, response, case, additional_checks=None, **kwargs):
            excluded = [] if _bbox_is_sound(case) else [positive_data_acceptance]
            case.validate_response(
                response,
                additional_checks=additional_checks,
                excluded_checks=excluded,
                transport_kwargs=kwargs or None,
            )

    Walk.run(
        settings=settings(
            max_examples=max(10, EXAMPLES // 10),
            stateful_step_count=6,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
    )
