"""Swagger UI at ``{prefix}/docs`` works offline: every file it loads comes from this server."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from api_support import PREFIX
from fastapi.testclient import TestClient

from api_server import ApiServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def test_the_docs_page_loads_only_local_assets(client: TestClient) -> None:
    page = client.get(f"{PREFIX}/docs")
    assert page.status_code == 200
    assert "cdn" not in page.text.lower()
    assets = re.findall(r"""(?:src|href)=['"]([^'"]+)['"]""", page.text)
    assert {a.rsplit("/", 1)[-1] for a in assets} >= {"swagger-ui-bundle.js", "swagger-ui.css"}
    for asset in assets:
        assert asset.startswith(f"{PREFIX}/docs/static/"), asset
        answer = client.get(asset)
        assert answer.status_code == 200 and len(answer.content) > 1000, asset
    assert client.get(f"{PREFIX}/docs/oauth2-redirect").status_code == 200


def test_missing_or_escaping_asset_paths_are_404(client: TestClient) -> None:
    assert client.get(f"{PREFIX}/docs/static/nothing.js").status_code == 404
    assert client.get(f"{PREFIX}/docs/static/../../etc/passwd").status_code == 404


def test_the_docs_are_not_part_of_the_schema(client: TestClient) -> None:
    paths = client.get(f"{PREFIX}/openapi.json").json()["paths"]
    assert not [p for p in paths if p.startswith(f"{PREFIX}/docs")]


@pytest.mark.browser
def test_swagger_ui_renders_with_every_other_host_blocked(tmp_path: Path) -> None:
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    server = ApiServer(tmp_path).start()
    elsewhere: list[str] = []

    def only_this_server(route: Any) -> None:
        if route.request.url.startswith(server.url):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    try:
        with playwright_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                page.route("**/*", only_this_server)
                page.goto(f"{server.url}{PREFIX}/docs")
                page.locator(".swagger-ui .info .title").wait_for(timeout=15_000)
                page.get_by_text(f"{PREFIX}/login").first.wait_for()
            finally:
                browser.close()
    finally:
        server.stop()
    assert elsewhere == []
