"""Fixtures for the map's tests: a store whose text carries HTML, and added layers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.mapdata import EVIL_NAME, build_extra_store
from webmap import create_app

__all__ = ["EVIL_NAME"]


@pytest.fixture(scope="session")
def extra_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The tiny data set with an HTML park name and two added layers, built once."""
    return build_extra_store(tmp_path_factory.mktemp("extra"))


@pytest.fixture
def extra_app(extra_store: tuple[Path, Path]):
    """An app over that store; ``plots`` (5 features) goes out as tiles."""
    data, store = extra_store
    return create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(data),
            "STORE": str(store),
            "INLINE_MAX_FEATURES": 4,
        }
    )
