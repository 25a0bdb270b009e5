"""Exceptions for problems with source data and geo operations.

They know nothing of HTTP; the web layer maps them to status codes.
"""

from __future__ import annotations

import os
from typing import Any


class GeoError(Exception):
    """Base: a problem with source data or a geo operation.

    Attributes:
        message: What went wrong, without the location.
        path: The file concerned, as the caller gave it, or None.
        row: The 1-based data row number, as the caller passes it, or None.
        field: The attribute (column) concerned, or None.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | os.PathLike[str] | None = None,
        row: int | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.row = row
        self.field = field

    def __str__(self) -> str:
        parts = []
        if self.path is not None:
            parts.append(os.fspath(self.path))
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.field is not None:
            parts.append(f"field {self.field!r}")
        if not parts:
            return self.message
        return f"{', '.join(parts)}: {self.message}"

    def __reduce__(self) -> tuple[Any, ...]:
        """Keep path, row and field when pickled (e.g. across processes)."""
        return (
            _rebuild,
            (type(self), self.message, self.path, self.row, self.field),
        )


def _rebuild(
    cls: type[GeoError],
    message: str,
    path: str | os.PathLike[str] | None,
    row: int | None,
    field: str | None,
) -> GeoError:
    """Recreate a pickled GeoError with its keyword attributes."""
    return cls(message, path=path, row=row, field=field)


class SourceFileError(GeoError):
    """A source file is missing, unreadable, corrupt or of an unsupported format."""


class CRSError(GeoError):
    """A CRS is missing, unknown or cannot be used safely."""


class GeometryError(GeoError):
    """A geometry is null, empty, of the wrong type or unusable."""


class InvalidTile(ValueError):
    """A tile address (z/x/y) is not an integer or out of range.

    Attributes:
        parameter: ``"z"``, ``"x"`` or ``"y"``, the first bad one.
    """

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter

    def __reduce__(self) -> tuple[Any, ...]:
        """Keep the parameter when pickled."""
        return (type(self), (self.parameter, str(self)))


class RasterError(SourceFileError):
    """A raster cannot be imported: corrupt, too large or of an unsupported layout."""
