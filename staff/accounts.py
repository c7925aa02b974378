"""Staff accounts: argon2 password hashes, roles, disabling, and logins rate-limited.

An administrator (`admin`) sees every place and manages places, figures and accounts; staff
(`staff`) see only their own place. Failed logins are counted per account and per address
over a window (`StaffSettings`): past the limit, no password is even checked until the window
has passed, so guessing is slow for one account and for one machine trying many.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from storage.places import PlaceRow
from storage.staff import StaffAccount, StaffLoginAttempt

Role = Literal["admin", "staff"]
LoginOutcome = Literal["ok", "wrong", "disabled", "locked"]
MIN_PASSWORD_LENGTH = 10
USERNAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$"

_hasher = PasswordHasher()
# Verified when the username is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


@dataclass(frozen=True, slots=True)
class Account:
    """A staff account as the web needs it (no hash)."""

    id: int
    username: str
    role: Role
    place_id: str | None
    active: bool
    session_version: int

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def may_see(self, place_id: str) -> bool:
        """Administrators see every place; staff their own only."""
        return self.is_admin or self.place_id == place_id

    @classmethod
    def of(cls, row: StaffAccount) -> Account:
        role: Role = "admin" if row.role == "admin" else "staff"
        return cls(row.id, row.username, role, row.place_id, row.active, row.session_version)


class AccountError(ValueError):
    """The account cannot be created or changed as asked (the message says why)."""


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


async def add_account(
    db: AsyncSession, username: str, password: str, role: Role, place_id: str | None
) -> Account:
    if not re.match(USERNAME_PATTERN, username):
        raise AccountError("a username is 2-64 letters, digits, dots, dashes or underscores")
    if role == "staff" and not place_id:
        raise AccountError("staff need --place PLACE_ID (administrators see every place)")
    if role == "admin" and place_id:
        raise AccountError("an administrator sees every place: leave out --place")
    if place_id is not None and await db.get(PlaceRow, place_id) is None:
        raise AccountError(f"no place {place_id!r}: see python -m booking places list")
    row = StaffAccount(
        username=username,
        password_hash=hash_password(password),
        role=role,
        place_id=place_id,
        active=True,
        session_version=1,
    )
    db.add(row)
    try:
        async with db.begin_nested():
            await db.flush()
    except IntegrityError:
        raise AccountError(f"the username {username!r} is taken") from None
    return Account.of(row)


async def list_accounts(db: AsyncSession) -> list[Account]:
    rows = await db.scalars(select(StaffAccount).order_by(StaffAccount.username))
    return [Account.of(row) for row in rows]


async def disable_account(db: AsyncSession, username: str, now: datetime) -> bool:
    """Disable the account and end its sessions at once; False if there is no such account."""
    result = await db.execute(
        update(StaffAccount)
        .where(StaffAccount.username == username)
        .values(
            active=False,
            disabled_at=now,
            session_version=StaffAccount.session_version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


async def account_for_session(
    db: AsyncSession, account_id: object, version: object
) -> Account | None:
    """The account a session cookie names, if it is still active and the session still valid."""
    if not isinstance(account_id, int) or not isinstance(version, int):
        return None
    row = await db.get(StaffAccount, account_id)
    if row is None or not row.active or row.session_version != version:
        return None
    return Account.of(row)


async def _failures(
    db: AsyncSession, column: InstrumentedAttribute[str], value: str, since: datetime
) -> int:
    count = await db.scalar(
        select(func.count())
        .select_from(StaffLoginAttempt)
        .where(
            column == value,
            StaffLoginAttempt.at >= since,
            StaffLoginAttempt.succeeded.is_(False),
        )
    )
    return int(count or 0)


async def authenticate(
    db: AsyncSession,
    username: str,
    password: str,
    address: str,
    now: datetime,
    *,
    max_per_account: int,
    max_per_address: int,
    window: timedelta,
) -> tuple[LoginOutcome, Account | None]:
    """Check a login and record the attempt (the caller commits)."""
    username = username.strip()[:64]
    address = address[:64]
    since = now - window
    if (
        await _failures(db, StaffLoginAttempt.username, username, since) >= max_per_account
        or await _failures(db, StaffLoginAttempt.address, address, since) >= max_per_address
    ):
        return "locked", None
    row = await db.scalar(select(StaffAccount).where(StaffAccount.username == username))
    try:
        _hasher.verify(row.password_hash if row is not None else _DUMMY_HASH, password)
        correct = row is not None
    except (VerificationError, InvalidHashError):
        correct = False
    outcome: LoginOutcome = "ok" if correct else "wrong"
    if row is not None and correct and not row.active:
        outcome = "disabled"
    db.add(StaffLoginAttempt(username=username, address=address, at=now, succeeded=outcome == "ok"))
    if outcome != "ok" or row is None:
        return outcome, None
    if _hasher.check_needs_rehash(row.password_hash):
        row.password_hash = _hasher.hash(password)
    return "ok", Account.of(row)
