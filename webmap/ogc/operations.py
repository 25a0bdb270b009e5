"""The API's route table: every operation's path, parameters and response.

The blueprint registers one URL rule per ``Operation``, each view parses its query
string against ``Operation.params``, and the same objects are the routes' OpenAPI
declarations (``openapi.py``): one source of truth for what the API takes and
answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from webmap.core.openapi import GEOJSON, JSON, OPENAPI_JSON, SCHEMA_JSON, PathParam
from webmap.ogc.params import BBOX, COMMON, DATETIME, LIMIT, OFFSET, Param

PREFIX = "/api"
COLLECTION_ID = PathParam("collectionId", "collection_id", "A collection's id.")
FEATURE_ID = PathParam("featureId", "feature_id", "A feature's id in the collection.")
PATH_PARAMS = {p.name: p for p in (COLLECTION_ID, FEATURE_ID)}


@dataclass(frozen=True, slots=True)
class Operation:
    """One GET operation of the API.

    Attributes:
        operation_id: OpenAPI operationId, also the Flask endpoint name.
        path: path below ``PREFIX`` in OpenAPI form (``/collections/{collectionId}``).
        summary: one line for the document and the HTML pages.
        tag: OpenAPI tag grouping the operation.
        params: query parameters (besides property filters).
        schema: component schema name of the JSON answer.
        media_type: media type of the JSON answer.
        queryables: whether the layer's fields are accepted as property filters.
        cached: whether answers carry ETag/Cache-Control and may be 304.
    """

    operation_id: str
    path: str
    summary: str
    tag: str
    params: tuple[Param, ...]
    schema: str
    media_type: str = JSON
    queryables: bool = False
    cached: bool = True

    @property
    def path_params(self) -> tuple[PathParam, ...]:
        """The ``{name}`` variables of the path, in order."""
        return tuple(PATH_PARAMS[n] for n in re.findall(r"\{(\w+)\}", self.path))

    @property
    def rule(self) -> str:
        """The Flask URL rule (below the blueprint's prefix)."""
        return re.sub(r"\{(\w+)\}", lambda m: f"<{PATH_PARAMS[m[1]].arg}>", self.path)

    def concrete_path(self, collection: str) -> str:
        """The path with ``{collectionId}`` filled in."""
        return self.path.replace("{collectionId}", collection)


LANDING = Operation(
    "getLandingPage",
    "/",
    "Landing page: links to the API definition, conformance and collections.",
    "Capabilities",
    COMMON,
    "LandingPage",
)
CONFORMANCE = Operation(
    "getConformanceDeclaration",
    "/conformance",
    "The conformance classes this API implements.",
    "Capabilities",
    COMMON,
    "ConfClasses",
)
API = Operation(
    "getAPIDefinition",
    "/openapi",
    "This API's OpenAPI 3.0 definition.",
    "Capabilities",
    COMMON,
    "OpenAPI",
    media_type=OPENAPI_JSON,
)
COLLECTIONS = Operation(
    "getCollections",
    "/collections",
    "The feature collections (layers) in the store.",
    "Capabilities",
    COMMON,
    "Collections",
)
COLLECTION = Operation(
    "describeCollection",
    "/collections/{collectionId}",
    "One collection's metadata: title, extent, links.",
    "Capabilities",
    COMMON,
    "Collection",
)
QUERYABLES = Operation(
    "getQueryables",
    "/collections/{collectionId}/queryables",
    "The properties that items can be filtered on, as a JSON Schema.",
    "Capabilities",
    COMMON,
    "Queryables",
    media_type=SCHEMA_JSON,
)
ITEMS = Operation(
    "getFeatures",
    "/collections/{collectionId}/items",
    "Features of a collection, filtered by bbox and properties, a page at a time.",
    "Data",
    (*COMMON, BBOX, LIMIT, OFFSET, DATETIME),
    "FeatureCollection",
    media_type=GEOJSON,
    queryables=True,
)
ITEM = Operation(
    "getFeature",
    "/collections/{collectionId}/items/{featureId}",
    "One feature by id.",
    "Data",
    COMMON,
    "Feature",
    media_type=GEOJSON,
)
OPERATIONS = (
    LANDING,
    CONFORMANCE,
    API,
    COLLECTIONS,
    COLLECTION,
    QUERYABLES,
    ITEMS,
    ITEM,
)
BY_ID = {op.operation_id: op for op in OPERATIONS}
