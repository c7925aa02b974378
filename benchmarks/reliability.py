"""Never down, never silent: the three bars, measured on the real bot process (prints figures).

Each phase starts `python -m bot` on a fresh database, polling the fake Bot API of the tests over
loopback HTTP, and lets simulated users play the whole intake (as in bot_load.py):

1. poison: while they play, updates aiogram cannot decode and HTML 502 pages (answers to
   getUpdates and to sends) are mixed in. Printed: users who finished, replies missing, whether
   the bot process is still alive, and whether any user's text or name appears in its log.
2. isolation: the same load twice, alone and next to one chat in a 20-second flood wait (with
   messages of its own queued behind it) and one user sending 4,096-digit messages. Printed:
   the other users' p50/p99 reply latency in both runs and their ratio.
3. kill: kill -9 of the bot halfway through the load, then a restart. Printed: answers
   committed, replies lost (committed, never delivered) and replies delivered twice.

    .venv/bin/python benchmarks/reliability.py [--users 60] [--engine sqlite|postgresql]

PostgreSQL takes KOMEK_TEST_POSTGRES_URL (as printed by scripts/start-postgres.sh).
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
from pathlib import Path

from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bot_load import (  # noqa: E402
    Round,
    drop_postgres,
    komek_user,
    scratch_postgres,
    spawn,
    wait_polling,
)
from komek_testing.fake_telegram import FakeTelegram, FakeUser  # noqa: E402
from storage.base import create_engine, session_maker  # noqa: E402
from storage.migrate import upgrade_to_head  # noqa: E402
from storage.replies import OutgoingReply  # noqa: E402

FLOOD_SECONDS = 20
USER_TEXTS = ("150000", "150 000")
"""What the simulated users type that is distinctive enough to look for in the bot's log."""


@contextlib.asynccontextmanager
async def database(engine: str, workdir: Path, name: str) -> AsyncIterator[str]:
    if engine == "sqlite":
        url = f"sqlite+aiosqlite:///{workdir / f'{name}.sqlite3'}"
        await asyncio.to_thread(upgrade_to_head, url)
        yield url
        return
    admin = os.environ["KOMEK_TEST_POSTGRES_URL"]
    url = await scratch_postgres(admin)
    await asyncio.to_thread(upgrade_to_head, url)
    try:
        yield url
    finally:
        await drop_postgres(admin, url)


def start(fake: FakeTelegram, url: str, log: Path) -> subprocess.Popen[bytes]:
    env = {
        "BOT_TOKEN": fake.token,
        "BOT_API_BASE_URL": fake.base_url,
        "DATABASE_URL": url,
        "POLLING_TIMEOUT": "5",
        "LOG_LEVEL": "INFO",
        "WORKER_ID": "reliability-bench",
    }
    return spawn([sys.executable, "-m", "bot"], env, log)


def people(fake: FakeTelegram, users: int, first: int = 300_000) -> list[FakeUser]:
    return [
        fake.user(first + i, language_code="kk" if i % 2 else "ru", first_name=f"Name{i}x")
        for i in range(users)
    ]


def duplicates(fake: FakeTelegram, user: FakeUser) -> int:
    """Messages created twice in a row with the same text (a repeated reply)."""
    texts = [m.text for m in fake.sent_messages(user.chat_id)]
    return sum(1 for a, b in itertools.pairwise(texts) if a == b)


async def unsent(url: str) -> int:
    engine = create_engine(url)
    try:
        async with session_maker(engine)() as db:
            statement = select(func.count()).select_from(OutgoingReply)
            return int(await db.scalar(statement.where(OutgoingReply.sent_at.is_(None))) or 0)
    finally:
        await engine.dispose()


async def play_all(players: list[FakeUser], result: Round | None = None) -> tuple[Round, int]:
    """Every user plays the intake; the round and how many did not finish."""
    result = result or Round("users")
    outcomes = await asyncio.gather(
        *(komek_user(p, p.language_code or "ru", result) for p in players),
        return_exceptions=True,
    )
    failures = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
    for failure in failures[:3]:
        print(f"  a user did not finish: {type(failure).__name__}: {str(failure)[:300]}")
    return result, len(failures)


async def poison(engine: str, users: int, workdir: Path) -> None:
    async with database(engine, workdir, "poison") as url, FakeTelegram() as fake:
        log = workdir / "poison.log"
        process = start(fake, url, log)
        try:
            await wait_polling(fake, process)
            players = people(fake, users)
            poisoner = fake.user(399_999, language_code="ru", first_name="Poisoner")

            pages = 0

            async def mix_in() -> int:
                nonlocal pages
                pushed = 0
                for n in range(20):
                    await poisoner.send_undecodable(
                        kind="hidden_forward" if n % 2 else "empty_story", text=f"secret-text-{n}"
                    )
                    if n % 4 == 0:  # now and then, not 20 in a row: each one costs a backoff
                        fake.fail_next("getUpdates", html=True)
                        pages += 1
                    fake.fail_next("sendMessage", html=True, processed=n % 2 == 0)
                    pages += 1
                    pushed += 1
                    await asyncio.sleep(0.5)
                return pushed

            mixer = asyncio.create_task(mix_in())
            result, unfinished = await play_all(players)
            pushed = await mixer
            alive = process.poll() is None
        finally:
            process.kill()
        text = log.read_text(errors="replace")
        leaked = [t for t in (*USER_TEXTS, "secret-text", "Name1x", "Poisoner") if t in text]
        repeated = sum(duplicates(fake, p) for p in players)
        print(
            f"poison ({engine}): {users - unfinished}/{users} users finished the intake, "
            f"{result.updates} answers; {pushed} undecodable updates and {pages} HTML 502 "
            f"pages mixed in; bot alive: {alive}; repeated replies: {repeated}; "
            f"user text in the log: {leaked or 'none'}"
        )


async def digit_storm(user: FakeUser) -> None:
    for _ in range(10):
        await user.send_text("1" * 4096)
        await asyncio.sleep(0.5)


async def isolation(engine: str, users: int, workdir: Path) -> None:
    runs: dict[str, Round] = {}
    for label in ("alone", "next to a flooded chat and a 4,096-digit sender"):
        async with database(engine, workdir, f"iso{len(runs)}") as url, FakeTelegram() as fake:
            process = start(fake, url, workdir / "isolation.log")
            try:
                await wait_polling(fake, process)
                players = people(fake, users)
                noise: list[asyncio.Task[None]] = []
                if runs:
                    flooded = fake.user(398_001, language_code="ru")
                    digits = fake.user(398_002, language_code="ru")
                    await flooded.send_command("/start")
                    await flooded.wait_reply(timeout=30)
                    fake.flood_wait(flooded.chat_id, FLOOD_SECONDS)
                    for _ in range(3):
                        await flooded.send_command("/help")

                    noise.append(asyncio.create_task(digit_storm(digits)))
                result, unfinished = await play_all(players)
                await asyncio.gather(*noise)
                runs[label] = result
                print(
                    f"isolation ({engine}), {label}: p50 {result.percentile(50) * 1000:.0f} ms, "
                    f"p99 {result.percentile(99) * 1000:.0f} ms, {unfinished} unfinished"
                )
            finally:
                process.kill()
    alone, noisy = runs.values()
    print(
        f"isolation ({engine}): others' latency next to them / alone: "
        f"p50 {noisy.percentile(50) / alone.percentile(50):.2f}x, "
        f"p99 {noisy.percentile(99) / alone.percentile(99):.2f}x "
        f"(the flood wait itself is {FLOOD_SECONDS} s)"
    )


async def kill(engine: str, users: int, workdir: Path) -> None:
    async with database(engine, workdir, "kill") as url, FakeTelegram() as fake:
        log = workdir / "kill.log"
        process = start(fake, url, log)
        await wait_polling(fake, process)
        players = people(fake, users)
        fake.set_latency(0.15)  # replies take a while, so some are on the wire at the kill
        progress = Round("users")
        playing = asyncio.create_task(play_all(players, progress))
        while progress.updates < users * 17 / 2:
            await asyncio.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait()
        killed_at = time.monotonic()
        unsent_at_kill = await unsent(url)
        process = start(fake, url, log)
        try:
            result, unfinished = await playing
            await asyncio.sleep(2.0)
            left = await unsent(url)
        finally:
            process.kill()
        repeated = sum(duplicates(fake, p) for p in players)
        print(
            f"kill ({engine}): kill -9 with {unsent_at_kill} committed replies not yet "
            f"delivered; restart; {users - unfinished}/{users} users finished "
            f"({result.updates} answers, the last {time.monotonic() - killed_at:.1f} s after "
            f"the kill); replies lost: {left} unsent + {unfinished} users waiting; "
            f"delivered twice: {repeated}"
        )


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=60)
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--phases", default="poison,isolation,kill")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="komek-reliability-") as tmp:
        workdir = Path(tmp)
        for phase in args.phases.split(","):
            await {"poison": poison, "isolation": isolation, "kill": kill}[phase](
                args.engine, args.users, workdir
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
