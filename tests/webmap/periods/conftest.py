"""Fixtures of the admins' period pages: an admin over a private sample store."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.apps import close_store
from tests.support.period_admin import admin_session


@pytest.fixture
def admin(editable_location: str, tmp_path: Path):
    """A signed-in admin over a private copy of the sample store."""
    session = admin_session(editable_location, tmp_path)
    yield session
    close_store(session.app)
