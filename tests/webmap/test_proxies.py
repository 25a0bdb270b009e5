"""Behind a reverse proxy: the client's address and scheme, only when configured."""

from __future__ import annotations

import pytest
from flask import request

from webmap import create_app
from webmap.settings import ConfigError

FORWARDED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}


def whoami(app) -> tuple[str, bool]:
    @app.get("/_whoami")
    def _whoami():
        return {"addr": request.remote_addr, "secure": request.is_secure}

    body = app.test_client().get("/_whoami", headers=FORWARDED).json
    return body["addr"], body["secure"]


def test_forwarded_headers_are_ignored_without_trusted_proxies():
    assert whoami(create_app({"TESTING": True})) == ("127.0.0.1", False)


def test_one_trusted_proxy_gives_the_client_address_and_https():
    app = create_app({"TESTING": True, "TRUSTED_PROXIES": 1})
    assert whoami(app) == ("203.0.113.7", True)
    resp = (
        create_app({"TESTING": True, "TRUSTED_PROXIES": 1})
        .test_client()
        .get("/healthz", headers=FORWARDED)
    )
    assert resp.headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.parametrize("value", ["-1", "many", "9"])
def test_a_bad_proxy_count_names_the_setting(value):
    with pytest.raises(ConfigError, match="PARKMAP_TRUSTED_PROXIES"):
        create_app({"TESTING": True, "TRUSTED_PROXIES": value})
