"""Several webhook workers behind nginx on PostgreSQL and Redis (issue 13).

The load test's small version runs the production layout on loopback (benchmarks/webhook_load):
two workers started at once on an empty PostgreSQL database, nginx with deploy/'s locations,
Redis, 20 simulated users of which some book the same slots, one worker SIGKILLed halfway.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from benchmarks.webhook_load import run as load_run
from bot.logs import json_formatter
from bot.privacy import RedactingFilter
from komek_testing.fake_telegram import FakeTelegram
from komek_testing.services import binary, check_site, free_port, redis_server
from storage.conversation import ProcessedUpdate
from tests.bot.conftest import running_bot
from tests.bot.test_bot_webhook import SECRET, webhook_overrides


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if binary("redis-server") is None:
        pytest.skip("redis-server is not installed: scripts/test.sh installs it (CI)")
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


def needs_nginx() -> None:
    if binary("nginx") is None or binary("redis-server") is None:
        pytest.skip("nginx and redis-server are not installed: scripts/test.sh installs them")


async def test_two_workers_behind_nginx_lose_nothing_when_one_is_killed(
    postgres_admin_url: str, tmp_path: Path
) -> None:
    needs_nginx()
    report = await load_run(
        "2 workers, one killed",
        workers=2,
        users=20,
        bookers=0.5,
        kill=True,
        admin_url=postgres_admin_url,
        workdir=tmp_path,
    )
    summary = "\n".join(report.lines())
    assert report.migrated_by == 2, summary  # both came up on the empty database
    assert report.load.updates >= 20 * 17, summary
    assert report.unfinished == 0 and report.lost == 0, summary
    assert report.duplicated == 0 and report.out_of_order == 0, summary
    assert report.overbooked == 0 and report.booked == report.bookers == 10, summary


def test_the_nginx_site_passes_nginx_t(tmp_path: Path) -> None:
    if binary("nginx") is None or binary("openssl") is None:
        pytest.skip("nginx is not installed: scripts/test.sh installs it (CI)")
    result = check_site(tmp_path)
    assert result.returncode == 0, result.stderr


class Gate:
    """A TCP proxy in front of PostgreSQL that can go down (connections cut, port refused)
    and come back on the same port: a database that stops and starts again."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = free_port()
        self.server: asyncio.Server | None = None
        self.links: set[asyncio.StreamWriter] = set()

    async def open(self) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def close(self) -> None:
        assert self.server is not None
        self.server.close()
        for writer in list(self.links):
            writer.close()
        await self.server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(*self.target)
        self.links |= {writer, up_writer}

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError, ConnectionError):
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            sink.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        self.links -= {writer, up_writer}


@contextlib.asynccontextmanager
async def gated(url: str) -> AsyncIterator[tuple[Gate, str]]:
    parsed = make_url(url)
    gate = Gate(parsed.host or "127.0.0.1", parsed.port or 5432)
    await gate.open()
    try:
        yield gate, parsed.set(port=gate.port).render_as_string(hide_password=False)
    finally:
        with contextlib.suppress(Exception):
            await gate.close()


async def test_readyz_fails_while_postgresql_is_away_and_recovers_without_a_restart(
    fake: FakeTelegram, postgres_url: str, redis_url: str
) -> None:
    port = free_port()
    async with (
        gated(postgres_url) as (gate, url),
        running_bot(fake, url, redis_url=redis_url, **webhook_overrides(port)),
        aiohttp.ClientSession() as http,
    ):

        async def readyz() -> int:
            async with http.get(f"http://127.0.0.1:{port}/readyz") as response:
                return response.status

        for _ in range(200):
            if fake.webhook is not None:
                break
            await asyncio.sleep(0.05)
        assert await readyz() == 200
        await gate.close()
        assert await readyz() == 503
        async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
            assert response.status == 200  # alive all the same: no restart wanted
        await gate.open()
        assert await readyz() == 200


async def test_readyz_fails_while_redis_is_away(fake: FakeTelegram, postgres_url: str) -> None:
    port = free_port()
    absent = f"redis://127.0.0.1:{free_port()}/0"
    async with (
        running_bot(fake, postgres_url, redis_url=absent, **webhook_overrides(port)),
        aiohttp.ClientSession() as http,
    ):
        for _ in range(200):
            if fake.webhook is not None:
                break
            await asyncio.sleep(0.05)
        async with http.get(f"http://127.0.0.1:{port}/readyz") as response:
            assert response.status == 503


async def listening(http: aiohttp.ClientSession, port: int) -> None:
    for _ in range(200):
        with contextlib.suppress(aiohttp.ClientError):
            async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                if response.status == 200:
                    return
        await asyncio.sleep(0.05)
    raise TimeoutError(f"nothing answers on port {port}")


async def test_an_update_posted_to_two_workers_at_once_is_processed_once(
    fake: FakeTelegram, postgres_url: str, redis_url: str
) -> None:
    ports = [free_port(), free_port()]
    user = fake.user(90_001, language_code="ru")
    async with (
        running_bot(
            fake, postgres_url, redis_url=redis_url, worker_id="a", **webhook_overrides(ports[0])
        ) as app,
        running_bot(
            fake, postgres_url, redis_url=redis_url, worker_id="b", **webhook_overrides(ports[1])
        ),
    ):
        async with aiohttp.ClientSession() as http:
            for port in ports:
                await listening(http, port)
        update = {"update_id": 880_001, "message": user.build_message(text="/start")}
        statuses = await asyncio.gather(
            *(
                fake.post_webhook_update(
                    f"http://127.0.0.1:{port}/telegram/hook", update, secret=SECRET
                )
                for port in ports
            )
        )
        assert statuses == [200, 200]
        replies = await user.wait_idle(quiet=0.5)
        async with app.sessionmaker() as db:
            claims = await db.scalar(select(func.count()).select_from(ProcessedUpdate))
    assert claims == 1
    assert len(replies) >= 1 and len(replies) == len({m.message_id for m in replies})
    assert len(fake.requests_for("sendMessage", chat_id=user.chat_id)) == len(
        [m for m in replies if not m.edited]
    )


def test_json_logs_carry_no_message_of_a_failure_and_no_digits() -> None:
    record = logging.LogRecord(
        "bot.x", logging.ERROR, __file__, 1, "user typed %s", ("+77011234567",), None
    )
    said = " ".join(["Алия", str(150_000), "тенге"])  # a message built at run time
    try:
        raise ValueError(said)
    except ValueError as error:
        record.exc_info = (type(error), error, error.__traceback__)
    RedactingFilter().filter(record)
    line = json_formatter("w-1").format(record)
    entry = json.loads(line)
    assert entry["level"] == "error" and entry["worker"] == "w-1" and entry["logger"] == "bot.x"
    assert entry["event"] == "user typed <redacted>"
    assert entry["error"].startswith("ValueError")
    assert "Алия" not in line and "150000" not in line and "77011234567" not in line
