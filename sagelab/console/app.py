"""The console's Starlette app. Every module in `sagelab.console.pages` contributes its
`ROUTES`, its `MENU` entries and, optionally, an `install(console)` hook (banners)."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from sagelab.console import pages
from sagelab.console.pagekit import PREFIX, Console


def build_console(server: Any) -> Starlette:
    console = Console(server)
    routes: list[BaseRoute] = [
        Mount(PREFIX + "/static", StaticFiles(packages=[("sagelab.console", "static")])),
        Route("/_sagelab/{account}/console", _user_sign_in_url, methods=["GET"]),
        Route("/", _to_console, methods=["GET"]),
    ]
    for info in pkgutil.iter_modules(pages.__path__):
        module = importlib.import_module(f"{pages.__name__}.{info.name}")
        routes.extend(getattr(module, "ROUTES", []))
        console.menu.extend(getattr(module, "MENU", []))
        install = getattr(module, "install", None)
        if install is not None:
            install(console)
    console.menu.sort(key=lambda entry: entry.rank)
    app = Starlette(routes=routes)
    app.state.console = console
    return app


async def _to_console(request: Request) -> Response:
    return RedirectResponse(PREFIX + "/", status_code=302)


async def _user_sign_in_url(request: Request) -> Response:
    """The IAM users sign-in link (`https://<account>.signin.aws.amazon.com/console` on
    AWS): the sign-in form with the account filled in."""
    account = request.path_params["account"]
    return RedirectResponse(f"{PREFIX}/signin?account={account}", status_code=302)


def wants_console(method: str, path: str, headers: dict[str, str], query: str) -> bool:
    """An unsigned browser visit to `/`: S3's ListBuckets is `GET /` too, but it is signed."""
    if method != "GET" or path != "/" or "authorization" in headers:
        return False
    if "X-Amz-Signature" in query or "X-Amz-Credential" in query:
        return False
    return "text/html" in headers.get("accept", "")
