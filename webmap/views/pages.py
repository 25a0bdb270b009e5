"""Health check and the index page listing the layers."""

from __future__ import annotations

from flask import Blueprint, render_template

from webmap.store import get_store

bp = Blueprint("pages", __name__)


@bp.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@bp.get("/")
def index() -> str:
    """The layers in the store with their counts."""
    return render_template("index.html", layers=get_store().layers())
