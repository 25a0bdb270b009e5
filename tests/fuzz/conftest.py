"""Fuzz-run fixtures."""

from __future__ import annotations

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    # schemathesis 4.32's from_fixture() reads Node._nodeid, which pytest 9 dropped.
    if not hasattr(item, "_nodeid"):
        item._nodeid = item.nodeid
