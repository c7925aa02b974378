"""Webhook workers behind nginx on PostgreSQL and Redis: throughput, latency, and nothing lost.

The production layout on loopback: the fake Bot API of the tests posts every update, as
Telegram does, to nginx (the locations of deploy/nginx, a loopback server without TLS, the
upstream pointed at the workers' ports), which hands it to one of N `python -m bot` worker
processes in webhook mode, sharing one PostgreSQL database and one Redis. The workers are
started at the same moment on an EMPTY database (they migrate it together). Simulated users
then play the whole intake (17 updates) and a share of them book a visit, all at the first
free time of one place, so seats run out and bookings race.

Printed per run: updates/s, p50/p99 latency (from posting an update to the next question on
screen), users who did not finish, the workers' CPU time per update (psutil, user + system),
then what the database and the fake Bot API say: replies lost (committed, never delivered),
duplicated (a message on the chat that no outbox row accounts for), chats whose replies came
out of order, and slots booked beyond their capacity. The kill run SIGKILLs one worker halfway
and does not restart it: nginx sends the updates to the other, the fake Bot API re-posts what
was not acknowledged (as Telegram does) and the survivor takes over the dead one's unsent
replies when their lease ends (REPLY_LEASE_SECONDS, 6 s here).

    .venv/bin/python benchmarks/webhook_load.py [--users 100] [--runs 1,2,2-kill] [--bookers 0.3]

Needs KOMEK_TEST_POSTGRES_URL (scripts/start-postgres.sh), redis-server and nginx
(scripts/start-redis.sh, scripts/start-nginx.sh install them).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import aiohttp
import psutil
from sqlalchemy import select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bot_load import (  # noqa: E402
    REPLY_TIMEOUT,
    Round,
    drop_postgres,
    scratch_postgres,
    spawn,
)
from booking.places import import_directory, load_directory  # noqa: E402
from komek_testing.fake_telegram import FakeTelegram, FakeUser, SentMessage  # noqa: E402
from komek_testing.players import Player, current_question, label_for, question_of  # noqa: E402
from komek_testing.services import free_port, nginx_server, redis_server  # noqa: E402
from storage.base import create_engine  # noqa: E402
from storage.replies import OutgoingReply  # noqa: E402

WEBHOOK_PATH: Final = "/telegram/webhook"
"""The path of deploy/nginx/komek-locations.conf."""
SECRET: Final = "load-test-secret"
LEASE_SECONDS: Final = 6
SAMPLE_PLACES: Final = ROOT / "booking" / "data" / "places.sample.yaml"
SEND_METHODS: Final = frozenset({"sendMessage", "sendVenue", "sendDocument", "sendLocation"})


@dataclass
class Report:
    """One run's figures and the checks made from the database and the fake Bot API."""

    name: str
    load: Round
    users: int
    unfinished: int = 0
    bookers: int = 0
    booked: int = 0
    cpu_seconds: float = 0.0
    lost: int = 0
    duplicated: int = 0
    out_of_order: int = 0
    overbooked: int = 0
    errors: int = 0
    migrated_by: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def cpu_per_update_ms(self) -> float:
        return self.cpu_seconds / max(self.load.updates, 1) * 1000

    @property
    def clean(self) -> bool:
        return not (
            self.unfinished or self.lost or self.duplicated or self.out_of_order or self.overbooked
        )

    def lines(self) -> list[str]:
        load = self.load
        return [
            f"{self.name}: {load.updates} updates in {load.seconds:.2f} s = "
            f"{load.rate:.1f} updates/s | p50 {load.percentile(50) * 1000:.1f} ms | "
            f"p99 {load.percentile(99) * 1000:.1f} ms | errors {self.errors} | "
            f"workers' CPU {self.cpu_per_update_ms:.2f} ms/update",
            f"  {self.users - self.unfinished}/{self.users} users finished, "
            f"{self.booked}/{self.bookers} bookers booked; workers that came up on the empty "
            f"database: {self.migrated_by}",
            f"  lost {self.lost}, duplicated {self.duplicated}, chats out of order "
            f"{self.out_of_order}, slots overbooked {self.overbooked}"
            + (f" | {'; '.join(self.notes)}" if self.notes else ""),
        ]


# --- the cluster ------------------------------------------------------------------------------


@dataclass
class Cluster:
    fake: FakeTelegram
    database_url: str
    redis_url: str
    nginx_port: int
    ports: list[int]
    workdir: Path
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    cpu: dict[int, float] = field(default_factory=dict)

    def start_workers(self) -> None:
        """All at once, on whatever database there is (empty at first)."""
        for index, port in enumerate(self.ports):
            env = {
                "BOT_TOKEN": self.fake.token,
                "BOT_API_BASE_URL": self.fake.base_url,
                "DATABASE_URL": self.database_url,
                "REDIS_URL": self.redis_url,
                "WEBHOOK_URL": f"http://127.0.0.1:{self.nginx_port}{WEBHOOK_PATH}",
                "WEBHOOK_SECRET": SECRET,
                "WEBHOOK_HOST": "127.0.0.1",
                "WEBHOOK_PORT": str(port),
                "WORKER_ID": f"load-{index}",
                "REPLY_LEASE_SECONDS": str(LEASE_SECONDS),
                "LOG_FORMAT": "json",
                "LOG_LEVEL": "WARNING",
                "BOOKING_SAMPLE_PLACES": "1",  # booking offers the SAMPLE places imported below
            }
            log = self.workdir / f"worker{index}.log"
            self.workers.append(spawn([sys.executable, "-m", "bot"], env, log))

    async def wait_ready(self, timeout: float = 60.0) -> int:
        """Until every worker answers /readyz; how many did."""
        deadline = time.monotonic() + timeout
        ready: set[int] = set()
        async with aiohttp.ClientSession() as http:
            while len(ready) < len(self.ports):
                for index, port in enumerate(self.ports):
                    process = self.workers[index]
                    if process.poll() is not None:
                        log = (self.workdir / f"worker{index}.log").read_text()[-2000:]
                        raise RuntimeError(f"worker {index} exited ({process.returncode}): {log}")
                    with contextlib.suppress(aiohttp.ClientError):
                        async with http.get(f"http://127.0.0.1:{port}/readyz") as response:
                            if response.status == 200:
                                ready.add(index)
                if time.monotonic() > deadline:
                    raise TimeoutError(f"workers ready: {sorted(ready)} of {len(self.ports)}")
                await asyncio.sleep(0.1)
        while self.fake.webhook is None:
            await asyncio.sleep(0.05)
        return len(ready)

    def cpu_now(self) -> dict[int, float]:
        """Each live worker's CPU seconds so far (user + system); the dead keep their last."""
        for index, process in enumerate(self.workers):
            with contextlib.suppress(psutil.Error):
                times = psutil.Process(process.pid).cpu_times()
                self.cpu[index] = times.user + times.system
        return dict(self.cpu)

    def kill(self, index: int) -> None:
        self.cpu_now()
        self.workers[index].send_signal(signal.SIGKILL)
        self.workers[index].wait()

    def stop(self) -> None:
        for process in self.workers:
            if process.poll() is None:
                process.terminate()
        for process in self.workers:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextlib.asynccontextmanager
async def cluster(workers: int, admin_url: str, workdir: Path) -> AsyncIterator[Cluster]:
    """A fresh empty database, Redis, the fake Bot API, nginx and `workers` workers."""
    database_url = await scratch_postgres(admin_url)
    try:
        async with FakeTelegram() as fake:
            fake.auto_redeliver(0.5)
            ports = [free_port() for _ in range(workers)]
            nginx_port = free_port()
            with (
                redis_server(workdir) as redis_url,
                nginx_server(nginx_port, ports, workdir),
            ):
                running = Cluster(fake, database_url, redis_url, nginx_port, ports, workdir)
                running.start_workers()
                try:
                    yield running
                finally:
                    running.stop()
                    fake.auto_redeliver(None)
    finally:
        await drop_postgres(admin_url, database_url)


# --- the users --------------------------------------------------------------------------------


def newest_id(user: FakeUser) -> int:
    return max((m.message_id for m in user.messages), default=0)


def with_action(message: SentMessage, action: str) -> str | None:
    return next((d for d in message.callback_data if d.startswith(f"!bk:{action}:")), None)


def newer_with(user: FakeUser, actions: tuple[str, ...], after: int) -> tuple[str, str] | None:
    """The newest message after message `after` carrying one of `actions`' buttons: the action
    and its first button's data."""
    for message in reversed(user.messages):
        if message.message_id <= after:
            return None
        for action in actions:
            data = with_action(message, action)
            if data is not None:
                return action, data
    return None


def asks_for_phone(user: FakeUser, after: int) -> bool:
    rows = (user.reply_keyboard or {}).get("keyboard", [])
    shown = any(button.get("request_contact") for row in rows for button in row)
    return shown and newest_id(user) > after


async def screen_with(user: FakeUser, actions: tuple[str, ...], after: int) -> tuple[str, str]:
    """Wait for a message newer than `after` with one of `actions`' buttons (or, for
    "phone", the contact request under the input field)."""
    deadline = time.monotonic() + REPLY_TIMEOUT
    while time.monotonic() < deadline:
        found = newer_with(user, actions, after)
        if found is not None:
            return found
        if "phone" in actions and asks_for_phone(user, after):
            return "phone", ""
        with contextlib.suppress(TimeoutError):
            await user.wait_reply(timeout=1.0)
    last = [(m.message_id, (m.text or "")[:60], m.callback_data[:3]) for m in user.messages[-3:]]
    raise TimeoutError(f"no {actions} after message {after}; last: {last}")


async def book_a_visit(user: FakeUser, result: Round) -> bool:
    """From the result: the first place, day and free time; the phone; confirm; when the seat
    went to someone else meanwhile, the next free time. True once booked."""
    message, _ = current_question(user)

    async def act(data: str | None = None) -> int:
        before = newest_id(user)
        if data is None:
            await user.share_contact("+77011234567")
        else:
            await user.press(data)
        result.updates += 1
        return before

    before = await act(label_for(message, "book"))
    for action in ("place", "day", "time"):
        _, data = await screen_with(user, (action,), before)
        before = await act(data)
    for _ in range(20):
        action, data = await screen_with(user, ("confirm", "phone", "time", "move"), before)
        if action == "move":
            return True
        before = await act(data if action != "phone" else None)
    return False


class TolerantPlayer(Player):
    """komek_testing's player, which also answers a question it was not written for: "no",
    "done" or else the first button (the intake's questions change more often than this)."""

    async def answer_current(self) -> str:
        try:
            return await super().answer_current()
        except (KeyError, LookupError):
            message, question = current_question(self.user)
        found = question_of(message)
        values = [data.split(":")[2] for data in message.callback_data if data.startswith("q:")]
        value = next((v for v in ("no", "done") if v in values), values[0] if values else "")
        await self.user.press(label_for(message, value))
        await self.next_question(found[1] if found else -1)
        return question


async def intake(user: FakeUser, result: Round) -> None:
    """The whole intake, each answer timed until the next question is on screen."""
    player = TolerantPlayer(user, user.language_code or "ru", timeout=REPLY_TIMEOUT)
    started = time.perf_counter()
    await user.send_command("/start")
    await player.next_question(-1)
    result.latencies.append(time.perf_counter() - started)
    result.updates += 1
    for _ in range(60):
        if current_question(user)[1] == "after_result":
            return
        started = time.perf_counter()
        await player.answer_current()
        result.latencies.append(time.perf_counter() - started)
        result.updates += 1
    raise AssertionError("the intake never reached its result")


async def one_user(user: FakeUser, books: bool, result: Round) -> bool:
    await intake(user, result)
    return await book_a_visit(user, result) if books else False


# --- the checks -------------------------------------------------------------------------------


async def check(report: Report, database_url: str, fake: FakeTelegram, chats: list[int]) -> None:
    """Lost, duplicated, out of order, overbooked: from the outbox and the fake's transcript."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            rows = (
                await connection.execute(
                    select(
                        OutgoingReply.id,
                        OutgoingReply.chat_id,
                        OutgoingReply.method,
                        OutgoingReply.sent_at,
                        OutgoingReply.message_id,
                        OutgoingReply.outcome,
                    ).order_by(OutgoingReply.id)
                )
            ).all()
            over = await connection.execute(
                text(
                    "SELECT c.place_id, c.starts_at, c.capacity, count(a.id) AS taken "
                    "FROM slot_counters c LEFT JOIN appointments a ON a.place_id = c.place_id "
                    "AND a.starts_at = c.starts_at AND a.status = 'booked' "
                    "GROUP BY c.place_id, c.starts_at, c.capacity, c.booked "
                    "HAVING count(a.id) > c.capacity OR count(a.id) <> c.booked"
                )
            )
            report.overbooked = len(over.all())
            report.booked = int(
                await connection.scalar(
                    text("SELECT count(*) FROM appointments WHERE status = 'booked'")
                )
                or 0
            )
    finally:
        await engine.dispose()
    report.lost += sum(1 for row in rows if row.sent_at is None)
    created: dict[int, list[int]] = {}
    """Per chat, the message each send row created, in the order the rows were committed (an
    edit that could not be made is sent anew: its row's message is a new one too)."""
    for row in rows:
        if row.message_id is None or row.outcome != "sent":
            continue
        mine = created.setdefault(row.chat_id, [])
        if row.method in SEND_METHODS or row.message_id not in mine:
            mine.append(row.message_id)
    for chat in chats:
        on_screen = {m.message_id for m in fake.sent_messages(chat)}
        sends = created.get(chat, [])
        report.duplicated += len(on_screen - set(sends)) + len(sends) - len(set(sends))
        if any(b < a for a, b in itertools.pairwise(sends)):
            report.out_of_order += 1
            if report.out_of_order <= 2:
                report.notes.append(f"out of order: message ids {sends} by outbox row")


async def settle(database_url: str, timeout: float) -> None:
    """Wait until every committed reply is delivered (or `timeout`)."""
    engine = create_engine(database_url)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            async with engine.connect() as connection:
                unsent = await connection.scalar(
                    text("SELECT count(*) FROM reply_outbox WHERE sent_at IS NULL")
                )
            if not unsent:
                return
            await asyncio.sleep(0.25)
    finally:
        await engine.dispose()


# --- a run ------------------------------------------------------------------------------------


async def run(
    name: str,
    *,
    workers: int,
    users: int,
    bookers: float,
    kill: bool,
    admin_url: str,
    workdir: Path,
) -> Report:
    report = Report(name, Round(name), users)
    async with cluster(workers, admin_url, workdir) as running:
        report.migrated_by = await running.wait_ready()
        engine = create_engine(running.database_url)
        await import_directory(engine, load_directory(SAMPLE_PLACES))
        await engine.dispose()
        fake = running.fake
        people = [
            fake.user(500_000 + i, language_code="kk" if i % 2 else "ru") for i in range(users)
        ]
        books = [i < round(users * bookers) for i in range(users)]
        report.bookers = sum(books)
        expected = users * 17
        cpu_before = running.cpu_now()
        started = time.perf_counter()
        playing = asyncio.gather(
            *(one_user(p, b, report.load) for p, b in zip(people, books, strict=True)),
            return_exceptions=True,
        )
        if kill:
            while report.load.updates < expected / 2 and not playing.done():
                await asyncio.sleep(0.01)
            running.kill(0)
            report.notes.append(f"worker 0 SIGKILLed after {report.load.updates} updates")
        outcomes = await playing
        report.load.seconds = time.perf_counter() - started
        cpu_after = running.cpu_now()
        report.cpu_seconds = sum(cpu_after[i] - cpu_before.get(i, 0.0) for i in cpu_after)
        failures = [o for o in outcomes if isinstance(o, BaseException)]
        report.unfinished = len(failures)
        for failure in failures[:3]:
            report.notes.append(f"{type(failure).__name__}: {str(failure)[:200]}")
        await settle(running.database_url, LEASE_SECONDS * 3)
        await asyncio.sleep(0.5)  # outcomes are recorded in batches
        report.errors = sum(1 for r in fake.requests if r.status >= 400 or r.status == 0)
        await check(report, running.database_url, fake, [p.chat_id for p in people])
    return report


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--runs", default="1,2,2-kill", help="worker counts; -kill kills one")
    parser.add_argument("--bookers", type=float, default=0.3, help="share of users who book")
    args = parser.parse_args(argv)
    admin = os.environ.get("KOMEK_TEST_POSTGRES_URL")
    if not admin:
        print("set KOMEK_TEST_POSTGRES_URL (scripts/start-postgres.sh)", file=sys.stderr)
        return 2
    print(f"{args.users} users, 17 intake updates each, {args.bookers:.0%} also book; ", end="")
    print(f"{os.cpu_count()} CPUs; through nginx, PostgreSQL and Redis on loopback")
    reports = []
    with tempfile.TemporaryDirectory(prefix="komek-webhook-load-") as tmp:
        for spec in args.runs.split(","):
            count, _, kill = spec.partition("-")
            name = f"{count} worker{'s' if count != '1' else ''}" + (", one killed" if kill else "")
            workdir = Path(tmp) / spec
            workdir.mkdir()
            report = await run(
                name,
                workers=int(count),
                users=args.users,
                bookers=args.bookers,
                kill=bool(kill),
                admin_url=admin,
                workdir=workdir,
            )
            reports.append(report)
            print("\n".join(report.lines()), flush=True)
    by_name = {r.name: r for r in reports}
    one, two = by_name.get("1 worker"), by_name.get("2 workers")
    if one and two:
        ratio = two.cpu_per_update_ms / one.cpu_per_update_ms
        verdict = "ok" if ratio <= 1.4 else "MISSED"
        print(f"CPU per update, 2 workers / 1 worker: {ratio:.2f}x (bar <= 1.4: {verdict})")
    return 0 if all(r.clean for r in reports) else 1


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
