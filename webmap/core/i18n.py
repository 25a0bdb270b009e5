"""Languages of the map: choice per request, catalogues, names and numbers.

The UI speaks Vietnamese (default), English, Korean and Japanese. Message catalogues
live in ``webmap/translations/<lang>/LC_MESSAGES/messages.po``; the binary ``.mo``
files are compiled from them when the app starts (they are not kept in git).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, current_app, has_request_context, request
from flask_babel import Babel, format_date, format_decimal, get_locale, gettext
from markupsafe import Markup, escape

logger = logging.getLogger(__name__)

LANGUAGES = ("vi", "en", "ko", "ja")
AUTONYMS = {"vi": "Tiếng Việt", "en": "English", "ko": "한국어", "ja": "日本語"}
TRANSLATIONS = Path(__file__).resolve().parents[1] / "translations"


def select_language() -> str:
    """The language of this request: ``?lang=``, else Accept-Language, else default.

    An unknown ``?lang=`` value is ignored, as if it were absent.
    """
    default = current_app.config["DEFAULT_LANGUAGE"]
    if not has_request_context():
        return default
    asked = request.args.get("lang", "").strip().lower()
    if asked in LANGUAGES:
        return asked
    return request.accept_languages.best_match(LANGUAGES) or default


def current_language() -> str:
    """The language Flask-Babel chose for this request."""
    locale = get_locale()
    return locale.language if locale and locale.language in LANGUAGES else "vi"


def compile_catalogs(directory: Path = TRANSLATIONS) -> list[Path]:
    """Compile every ``messages.po`` under ``directory`` whose ``.mo`` is stale.

    Writes go to a temporary file that replaces the old one, so two processes
    starting at once never read half a file.

    Returns:
        The ``.mo`` files written.
    """
    written = []
    for po_path in sorted(directory.glob("*/LC_MESSAGES/messages.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=po_path.parts[-3])
        fd, tmp = tempfile.mkstemp(dir=mo_path.parent, suffix=".mo.tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                write_mo(out, catalog)
            os.chmod(tmp, 0o644)  # mkstemp makes it private; readers may be others
            os.replace(tmp, mo_path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        logger.info("compiled %s", mo_path)
        written.append(mo_path)
    return written


def init_app(app: Flask) -> None:
    """Compile the catalogues and install Flask-Babel with our language choice."""
    compile_catalogs()
    app.config.setdefault("BABEL_DEFAULT_LOCALE", app.config["DEFAULT_LANGUAGE"])
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    Babel(app, locale_selector=select_language)


def display_name(props: dict[str, Any], lang: str, fallback: str = "") -> str:
    """A feature's name: Vietnamese, with the English one beside it off Vietnamese.

    Args:
        props: feature properties (``name_vi``, ``name_en`` or ``name``).
        lang: the UI language.
        fallback: shown when the feature has no name (usually its id).
    """
    vi = str(props.get("name_vi") or props.get("name") or "").strip()
    en = str(props.get("name_en") or "").strip()
    if not vi:
        return en or fallback
    if lang != "vi" and en and en != vi:
        return f"{vi} ({en})"
    return vi


def number(value: float | int, digits: int = 1) -> str:
    """A number in the request's locale with up to ``digits`` decimals."""
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(value, format=pattern)


def as_of(date_text: str) -> str:
    """The figures' date in the request's language (dd/MM/yyyy in Vietnamese)."""
    date = dt.date.fromisoformat(date_text)
    if current_language() == "vi":
        return date.strftime("%d/%m/%Y")
    return format_date(date, "medium")


def data_attribution(date: dt.date | None = None) -> Markup:
    """The figures' source and date, and the sample geometry caveat (escaped).

    ``PARKMAP_DATA_ATTRIBUTION`` when set; the map's attribution and the site
    report's sources say the same. ``date``: the end date of the reporting period
    shown (default ``PARKMAP_FIGURES_AS_OF``).
    """
    configured = current_app.config["DATA_ATTRIBUTION"]
    if configured:
        return escape(configured)
    return escape(
        gettext(
            "Figures: HEZA report %(date)s · sample geometry approximate",
            date=as_of(
                date.isoformat() if date else current_app.config["FIGURES_AS_OF"]
            ),
        )
    )
