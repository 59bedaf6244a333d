"""``/docs`` served from files in the installed ``swagger-ui-bundle`` package.

FastAPI's default page loads Swagger UI from a CDN, which a self-hosted or air-gapped
deployment cannot reach; these assets ship with the package instead.
"""

from __future__ import annotations

import swagger_ui_bundle
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS_PATH = "/static/swagger"


def install_offline_docs(app: FastAPI) -> None:
    """Mounts the assets and the ``/docs`` page; create the app with ``docs_url=None``.

    Call before mounting any broader ``/static`` directory so this mount takes precedence.
    """
    app.mount(ASSETS_PATH, StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="swagger-ui")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} API",
            swagger_js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_PATH}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_PATH}/favicon-32x32.png",
        )
