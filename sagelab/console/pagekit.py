"""How a console page is written. A page is a plain function of a `PageContext`, declared
with `@page(path)`; it runs in a worker thread (the stores are synchronous), calls AWS
operations with `pc.call(service, operation, **params)` as the signed-in principal, and
answers `pc.render(...)` or `pc.redirect(...)`. The wrapper resolves the session, sends
strangers to sign-in, reads the form and refuses a state-changing request whose CSRF token
does not match the session's.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import anyio.to_thread
from cryptography.exceptions import InvalidTag
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from sagelab.console import sessions
from sagelab.console.format import FILTERS
from sagelab.console.sessions import ConsoleSession
from sagelab.gateway.context import Principal, RequestContext
from sagelab.gateway.errors import ServiceError
from sagelab.gateway.pipeline import new_request_id
from sagelab.services.iam import keyring

PREFIX = "/_sagelab/console"
FLASH_COOKIE = "sagelab_flash"
LOGIN_CSRF_COOKIE = "sagelab_login_csrf"
MAX_FORM_FIELD = 1 << 20  # policies and trust documents, not uploads: those go to S3


@dataclass(frozen=True)
class Crumb:
    label: str
    url: str | None = None


@dataclass(frozen=True)
class Banner:
    """A warning shown on every page (forgotten resources, for one)."""

    level: str
    text: str
    url: str | None = None


BannerSource = Callable[["PageContext"], Iterable[Banner]]


@dataclass(frozen=True)
class MenuEntry:
    """A service in the Services menu and on the console home; `rank` orders them."""

    rank: int
    label: str
    path: str
    description: str


class Console:
    """What every page shares: the server it acts on, the templates, the menu, banners."""

    def __init__(self, server: Any) -> None:
        self.server = server
        self.env = Environment(
            loader=PackageLoader("sagelab.console", "templates"),
            autoescape=select_autoescape(default=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update(FILTERS)
        self.env.globals["url"] = url
        self.menu: list[MenuEntry] = []
        self.banners: list[BannerSource] = []

    @property
    def meta(self) -> Any:
        return self.server.meta

    @property
    def region(self) -> str:
        return str(self.server.settings.region)


def url(path: str = "/") -> str:
    return PREFIX + path


@dataclass
class PageContext:
    console: Console
    request: Request
    session: ConsoleSession | None
    form: FormData | None = None
    cookies_out: list[tuple[str, str, int]] = field(default_factory=list)

    # --- who and where -------------------------------------------------------------------

    @property
    def principal(self) -> Principal:
        if self.session is None:
            raise RuntimeError("this page needs a signed-in principal")
        return self.session.principal

    @property
    def endpoint_url(self) -> str:
        """The address the browser reached sagelab at: presigned URLs must name it."""
        return str(self.request.base_url).rstrip("/")

    def query(self, name: str, default: str = "") -> str:
        return self.request.query_params.get(name, default)

    def path_param(self, name: str) -> str:
        return str(self.request.path_params[name])

    def field(self, name: str, default: str = "") -> str:
        value = self.form.get(name) if self.form is not None else None
        return value if isinstance(value, str) else default

    def fields(self, name: str) -> list[str]:
        if self.form is None:
            return []
        return [v for v in self.form.getlist(name) if isinstance(v, str)]

    # --- acting -----------------------------------------------------------------------------

    def call(self, service: str, operation: str, /, **params: Any) -> dict[str, Any]:
        """`operation` as the signed-in principal; raises the ServiceError AWS would."""
        principal = self.principal
        ctx = RequestContext(
            request_id=new_request_id(),
            region=self.console.region,
            account_id=principal.account_id,
            principal=principal,
            source_ip=self.request.client.host if self.request.client else "127.0.0.1",
        )
        ctx.secure_transport = self.request.url.scheme == "https"
        params = {k: v for k, v in params.items() if v is not None}
        result: dict[str, Any] = self.console.server.gateway.invoke(
            ctx, service, operation, params
        )
        return result

    # --- answering --------------------------------------------------------------------------

    def render(
        self,
        template: str,
        *,
        title: str,
        crumbs: Sequence[Crumb] = (),
        status: int = 200,
        **values: Any,
    ) -> HTMLResponse:
        page = self.console.env.get_template(template).render(
            title=title,
            crumbs=crumbs,
            session=self.session,
            csrf_token=self.session.csrf_token if self.session else "",
            region=self.console.region,
            menu=self.console.menu,
            banners=self._banners(),
            flashes=self._flashes(),
            alias=self._alias(),
            path=self.request.url.path,
            **values,
        )
        response = HTMLResponse(page, status_code=status)
        response.delete_cookie(FLASH_COOKIE, path=PREFIX)
        self._set_cookies(response)
        return response

    def redirect(
        self, target: str, *, flash: str | None = None, level: str = "success"
    ) -> Response:
        response = RedirectResponse(target, status_code=303)
        if flash:
            sealed = keyring.of(self.console.meta).encrypt(json.dumps([level, flash]))
            self.cookies_out.append((FLASH_COOKIE, sealed, 60))
        self._set_cookies(response)
        return response

    def set_cookie(self, name: str, value: str, max_age: int) -> None:
        self.cookies_out.append((name, value, max_age))

    def _set_cookies(self, response: Response) -> None:
        secure = self.request.url.scheme == "https"
        for name, value, max_age in self.cookies_out:
            response.set_cookie(
                name,
                value,
                max_age=max_age,
                path=PREFIX,
                httponly=True,
                samesite="lax",
                secure=secure,
            )

    def _flashes(self) -> list[tuple[str, str]]:
        sealed = self.request.cookies.get(FLASH_COOKIE)
        if not sealed:
            return []
        try:
            level, text = json.loads(keyring.of(self.console.meta).decrypt(sealed))
        except (InvalidTag, ValueError, TypeError):
            return []
        return [(str(level), str(text))]

    def _banners(self) -> list[Banner]:
        if self.session is None:
            return []
        return [b for source in self.console.banners for b in source(self)]

    def _alias(self) -> str | None:
        if self.session is None:
            return None
        return sessions.alias_of(self.console.meta, self.principal.account_id)


Handler = Callable[[PageContext], Response]


def page(
    path: str, *, methods: Sequence[str] = ("GET",), public: bool = False
) -> Callable[[Handler], Route]:
    """A console route at PREFIX + `path`. `public` pages (sign-in) need no session; their
    forms carry a sign-in CSRF token instead of the session's."""

    def wrap(handler: Handler) -> Route:
        async def endpoint(request: Request) -> Response:
            console: Console = request.app.state.console
            cookie = request.cookies.get(sessions.COOKIE)
            session = await anyio.to_thread.run_sync(sessions.resume, console.meta, cookie)
            if session is None and not public:
                query = "?" + request.url.query if request.url.query else ""
                target = quote(request.url.path + query)
                return RedirectResponse(url(f"/signin?next={target}"), status_code=303)
            form = None
            if request.method != "GET":
                form = await request.form(max_part_size=MAX_FORM_FIELD)
                if not _csrf_ok(request, form, session, public):
                    refused = PageContext(console, request, None)
                    return refused.render("forbidden.html", title="Forbidden", status=403)
            pc = PageContext(console, request, session, form)
            started = time.perf_counter()
            response = await anyio.to_thread.run_sync(_run, handler, pc)
            # The page's own time (AWS calls + rendering), for the bench and browser tools.
            elapsed_ms = (time.perf_counter() - started) * 1000
            response.headers["Server-Timing"] = f"page;dur={elapsed_ms:.1f}"
            return response

        return Route(PREFIX + path, endpoint, methods=list(methods), name=handler.__name__)

    return wrap


def _run(handler: Handler, pc: PageContext) -> Response:
    try:
        return handler(pc)
    except ServiceError as err:
        return pc.render("error.html", title=err.code, error=err, status=err.status)


def _csrf_ok(
    request: Request, form: FormData, session: ConsoleSession | None, public: bool
) -> bool:
    presented = form.get("csrf_token") or request.headers.get("x-csrf-token")
    token = presented if isinstance(presented, str) else None
    if public:
        expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
        return bool(expected) and token is not None and secrets.compare_digest(token, expected)
    return session is not None and session.csrf_ok(token)


def login_csrf(pc: PageContext) -> str:
    """The sign-in form's token, double-submitted: one in a cookie, one in the form."""
    token = pc.request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)
    pc.set_cookie(LOGIN_CSRF_COOKIE, token, 3600)
    return token

