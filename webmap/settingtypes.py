"""The kinds of value a setting holds: how each is parsed, checked and documented.

A kind's ``parse`` takes what arrived (a string from the environment, a number or
``True`` that Flask decoded from JSON, or any object a test config passed) and
returns the value the app uses, or raises ``Invalid`` saying what is allowed;
``webmap.settings`` turns that into a ``ConfigError`` naming the variable.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parents[1]
TRUE, FALSE = ("1", "true"), ("0", "false")
HOST_RE = re.compile(
    r"\.?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*"
)


class ConfigError(ValueError):
    """A configuration value is wrong; the message names the variable."""


class Invalid(ValueError):
    """A value a kind refuses: ``expected`` says what is allowed.

    Args:
        expected: what the setting must be ("a whole number in 0..5").
        got: the part of the value at fault, when it is not the whole value.
    """

    def __init__(self, expected: str, got: object = None) -> None:
        super().__init__(expected)
        self.expected = expected
        self.got = got


@dataclass(frozen=True, slots=True)
class Derived:
    """A default computed from the settings before it (``<DATA_DIR>/state``)."""

    compute: Callable[[Mapping[str, Any]], Any]
    shown: str  # how the docs show it


class Kind:
    """Text: anything, kept as a string (None becomes '')."""

    name = "text"
    secret = False  # never echo the value in an error

    def allowed(self) -> str:
        """What the docs list as the allowed values ('' when anything goes)."""
        return ""

    def parse(self, value: Any) -> Any:
        """The value the app uses; Invalid if it is not allowed."""
        return "" if value is None else str(value)


class Text(Kind):
    """Free text."""


@dataclass(frozen=True)
class Secret(Kind):
    """A token: empty (off) or at least ``min_length`` characters; never echoed."""

    min_length: int = 0
    name = "secret"
    secret = True

    def allowed(self) -> str:
        """Empty or long enough."""
        return f"empty or ≥ {self.min_length} characters" if self.min_length else ""

    def parse(self, value: Any) -> str:
        """The token as text."""
        text = "" if value is None else str(value)
        if text and len(text) < self.min_length:
            raise Invalid(f"at least {self.min_length} characters long")
        return text


@dataclass(frozen=True)
class Whole(Kind):
    """A whole number in ``low..high`` (no upper bound if None); ``even`` if asked."""

    low: int = 0
    high: int | None = None
    even: bool = False
    name = "integer"

    def allowed(self) -> str:
        """The range."""
        span = f"{self.low}..{self.high}" if self.high is not None else f"≥ {self.low}"
        return f"{span}, even" if self.even else span

    def parse(self, value: Any) -> int:
        """The number; Invalid for text, fractions, booleans, numbers out of range."""
        expected = f"a whole number {'in ' if self.high is not None else ''}"
        expected += self.allowed()
        number = _whole(value)
        if number is None or number < self.low:
            raise Invalid(expected)
        if (self.high is not None and number > self.high) or (self.even and number % 2):
            raise Invalid(expected)
        return number


def _whole(value: Any) -> int | None:
    """``value`` as an int, or None if it is not a whole number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


@dataclass(frozen=True)
class Number(Kind):
    """A number ≥ ``low``."""

    low: float = 0.0
    name = "number"

    def allowed(self) -> str:
        """The lower bound."""
        return f"≥ {self.low}"

    def parse(self, value: Any) -> float:
        """The number as a float."""
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise Invalid(f"a number ≥ {self.low}") from None
        if isinstance(value, bool) or not number >= self.low:
            raise Invalid(f"a number ≥ {self.low}")
        return number


class Flag(Kind):
    """Yes or no, written 0, 1, true or false (nothing else)."""

    name = "flag"

    def allowed(self) -> str:
        """The four spellings."""
        return "0, 1, true, false"

    def parse(self, value: Any) -> bool:
        """True or False."""
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower() if isinstance(value, int | str) else None
        if text in TRUE:
            return True
        if text in FALSE:
            return False
        raise Invalid("0, 1, true or false")


@dataclass(frozen=True)
class Choice(Kind):
    """One of ``options``; ``fold`` first normalises the spelling (lax → Lax)."""

    options: tuple[str, ...]
    fold: Callable[[str], str] | None = None
    name = "choice"

    def allowed(self) -> str:
        """The options."""
        return ", ".join(self.options)

    def parse(self, value: Any) -> str:
        """The option chosen."""
        text = "" if value is None else str(value)
        if self.fold is not None:
            text = self.fold(text)
        if text not in self.options:
            *head, last = self.options
            raise Invalid(f"{', '.join(head)} or {last}")
        return text


class Date(Kind):
    """A date like 2023-10-14 (kept as given)."""

    name = "date"

    def allowed(self) -> str:
        """ISO 8601."""
        return "YYYY-MM-DD"

    def parse(self, value: Any) -> Any:
        """The value, once it reads as a date."""
        try:
            dt.date.fromisoformat(str(value))
        except ValueError:
            raise Invalid("a date like 2023-10-14") from None
        return value


class Seconds(Kind):
    """A duration: whole seconds ≥ 1 (or a timedelta from a test config)."""

    name = "seconds"

    def allowed(self) -> str:
        """At least a second."""
        return "≥ 1"

    def parse(self, value: Any) -> dt.timedelta:
        """The duration."""
        if isinstance(value, dt.timedelta) and value.total_seconds() >= 1:
            return value
        number = _whole(value)
        if number is None or number < 1:
            raise Invalid("a whole number of seconds ≥ 1")
        return dt.timedelta(seconds=number)


@dataclass(frozen=True)
class Folder(Kind):
    """A file or folder; ``resolve``: a relative one is taken from the project root."""

    resolve: bool = False
    name = "path"

    def parse(self, value: Any) -> str:
        """The path as text."""
        text = "" if value is None else str(value)
        if self.resolve and text and not Path(text).is_absolute():
            return str(PROJECT_ROOT / text)
        return text


class Store(Kind):
    """A GeoPackage path (relative: from the project root) or a postgresql:// URL."""

    name = "path or URL"

    def parse(self, value: Any) -> str:
        """The location as text."""
        text = str(value)
        if "://" not in text and not Path(text).is_absolute():
            return str(PROJECT_ROOT / text)
        return text


class TileUrl(Kind):
    """A tile URL template: http(s) or a /path, with ``{z}``, ``{x}`` and ``{y}``."""

    name = "URL"

    def allowed(self) -> str:
        """The shape."""
        return "http(s):// or /path with {z}, {x}, {y}"

    def parse(self, value: Any) -> str:
        """The template."""
        url = str(value)
        if not url.startswith(("http://", "https://", "/")) or "{z}" not in url:
            raise Invalid("an http(s) or /path tile URL with {z}, {x} and {y}")
        return url


class BaseUrl(Kind):
    """The site's public base URL, normalised to ``scheme://host[/prefix]``."""

    name = "URL"

    def allowed(self) -> str:
        """The shape."""
        return "empty or https://host[/prefix]"

    def parse(self, value: Any) -> str:
        """The URL without a trailing slash, or ''."""
        text = "" if value is None else str(value)
        if not text:
            return ""
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
            raise Invalid("the map's base URL like https://map.example")
        return f"{parts.scheme}://{parts.netloc.lower()}{parts.path.rstrip('/')}"


class Origins(Kind):
    """Web origins, space- or comma-separated (or a list), as a tuple."""

    name = "list"

    def allowed(self) -> str:
        """The shape of an entry."""
        return "scheme://host[:port] …"

    def parse(self, value: Any) -> tuple[str, ...]:
        """The origins, lower case, each once."""
        return parse_origins(value)


def parse_origins(value: Any) -> tuple[str, ...]:
    """Origins from a space- or comma-separated string (or a list).

    Raises:
        Invalid: an entry is not ``scheme://host[:port]`` (``got`` names it).
    """
    items = value.replace(",", " ").split() if isinstance(value, str) else value
    origins = []
    for item in items or ():
        parts = urlsplit(str(item))
        if (
            parts.scheme not in ("http", "https")
            or not parts.netloc
            or parts.path not in ("", "/")
            or parts.query
            or parts.fragment
        ):
            raise Invalid(
                "a list of origins like https://portal.example (scheme://host[:port])",
                got=item,
            )
        origins.append(f"{parts.scheme}://{parts.netloc}".lower())
    return tuple(dict.fromkeys(origins))


class Hosts(Kind):
    """Host names, space- or comma-separated (``.example.org``: it and subdomains)."""

    name = "list"

    def allowed(self) -> str:
        """The shape of an entry."""
        return "host names …"

    def parse(self, value: Any) -> list[str]:
        """The names, lower case."""
        items = value.replace(",", " ").split() if isinstance(value, str) else value
        hosts = [str(item).strip().lower() for item in items or ()]
        for host in hosts:
            if not HOST_RE.fullmatch(host):
                raise Invalid(
                    "a list of host names (map.example.org, .example.org) without "
                    "scheme, port or path",
                    got=host,
                )
        return hosts


class HashMethod(Kind):
    """A werkzeug password hash method of the scrypt family."""

    name = "text"

    def allowed(self) -> str:
        """scrypt[:n:r:p]."""
        return "scrypt[:n:r:p]"

    def parse(self, value: Any) -> str:
        """The method string."""
        method = str(value)
        if method.split(":", 1)[0] != "scrypt":
            raise Invalid("an scrypt method")
        return method
