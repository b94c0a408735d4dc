"""Swagger UI at ``{prefix}/docs`` from files installed with authgate, not from a CDN.

FastAPI's own docs page loads Swagger UI's script and style sheet from a
CDN, so on a machine without internet the page stays blank. The same files
ship inside the ``fastapi-offline`` package; this module serves them from
there at ``{prefix}/docs/static/`` and writes the page to point at them.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

__all__ = ["ASSETS_PACKAGE", "install_offline_docs"]

ASSETS_PACKAGE = ("fastapi_offline", "static")
"""Where Swagger UI's files come from: the ``static`` folder of the ``fastapi_offline`` package."""


def install_offline_docs(app: FastAPI, *, prefix: str) -> None:
    """Serve ``{prefix}/docs`` (and its OAuth2 redirect page) with local assets.

    Create the app with ``docs_url=None``: this replaces FastAPI's page.
    """
    docs = f"{prefix}/docs"
    static = f"{docs}/static"
    redirect = f"{docs}/oauth2-redirect"
    app.mount(static, StaticFiles(packages=[ASSETS_PACKAGE]), name="authgate-docs-static")

    @app.get(docs, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} - Swagger UI",
            oauth2_redirect_url=f"{root}{redirect}",
            swagger_js_url=f"{root}{static}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{static}/swagger-ui.css",
            swagger_favicon_url=f"{root}{static}/favicon.png",
            swagger_ui_parameters=app.swagger_ui_parameters,
        )

    @app.get(redirect, include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()
