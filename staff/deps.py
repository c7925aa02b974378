"""What every page needs: the database session, the logged-in account, the language, the
permission checks, the template renderer and flash messages."""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.ext.asyncio import AsyncSession

from booking.places import Place, get_place
from common.i18n import Language
from common.text import Message
from staff.accounts import Account, account_for_session
from staff.i18n import language_of, translator


class LoginRequired(Exception):
    """No valid session: the page answers with a redirect to /login."""


class Forbidden(Exception):
    """Logged in, but this is not theirs (another place, or administrators only): 403."""


class NotFound(Exception):
    """No such page, place or appointment: 404."""


def clock(request: Request) -> datetime:
    """Now (tests pin it through `app.state.clock`)."""
    now: datetime = request.app.state.clock()
    return now


async def db_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with request.app.state.sessionmaker() as session:
        yield session


def lang_of(request: Request) -> Language:
    return language_of(request.session.get("lang"), request.headers.get("accept-language"))


Db = Annotated[AsyncSession, Depends(db_session)]


async def current_account(request: Request, db: Db) -> Account:
    account = await account_for_session(db, request.session.get("uid"), request.session.get("v"))
    await db.rollback()  # end the read, so a page may open its own transaction
    if account is None:
        request.session.pop("uid", None)
        raise LoginRequired
    request.state.account = account
    return account


CurrentAccount = Annotated[Account, Depends(current_account)]


async def upload_csrf(request: Request) -> None:
    """The CSRF check of a multipart upload (see staff.web): the form's `csrf_token` must be
    the signed token of the CSRF cookie, compared in constant time; else 403."""
    from staff.web import CSRF_COOKIE, CSRF_FIELD, CSRF_NAMESPACE

    cookie = request.cookies.get(CSRF_COOKIE, "")
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    secret = request.app.state.settings.secret_key.get_secret_value()
    try:
        URLSafeSerializer(secret).loads(cookie, salt=CSRF_NAMESPACE)
    except BadSignature:
        raise CsrfRefused from None
    if not isinstance(sent, str) or not hmac.compare_digest(sent, cookie):
        raise CsrfRefused


class CsrfRefused(Exception):
    """A form without its valid CSRF token: 403."""


UploadChecked = Annotated[None, Depends(upload_csrf)]


async def admin_account(account: CurrentAccount) -> Account:
    if not account.is_admin:
        raise Forbidden
    return account


AdminAccount = Annotated[Account, Depends(admin_account)]


async def visible_place(db: AsyncSession, account: Account, place_id: str) -> Place:
    """The place, if this account may see it: 403 otherwise (also for a place that does not
    exist, so staff learn nothing about other places' ids); 404 for administrators."""
    if not account.may_see(place_id):
        raise Forbidden
    place = await get_place(db, place_id)
    if place is None:
        raise NotFound
    return place


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise NotFound from None


def flash(request: Request, message: Message, kind: str = "ok") -> None:
    """A message shown once, on the next page (in the language of that page)."""
    request.session.setdefault("flash", []).append([kind, message.id, _params(message)])


def _params(message: Message) -> dict[str, str]:
    return {key: str(value) for key, value in message.params.items()}


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    templates: Jinja2Templates = request.app.state.templates
    lang = lang_of(request)
    tr = translator(lang)
    messages = [
        (kind, tr["_"](message_id, **params))
        for kind, message_id, params in request.session.pop("flash", [])
    ]
    token = request.scope.get("csrftoken")
    values = {
        "lang": lang,
        "account": getattr(request.state, "account", None),
        "csrf_token": token() if callable(token) else "",
        "flashes": messages,
        **tr,
        **context,
    }
    response = templates.TemplateResponse(request, template, values, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    return response
