"""Small pages: health and the site icon."""

from __future__ import annotations

import xml.etree.ElementTree as ET


def test_the_site_icon_is_served_so_pages_without_one_log_no_404(client):
    resp = client.get("/favicon.ico")
    assert resp.status_code == 200
    assert resp.mimetype == "image/svg+xml"
    assert ET.fromstring(resp.data).tag.endswith("svg")
    resp.close()
