"""Route declarations: what each route takes and answers, declared beside its view.

A view carries its OpenAPI description as data: ``@documented(Doc(...))`` puts one
``Doc`` per method on the view function, and ``webmap/apidoc`` writes the service's
document from ``app.url_map`` and these declarations at request time, so the path
comes from the URL rule itself and a route cannot lose its description unseen
(``tests/webmap/apidoc/test_document.py``). Query parameters are ``Param`` objects (the
OGC API parses its own against them), path variables ``PathParam`` objects.

What only the store knows (layer names, raster names, an example id) is not known
at import: ``params`` may be a function of the document's ``Facts``
(``webmap/apidoc/facts.py``) instead of a tuple.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from geo.tiles import MAX_ZOOM

GEOJSON = "application/geo+json"
JSON = "application/json"
HTML = "text/html"
OPENAPI_JSON = "application/vnd.oai.openapi+json;version=3.0"
SCHEMA_JSON = "application/schema+json"
PROBLEM_JSON = "application/problem+json"

TEXT: dict[str, Any] = {"type": "string"}
BINARY: dict[str, Any] = {"type": "string", "format": "binary"}
SEGMENT: dict[str, Any] = {"type": "string", "pattern": "^[^/]+$"}
# A Flask rule's variable, converter or not: <name>, <path:name>, <any(a, b):x>
RULE_VARIABLE = re.compile(r"<(?:[^:<>]+:)?(\w+)>")
# Flask answers these for every rule itself.
AUTOMATIC = frozenset({"HEAD", "OPTIONS"})


def ref(name: str) -> dict[str, str]:
    """A reference to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


@dataclass(frozen=True, slots=True)
class Param:
    """A query parameter: its name, OpenAPI schema and parser, in one place."""

    name: str
    description: str
    schema: dict[str, Any]
    parse: Callable[[str], Any]
    required: bool = False

    def openapi(self) -> dict[str, Any]:
        """The OpenAPI 3.0 Parameter Object (one value each, as OGC API declares)."""
        return {
            "name": self.name,
            "in": "query",
            "required": self.required,
            "description": self.description,
            "style": "form",
            "explode": False,
            "schema": self.schema,
        }


LANG = Param(
    "lang",
    "Language of titles: vi, en, ko or ja (others fall back to the default).",
    {"type": "string"},
    str,
)


@dataclass(frozen=True, slots=True)
class PathParam:
    """A path segment variable: ``{collectionId}`` in OpenAPI, ``<collection_id>``.

    ``schema`` narrows the segment (an enum of layer names, a whole number); by
    default it is any text without a slash.
    """

    name: str
    arg: str
    description: str
    schema: dict[str, Any] | None = None

    def openapi(self) -> dict[str, Any]:
        """The OpenAPI 3.0 Parameter Object."""
        return {
            "name": self.name,
            "in": "path",
            "required": True,
            "description": self.description,
            "schema": dict(SEGMENT) if self.schema is None else self.schema,
        }


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


def with_example(schema: dict[str, Any], example: str | None) -> dict[str, Any]:
    """``schema`` with an example value (an id the store holds), if any."""
    return {**schema, "example": example} if example else schema


def segment_with_example(name: str, description: str, example: str | None) -> PathParam:
    """A path variable without a slash, with an id the store holds as example."""
    return segment(name, description, with_example(dict(SEGMENT), example))


def tile_address(name: str, names: Iterable[str]) -> tuple[PathParam, ...]:
    """The path variables of a tile: the layer or raster ``name``, z, x, y."""
    whole = {"type": "integer", "minimum": 0, "maximum": 2**MAX_ZOOM - 1}
    return (
        segment(name, "The layer or raster.", choice(names)),
        segment("z", "Zoom.", {"type": "integer", "minimum": 0, "maximum": MAX_ZOOM}),
        segment("x", "Column, 0 ≤ x < 2^z.", whole),
        segment("y", "Row from the north.", whole),
    )


def openapi_path(rule: str, names: dict[str, str] | None = None) -> str:
    """A Flask rule in OpenAPI form: ``<path:parcel_id>`` → ``{parcel_id}``.

    Args:
        rule: the URL rule.
        names: OpenAPI names of the rule's variables where they differ.
    """
    known = names or {}
    return RULE_VARIABLE.sub(lambda m: "{" + known.get(m[1], m[1]) + "}", rule)


Parameter = Param | PathParam
Operation = tuple[str, str, dict[str, Any]]  # path, method, Operation Object


class Declaration(Protocol):
    """What ``documented`` accepts: it writes the operations of one URL rule."""

    def operations(
        self, rule: str, methods: frozenset[str], facts: Any
    ) -> Iterator[Operation]:
        """The (path, method, Operation Object) triples this declares for ``rule``."""
        ...


@dataclass(frozen=True, slots=True)
class Doc:
    """One operation of a route: what it is, takes and answers.

    Attributes:
        operation_id: unique over the document.
        summary: one line.
        tag: the surface it belongs to (``Map``, ``Tiles``, ``Planner`` …).
        responses: status → Response Object (``webmap/core/responses.py``).
        params: path and query parameters, or a function of the document's facts
            that returns them (for enums and examples of the store's names).
        request_body: the Request Body Object, if it takes one.
        security: alternative security requirements; None for public routes.
        method: ``get``, ``post`` …; by default the rule's only method.
        fill: values of rule variables that make this a path of its own
            (``{"fmt": "csv"}`` documents ``/land/export.<fmt>`` as
            ``/land/export.csv``).
    """

    operation_id: str
    summary: str
    tag: str
    responses: dict[str, Any]
    params: tuple[Parameter, ...] | Callable[[Any], tuple[Parameter, ...]] = ()
    request_body: dict[str, Any] | None = None
    security: tuple[dict[str, list[str]], ...] | None = None
    method: str | None = None
    fill: dict[str, str] = field(default_factory=dict)

    def parameters(self, facts: Any) -> tuple[Parameter, ...]:
        """The parameters, given the document's facts."""
        return self.params(facts) if callable(self.params) else self.params

    def operations(
        self, rule: str, methods: frozenset[str], facts: Any
    ) -> Iterator[Operation]:
        """The one operation this declares for ``rule`` (answering ``methods``)."""
        method = self.method or _only(methods - AUTOMATIC, rule)
        for name, value in self.fill.items():
            rule = RULE_VARIABLE.sub(
                lambda m, n=name, v=value: v if m[1] == n else m[0], rule
            )
        out: dict[str, Any] = {
            "operationId": self.operation_id,
            "summary": self.summary,
            "tags": [self.tag],
            "parameters": [p.openapi() for p in self.parameters(facts)],
            "responses": self.responses,
        }
        if self.request_body is not None:
            out["requestBody"] = self.request_body
        if self.security is not None:
            out["security"] = list(self.security)
        yield openapi_path(rule), method.lower(), out


def _only(methods: frozenset[str], rule: str) -> str:
    if len(methods) != 1:
        raise ValueError(f"{rule} answers {sorted(methods)}: name the Doc's method")
    return next(iter(methods))


ATTRIBUTE = "openapi_declarations"
View = TypeVar("View", bound=Callable[..., Any])


def documented(*declarations: Declaration) -> Callable[[View], View]:
    """Declare a view's operations (one ``Doc`` per method it answers).

    The decorator returns the view itself, so it may sit above or below the
    blueprint's route decorator.
    """

    def mark(view: View) -> View:
        declare(view, *declarations)
        return view

    return mark


def declare(view: Callable[..., Any], *declarations: Declaration) -> None:
    """Attach ``declarations`` to ``view`` (for views registered in a loop)."""
    setattr(view, ATTRIBUTE, (*declarations_of(view), *declarations))


def declarations_of(view: Callable[..., Any]) -> tuple[Declaration, ...]:
    """The declarations attached to ``view`` (none if it is undocumented)."""
    return getattr(view, ATTRIBUTE, ())
