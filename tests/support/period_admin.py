"""An admin's session over a store with reporting periods, for the admin pages' tests.

``admin_session`` makes an app over ``location`` (the sample store, which holds four
published periods), an account with ``role`` and a signed-in client; ``Admin``
posts forms with the session's CSRF token and reads the store as another worker
would.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from layers.periods.rules import Period
from layers.store.open import open_store
from tests.support.accounts import login, make_user
from tests.support.investor import investor_app
from tests.support.period_sheets import meta

LIST = "/admin/periods"
API = "/admin/api/periods"
PUBLISHED_ID = "2023-10-14-month"  # the report's period in the sample store
NEW_ID = "2023-09-30-quarter"  # a period the sample store does not hold
NEW = meta(end="30/09/2023", kind="quarter", title="Quý 3 năm 2023")  # its sheet
PROBLEM_ROW = re.compile(
    r"<tr><td>(.*?)</td><td class=\"num\">(.*?)</td><td>(.*?)</td>"
)


@dataclass
class Admin:
    """A signed-in client and its CSRF token."""

    app: Flask
    client: FlaskClient
    token: str

    def post(
        self, path: str, data: dict[str, Any] | None = None, csrf: bool = True
    ) -> TestResponse:
        """POST a form (multipart when it holds a file) with the CSRF token."""
        form = dict(data or {})
        if csrf:
            form["csrf_token"] = self.token
        return self.client.post(path, data=form)

    def upload(
        self, xlsx: bytes, path: str = f"{LIST}/upload", **fields: Any
    ) -> TestResponse:
        """Upload ``xlsx`` as the multipart field ``file`` with ``fields``."""
        form = {"file": (io.BytesIO(xlsx), "period.xlsx"), **fields}
        return self.post(path, form)

    def periods(self) -> list[Period]:
        """Every stored period, drafts too, read by a fresh reader."""
        store = open_store(self.app.config["STORE"])
        try:
            return store.periods.periods(include_drafts=True)
        finally:
            store.close()

    def period(self, period_id: str) -> Period:
        """One stored period at its latest revision."""
        [found] = [p for p in self.periods() if p.id == period_id]
        return found


def admin_session(
    location: str, scratch: Path, role: str = "admin", **config: Any
) -> Admin:
    """An app over ``location`` and a client signed in with ``role``."""
    app = investor_app(location, scratch, **config)  # type: ignore[arg-type]
    make_user(app, "ada", role)
    client = app.test_client()
    return Admin(app, client, login(client, "ada"))


def problems_listed(html: str) -> list[tuple[str, str, str]]:
    """(sheet, row, column) of every problem the refusal page lists."""
    return PROBLEM_ROW.findall(html)
