"""Front-end files, served from this server: the vendored libraries (installed by ``npm ci`` from
``assets/package-lock.json``, pinned) and the app's own CSS and scripts. No page loads anything from a
CDN, ``/docs`` included, so the app works on a closed network.

Only the files named in ``VENDORED`` are served from ``node_modules``: a request cannot walk the tree.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI, HTTPException, status
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

HERE = Path(__file__).parent
MODULES = HERE / "assets" / "node_modules"
VENDORED = {
    "htmx.min.js": "htmx.org/dist/htmx.min.js",
    "chart.umd.min.js": "chart.js/dist/chart.umd.min.js",
    "swagger-ui-bundle.js": "swagger-ui-dist/swagger-ui-bundle.js",
    "swagger-ui.css": "swagger-ui-dist/swagger-ui.css",
    "favicon-32x32.png": "swagger-ui-dist/favicon-32x32.png",
}
MISSING = "the web app's libraries are not installed: run 'make demo' or 'npm ci --prefix api/web/assets'"
CACHE = "public, max-age=86400"

router = APIRouter(include_in_schema=False)


def missing() -> list[str]:
    """Vendored files that are not on disk (``npm ci`` has not run)."""
    return [name for name, path in VENDORED.items() if not (MODULES / path).is_file()]


@router.get("/assets/{name}")
def vendored(name: str) -> FileResponse:
    path = VENDORED.get(name)
    if path is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no asset {name!r}")
    file = MODULES / path
    if not file.is_file():
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, MISSING)
    return FileResponse(file, headers={"Cache-Control": CACHE})


@router.get("/docs")
def docs() -> HTMLResponse:
    """Swagger UI from the vendored files (FastAPI's default loads them from a CDN)."""
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="Bemanna API",
        swagger_js_url="/assets/swagger-ui-bundle.js",
        swagger_css_url="/assets/swagger-ui.css",
        swagger_favicon_url="/assets/favicon-32x32.png",
    )


def install(app: FastAPI) -> None:
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
