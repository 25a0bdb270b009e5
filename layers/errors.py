"""Errors raised while reading specs, building layers and querying the store.

They know nothing of HTTP; ``webmap/core/errors.py`` maps them to status codes.
"""

from __future__ import annotations

from collections.abc import Sequence

from geo.errors import GeoError


class SpecError(GeoError):
    """A layer spec file is malformed or inconsistent."""


class InvalidSourceData(GeoError):
    """A value, row or geometry in a source file breaks the layer's spec."""


class BuildFailed(Exception):
    """The build found problems; nothing was written.

    Attributes:
        problems: every problem found, each naming its file, row and field.
    """

    def __init__(self, problems: Sequence[GeoError]):
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"build failed with {len(self.problems)} problem(s):\n{lines}")


class LayerNotFound(LookupError):
    """No layer of that name in the registry or the store."""

    def __init__(self, name: str):
        self.name = name
        super().__init__(f"unknown layer '{name}'")


class FeatureNotFound(LookupError):
    """No feature with that id in the layer."""

    def __init__(self, layer: str, feature_id: str):
        self.layer = layer
        self.feature_id = feature_id
        super().__init__(f"no feature '{feature_id}' in layer '{layer}'")


class InvalidFilter(ValueError):
    """A query filter names an unknown field or carries a value of the wrong type."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(f"filter '{field}': {message}")


class StoreUnavailable(RuntimeError):
    """The store cannot be opened (not built yet, unreadable, unreachable)."""


class RasterNotFound(LookupError):
    """No raster of that name in the imagery registry."""

    def __init__(self, name: str):
        self.name = name
        super().__init__(f"unknown raster '{name}'")


class InvalidRasterMetadata(ValueError):
    """A raster's name is not a URL-safe slug, or its date not YYYY-MM[-DD].

    Attributes:
        parameter: ``"name"`` or ``"date"``.
    """

    def __init__(self, parameter: str, message: str):
        self.parameter = parameter
        super().__init__(message)


class InvalidQuery(ValueError):
    """A land-search parameter is malformed, out of range or names nothing known.

    Attributes:
        parameter: the query parameter at fault (``min_ha``, ``km_port``…).
        reason: a short code the web layer translates (``number``, ``negative``,
            ``range``, ``unknown``, ``unknown_parameter``, ``too_large``,
            ``unavailable``, ``flag``, ``order``).
        value: the offending text, if any.
    """

    def __init__(self, parameter: str, message: str, reason: str = "", value: str = ""):
        self.parameter = parameter
        self.reason = reason
        self.value = value
        super().__init__(f"parameter '{parameter}': {message}")


class NotSupportedByStore(RuntimeError):
    """This store backend does not offer the feature yet (e.g. on PostGIS)."""


class BackupError(RuntimeError):
    """A backup or restore cannot go ahead (the message names the file)."""
