"""``/docs`` served from files in the installed ``swagger-ui-bundle`` package.

FastAPI's default page loads Swagger UI from a CDN, which a self-hosted or air-gapped
deployment cannot reach; these assets ship with the package instead. That bundle is Swagger
UI 4.15, which cannot read OpenAPI 3.1, so the page reads a 3.0 rendering of the document
(:mod:`services.api.openapi_compat`); ``/openapi.json`` itself stays 3.1.
"""

from __future__ import annotations

import swagger_ui_bundle
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from services.api.openapi_compat import downgrade_to_30

ASSETS_PATH = "/static/swagger"
DOCS_OPENAPI_PATH = "/docs/openapi-3.0.json"  # what the bundled Swagger UI 4.15 can read


def install_offline_docs(app: FastAPI) -> None:
    """Mounts the assets and the ``/docs`` page; create the app with ``docs_url=None``.

    Call before mounting any broader ``/static`` directory so this mount takes precedence.
    """
    app.mount(ASSETS_PATH, StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="swagger-ui")

    @app.get(DOCS_OPENAPI_PATH, include_in_schema=False)
    async def openapi_30() -> JSONResponse:
        return JSONResponse(downgrade_to_30(app.openapi()))

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=DOCS_OPENAPI_PATH,
            title=f"{app.title} API",
            swagger_js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_PATH}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_PATH}/favicon-32x32.png",
        )
