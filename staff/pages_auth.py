"""Logging in and out, and the language switch."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from common.i18n import LANGUAGES
from common.text import msg
from staff import metrics
from staff.accounts import authenticate
from staff.deps import Db, clock, current_account, redirect, render
from staff.settings import StaffSettings

router = APIRouter()

LOGIN_REFUSED = {
    "wrong": msg("Wrong username or password."),
    "disabled": msg("This account is disabled. Ask an administrator."),
    "locked": msg("Too many failed attempts. Wait 15 minutes and try again."),
}


def _safe_next(target: str | None) -> str:
    """Only a path of this site: never an open redirect to another one."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    parts = urlsplit(target)
    return "/" if parts.scheme or parts.netloc else target


@router.get("/login", response_class=HTMLResponse)
async def login_form(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", next=_safe_next(next), error=None)


@router.post("/login")
async def login(request: Request, db: Db) -> Response:
    form = await request.form()
    username = str(form.get("username") or "")
    password = str(form.get("password") or "")
    target = _safe_next(str(form.get("next") or "/"))
    settings: StaffSettings = request.app.state.settings
    address = request.client.host if request.client else "unknown"
    async with db.begin():
        outcome, account = await authenticate(
            db,
            username,
            password,
            address,
            clock(request),
            max_per_account=settings.max_failures_per_account,
            max_per_address=settings.max_failures_per_address,
            window=timedelta(minutes=settings.failure_window_minutes),
        )
    metrics.LOGINS.labels(outcome=outcome).inc()
    if account is None:
        return render(
            request,
            "login.html",
            status_code=429 if outcome == "locked" else 401,
            next=target,
            error=LOGIN_REFUSED[outcome],
            username=username[:64],
        )
    language = request.session.get("lang")
    request.session.clear()  # a fresh session at login
    if language:
        request.session["lang"] = language
    request.session["uid"] = account.id
    request.session["v"] = account.session_version
    return redirect(target)


@router.post("/logout")
async def logout(request: Request) -> Response:
    language = request.session.get("lang")
    request.session.clear()
    if language:
        request.session["lang"] = language
    return redirect("/login")


@router.post("/language")
async def choose_language(request: Request) -> Response:
    form = await request.form()
    chosen = str(form.get("lang") or "")
    if chosen in LANGUAGES:
        request.session["lang"] = chosen
    return redirect(_safe_next(str(form.get("next") or "/")))


@router.get("/")
async def home(request: Request, db: Db) -> Response:
    account = await current_account(request, db)
    if account.is_admin or account.place_id is None:
        return redirect("/places")
    today = clock(request)
    from common.kz import local_day

    return redirect(f"/places/{account.place_id}/day/{local_day(today).isoformat()}")
