"""The staff web application: FastAPI with Jinja2 pages, signed sessions and CSRF protection.

- Sessions: Starlette's SessionMiddleware, a cookie signed with `STAFF_SECRET_KEY`
  (itsdangerous), HttpOnly, SameSite=Lax, Secure when the public URL is https, expiring after
  `STAFF_SESSION_HOURS`. The cookie names the account and its session version; every request
  checks both against the database, so disabling an account ends its sessions at once.
- CSRF: asgi-csrf (a maintained double-submit-cookie middleware with a signed token, compared in
  constant time) in front of the whole app: every POST carries the hidden `csrf_token` field or
  is refused with 403 before any handler runs; the login form is protected even without cookies.
  asgi-csrf 0.11 cannot read multipart bodies with current python-multipart (and looks for a
  fixed field name there), so the two upload routes (`UPLOADS`) are checked by `upload_csrf`
  on the parsed form instead, the same way (signed cookie, constant-time comparison); a
  multipart POST to any other route is refused outright.
- Errors: no session → 303 to /login; another place or an administrators' page → 403; both
  pages in the staff member's language.
"""

from __future__ import annotations

import time
from collections.abc import Callable, MutableMapping
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from asgi_csrf import asgi_csrf_decorator
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from staff import metrics
from staff.deps import CsrfRefused, Forbidden, LoginRequired, NotFound, redirect, render
from staff.i18n import language_of, translator
from staff.settings import StaffSettings
from storage.base import session_maker, utc_now

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "komek_staff"
CSRF_COOKIE = "komek_csrf"
CSRF_FIELD = "csrf_token"
CSRF_NAMESPACE = "komek-staff-csrf"
UPLOADS = frozenset({"/figures/import", "/places/import"})

Message = MutableMapping[str, Any]


class CsrfMiddleware:
    """asgi-csrf as a Starlette middleware class, with a localized refusal page."""

    def __init__(self, app: ASGIApp, *, secret: str, secure: bool) -> None:
        self.app = asgi_csrf_decorator(
            cookie_name=CSRF_COOKIE,
            form_input=CSRF_FIELD,
            signing_secret=secret,
            signing_namespace=CSRF_NAMESPACE,
            always_protect={"/login", "/logout", "/language"},
            cookie_secure=secure,
            cookie_samesite="Lax",
            skip_if_scope=_is_upload,
            send_csrf_failed=_csrf_refused,
        )(app)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _is_multipart(scope) and not _is_upload(scope):
            await _csrf_refused(scope, send, 0)
            return
        await self.app(scope, receive, send)


def _is_multipart(scope: Scope) -> bool:
    headers: dict[bytes, bytes] = dict(scope.get("headers") or [])
    return headers.get(b"content-type", b"").startswith(b"multipart/form-data")


def _is_upload(scope: Scope) -> bool:
    """A multipart POST to an upload route: its token is checked by `upload_csrf`."""
    path: str = scope["path"]
    return scope.get("method") == "POST" and path in UPLOADS and _is_multipart(scope)


async def _csrf_refused(scope: Scope, send: Send, message_id: int) -> None:
    headers = dict(scope.get("headers") or [])
    accept = headers.get(b"accept-language", b"").decode("latin-1")
    _ = translator(language_of(None, accept))["_"]
    body = (
        "<!doctype html><meta charset=utf-8><title>403</title><p>"
        + _(
            "The form has expired or did not come from this site. Go back, reload the page "
            "and try again."
        )
        + "</p>"
    ).encode()
    metrics.REQUESTS.labels(route="csrf", status="403").inc()
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [(b"content-type", b"text/html; charset=utf-8")],
        }
    )
    await send({"type": "http.response.body", "body": body})


class TimingMiddleware:
    """Server time per request: a Prometheus histogram and a `Server-Timing` header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def timed_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                elapsed = (time.perf_counter() - started) * 1000
                headers = list(message.get("headers") or [])
                headers.append((b"server-timing", f"app;dur={elapsed:.1f}".encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, timed_send)
        finally:
            route = scope.get("route")
            name = getattr(route, "path", None) or "/" + scope["path"].split("/")[1]
            metrics.REQUESTS.labels(route=name, status=str(status)).inc()
            metrics.LATENCY.labels(route=name).observe(time.perf_counter() - started)


def create_app(
    settings: StaffSettings,
    engine: AsyncEngine,
    *,
    clock: Callable[[], datetime] = utc_now,
) -> FastAPI:
    """The staff web over `engine` (migrated already: `python -m staff serve` migrates)."""
    from staff import pages_admin, pages_auth, pages_day, pages_ops, pages_stats

    app = FastAPI(title="Komek staff", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = session_maker(engine)
    app.state.clock = clock
    app.state.templates = Jinja2Templates(directory=str(HERE / "templates"))
    app.state.templates.env.globals["quote"] = quote
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    for module in (pages_auth, pages_day, pages_admin, pages_stats, pages_ops):
        app.include_router(module.router)

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, _: Exception) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return redirect("/login?next=" + quote(target, safe=""))

    @app.exception_handler(CsrfRefused)
    async def _csrf(request: Request, _: Exception) -> HTMLResponse:
        metrics.REQUESTS.labels(route="csrf", status="403").inc()
        return render(request, "error.html", status_code=403, code="csrf")

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, _: Exception) -> HTMLResponse:
        return render(request, "error.html", status_code=400, code=400)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, _: Exception) -> HTMLResponse:
        return render(request, "error.html", status_code=403, code=403)

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, _: Exception) -> HTMLResponse:
        return render(request, "error.html", status_code=404, code=404)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> Response:
        if error.status_code in (404, 405):
            return render(request, "error.html", status_code=error.status_code, code=404)
        return HTMLResponse(str(error.detail), status_code=error.status_code)

    app.add_middleware(TimingMiddleware)  # innermost: it sees the matched route
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key.get_secret_value(),
        session_cookie=SESSION_COOKIE,
        max_age=int(settings.session_hours * 3600),
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    app.add_middleware(
        CsrfMiddleware,
        secret=settings.secret_key.get_secret_value(),
        secure=settings.secure_cookies,
    )
    return app
