"""Load benchmark: the Komek bot against a bare aiogram echo bot, both over real HTTP.

Each bot runs as its own process (`python -m bot`, `benchmarks/echo_bot.py`) polling the fake
Bot API server of the tests; 200 simulated users play concurrently, each waiting for the bot's
answer before the next step (like people do). The Komek users complete the whole intake
(17 updates: commands, typed answers, button presses); the echo users send the same sequence
of texts and presses. Printed per engine (SQLite, and PostgreSQL when KOMEK_TEST_POSTGRES_URL
is set): updates/s, p50/p99 reply latency (until the next question arrives, for Komek; until
the echo, for the echo bot), peak RSS, and the ratios against the bars. Komek and echo rounds
alternate (`--rounds`, 3) and the bars are judged on the medians: on a shared 2-core machine a
slow spell during one round alone moved a single pair's ratio by a quarter. Then the memory
check: RSS of the bot before and after 10,000 stored conversations are loaded and stepped.

    .venv/bin/python benchmarks/bot_load.py [--users 200] [--rounds 3]
        [--memory-conversations 10000] [--skip-sqlite] [--skip-postgres]

KOMEK_BENCH_PROFILE=/tmp/bot.prof runs the Komek bot under cProfile (written when it stops).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import psutil
from sqlalchemy import insert
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dialogs import ButtonPress, Command, Session, TextInput, step  # noqa: E402
from komek_testing.fake_telegram import FakeTelegram, FakeUser  # noqa: E402
from komek_testing.players import Player, current_question  # noqa: E402
from storage.base import create_engine, utc_now  # noqa: E402
from storage.conversation import Conversation, User  # noqa: E402
from storage.migrate import upgrade_to_head  # noqa: E402

# The Komek conversation's update kinds, in order (for the echo users to mirror).
SEQUENCE = ("text", *["press"] * 4, "text", "press", "text", "press", "press", "text")
SEQUENCE += ("press", "press", "text", "press", "press", "press")
REPLY_TIMEOUT = 120.0


@dataclass
class Round:
    name: str
    updates: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    peak_rss: int = 0
    cpu_seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.updates / self.seconds if self.seconds else 0.0

    @property
    def cpu_per_update(self) -> float:
        """CPU seconds (user + system) the bot process spent per update."""
        return self.cpu_seconds / max(self.updates, 1)

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    def line(self) -> str:
        return (
            f"{self.name:<22} {self.updates:>6} updates in {self.seconds:6.2f} s = "
            f"{self.rate:7.1f} updates/s | p50 {self.percentile(50) * 1000:7.1f} ms | "
            f"p99 {self.percentile(99) * 1000:7.1f} ms | "
            f"peak RSS {self.peak_rss / 2**20:6.1f} MB | "
            f"CPU {self.cpu_per_update * 1000:.2f} ms/update"
        )


def spawn(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        command,
        cwd=log.parent,
        env={**os.environ, "PYTHONPATH": str(ROOT), "LOG_LEVEL": "WARNING", **env},
        stdout=subprocess.DEVNULL,
        stderr=log.open("ab"),
    )


async def wait_polling(fake: FakeTelegram, process: subprocess.Popen[bytes]) -> None:
    for _ in range(1200):
        if any(r.method == "getUpdates" for r in fake.requests):
            return
        if process.poll() is not None:
            raise RuntimeError(f"the process exited with {process.returncode}")
        await asyncio.sleep(0.05)
    raise TimeoutError("the bot never polled")


async def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    for _ in range(100):
        if process.poll() is not None:
            return
        await asyncio.sleep(0.1)
    process.kill()
    process.wait()


class RssSampler:
    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.peak = 0
        self._task: asyncio.Task[None] | None = None

    def now(self) -> int:
        return int(self.process.memory_info().rss)

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(psutil.Error):
                self.peak = max(self.peak, self.now())
            await asyncio.sleep(0.05)

    def __enter__(self) -> RssSampler:
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()


async def komek_user(user: FakeUser, language: str, result: Round) -> None:
    player = Player(user, language, timeout=REPLY_TIMEOUT)
    started = time.perf_counter()
    await user.send_command("/start")
    await player.next_question(-1)
    result.latencies.append(time.perf_counter() - started)
    result.updates += 1
    while True:
        if current_question(user)[1] == "after_result":
            return
        started = time.perf_counter()
        await player.answer_current()
        result.latencies.append(time.perf_counter() - started)
        result.updates += 1


async def echo_user(user: FakeUser, language: str, result: Round) -> None:
    for kind in SEQUENCE:
        started = time.perf_counter()
        if kind == "text":
            await user.send_text("150000")
        else:
            last = user.last
            assert last is not None and last.callback_data
            await user.press(last.callback_data[0])
        while (await user.wait_reply(timeout=REPLY_TIMEOUT)).kind != "text":
            pass
        result.latencies.append(time.perf_counter() - started)
        result.updates += 1


UserScript = Callable[[FakeUser, str, Round], Awaitable[None]]


async def run_round(
    name: str,
    command: list[str],
    env: dict[str, str],
    script: UserScript,
    users: int,
    workdir: Path,
) -> Round:
    result = Round(name)
    async with FakeTelegram() as fake:
        process = spawn(
            command,
            {"BOT_TOKEN": fake.token, "BOT_API_BASE_URL": fake.base_url, **env},
            workdir / f"{name.replace(' ', '_')}.log",
        )
        try:
            await wait_polling(fake, process)
            people = [
                fake.user(100_000 + i, language_code="kk" if i % 2 else "ru") for i in range(users)
            ]
            with RssSampler(process.pid) as rss:
                await asyncio.sleep(0.5)
                cpu_before = sum(rss.process.cpu_times()[:2])
                started = time.perf_counter()
                await asyncio.gather(*(script(p, p.language_code or "ru", result) for p in people))
                result.seconds = time.perf_counter() - started
                result.cpu_seconds = sum(rss.process.cpu_times()[:2]) - cpu_before
                await asyncio.sleep(0.2)
            result.peak_rss = rss.peak
        finally:
            await stop(process)
    return result


async def scratch_postgres(admin_url: str) -> str:
    name = f"komek_bench_{uuid.uuid4().hex[:8]}"
    dsn = make_url(admin_url).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


async def drop_postgres(admin_url: str, url: str) -> None:
    dsn = make_url(admin_url).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
    finally:
        await conn.close()


def bars(bots: list[Round], echoes: list[Round]) -> str:
    """The bars on the medians of the rounds (rates and p99s), each bot against the echo bot."""
    rate_ratio = statistics.median(b.rate for b in bots) / statistics.median(e.rate for e in echoes)
    p99_ratio = statistics.median(b.percentile(99) for b in bots) / statistics.median(
        e.percentile(99) for e in echoes
    )
    ok_rate = "ok" if rate_ratio >= 0.5 else "MISSED"
    ok_p99 = "ok" if p99_ratio <= 1.5 else "MISSED"
    rounds = f"median of {len(bots)} alternating rounds: " if len(bots) > 1 else ""
    return (
        f"  {rounds}updates/s ratio {rate_ratio:.2f} (bar >= 0.50: {ok_rate}); "
        f"p99 ratio {p99_ratio:.2f} (bar <= 1.50: {ok_p99})"
    )


Databases = Callable[[int], contextlib.AbstractAsyncContextManager[str]]
"""A fresh, empty database URL for round n (each Komek round starts from no users)."""


async def load(engine: str, databases: Databases, users: int, workdir: Path, rounds: int) -> None:
    """Komek and echo rounds alternate, so a slow spell of a shared machine hits both alike."""
    profile = os.environ.get("KOMEK_BENCH_PROFILE")
    prefix = ["-m", "cProfile", "-o", profile] if profile else []
    bots: list[Round] = []
    echoes: list[Round] = []
    for n in range(rounds):
        async with databases(n) as url:
            bot = await run_round(
                f"komek bot ({engine})",
                [sys.executable, *prefix, "-m", "bot"],
                {"DATABASE_URL": url},
                komek_user,
                users,
                workdir,
            )
        echo = await run_round(
            f"echo bot ({engine} run)",
            [sys.executable, str(ROOT / "benchmarks" / "echo_bot.py")],
            {},
            echo_user,
            users,
            workdir,
        )
        print(bot.line())
        print(echo.line())
        bots.append(bot)
        echoes.append(echo)
    print(bars(bots, echoes))


def seeded_session() -> str:
    """A realistic mid-conversation session (answered up to the first age)."""
    session, today = Session.new(), utc_now().date()
    for event in (
        Command(name="start"),
        ButtonPress(question="language", value="ru", version=0),
        ButtonPress(question="consent", value="yes", version=1),
        ButtonPress(question="region", value="KZ-75", version=2),
        ButtonPress(question="people", value="3", version=3),
        TextInput(text="5"),
        ButtonPress(question="sex", value="female", version=5),
    ):
        session, _ = step(session, event, today=today)
    return session.model_dump_json(exclude_defaults=True)


async def seed(database_url: str, count: int) -> None:
    await asyncio.to_thread(upgrade_to_head, database_url)
    data, now = seeded_session(), utc_now()
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        for start in range(0, count, 1000):
            ids = range(start + 1, min(count, start + 1000) + 1)
            await conn.execute(
                insert(User),
                [
                    {"chat_id": i, "language": "ru", "created_at": now, "last_seen_at": now}
                    for i in ids
                ],
            )
            await conn.execute(
                insert(Conversation),
                [{"chat_id": i, "version": 7, "data": data, "updated_at": now} for i in ids],
            )
    await engine.dispose()


async def memory(count: int, workdir: Path, warmup: int = 200, concurrency: int = 200) -> None:
    database_url = f"sqlite+aiosqlite:///{workdir / 'memory.sqlite3'}"
    await seed(database_url, count)
    async with FakeTelegram() as fake:
        env = {"BOT_TOKEN": fake.token, "BOT_API_BASE_URL": fake.base_url}
        process = spawn(
            [sys.executable, "-m", "bot"],
            {**env, "DATABASE_URL": database_url},
            workdir / "memory.log",
        )
        try:
            await wait_polling(fake, process)
            rss = RssSampler(process.pid)
            gate = asyncio.Semaphore(concurrency)

            async def touch(chat_id: int) -> None:
                async with gate:
                    user = fake.user(chat_id, language_code="ru")
                    await user.send_text("34")  # the age asked on screen
                    await user.wait_reply(timeout=REPLY_TIMEOUT)

            await asyncio.gather(*(touch(i) for i in range(1, warmup + 1)))
            await asyncio.sleep(1.0)
            before = rss.now()
            started = time.perf_counter()
            with rss:
                await asyncio.gather(*(touch(i) for i in range(warmup + 1, count + 1)))
            seconds = time.perf_counter() - started
            await asyncio.sleep(1.0)
            after = rss.now()
        finally:
            await stop(process)
    print(
        f"memory: RSS {before / 2**20:.1f} MB after {warmup} conversations, "
        f"{after / 2**20:.1f} MB after all {count} were loaded and stepped "
        f"(peak {rss.peak / 2**20:.1f} MB, {count - warmup} updates in {seconds:.1f} s): "
        f"+{(after - before) / 2**20:.1f} MB (bar <= 30 MB: "
        f"{'ok' if after - before <= 30 * 2**20 else 'MISSED'})"
    )


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--memory-conversations", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per engine")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args(argv)
    print(f"{args.users} concurrent users, {len(SEQUENCE)} updates each; {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="komek-bench-") as tmp:
        workdir = Path(tmp)
        if not args.skip_sqlite:

            @contextlib.asynccontextmanager
            async def sqlite_files(n: int) -> AsyncIterator[str]:
                yield f"sqlite+aiosqlite:///{workdir / f'load{n}.sqlite3'}"

            await load("sqlite", sqlite_files, args.users, workdir, args.rounds)
        admin = os.environ.get("KOMEK_TEST_POSTGRES_URL")
        if admin and not args.skip_postgres:

            @contextlib.asynccontextmanager
            async def scratch_databases(n: int) -> AsyncIterator[str]:
                url = await scratch_postgres(admin)
                try:
                    yield url
                finally:
                    await drop_postgres(admin, url)

            await load("postgresql", scratch_databases, args.users, workdir, args.rounds)
        else:
            print("postgresql: skipped (set KOMEK_TEST_POSTGRES_URL)")
        if args.memory_conversations:
            await memory(args.memory_conversations, workdir)
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
