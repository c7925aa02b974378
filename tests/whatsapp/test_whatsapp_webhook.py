"""The webhook's guarantees over loopback HTTP: the handshake, signatures, repeats handled once,
one user's messages in order, status callbacks recorded and never answered, "delete my data"."""

from __future__ import annotations

import asyncio

import aiohttp

from tests.whatsapp.conftest import Front
from tests.whatsapp.helpers import rows


async def test_the_verification_handshake(front: Front) -> None:
    async with aiohttp.ClientSession() as http:
        ok = {"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "42"}
        async with http.get(front.url + "/whatsapp", params=ok) as answer:
            assert (answer.status, await answer.text()) == (200, "42")
        wrong = {**ok, "hub.verify_token": "guess"}
        async with http.get(front.url + "/whatsapp", params=wrong) as answer:
            assert answer.status == 403
        async with http.get(front.url + "/healthz") as answer:
            assert answer.status == 200


async def test_a_wrong_signature_is_refused_and_changes_nothing(front: Front) -> None:
    user = front.fake.user("77010000001")
    assert await user.send_text("/start", secret="not-the-app-secret") == 401
    body = front.fake.deliveries[0].body
    async with (
        aiohttp.ClientSession() as http,
        http.post(front.url + "/whatsapp", data=body) as unsigned,
    ):
        assert unsigned.status == 401  # no signature at all
    await asyncio.sleep(0.3)
    for table in ("users", "whatsapp_inbound", "whatsapp_outbox", "conversations"):
        assert rows(front.database_url, f"SELECT count(*) FROM {table}") == [(0,)], table
    assert front.fake.sent == []


async def test_a_repeated_delivery_is_handled_once(front: Front) -> None:
    user = front.fake.user("77010000002")
    assert await user.send_text("/start") == 200
    first = await user.replies()
    assert await user.press("q|language|0|ru") == 200
    asked = await user.replies()
    version = rows(front.database_url, "SELECT version FROM conversations")
    assert await front.fake.replay(front.fake.deliveries[-1]) == 200  # Meta retries
    assert await front.fake.replay(front.fake.deliveries[-1]) == 200
    await asyncio.sleep(0.5)
    assert rows(front.database_url, "SELECT version FROM conversations") == version
    assert len(user.messages) == len(first) + len(asked)


async def test_one_users_messages_are_handled_in_order(front: Front) -> None:
    """Several messages of one user in one delivery and in deliveries at once: each a turn of
    its own, in the order sent, their replies in that order; other users alongside."""
    user = front.fake.user("77010000003")
    await user.send_text("/start")
    await user.replies()
    now = int(front.fake.clock().timestamp())
    messages = [  # language typed, then consent typed: read in the other order they would fail
        {
            "from": user.wa_id,
            "id": f"wamid.ORDER{i}",
            "timestamp": str(now + i),
            "type": "text",
            "text": {"body": body},
        }
        for i, body in ((2, "да"), (1, "русский"))
    ]
    front.fake.last_inbound[user.wa_id] = front.fake.clock()
    others = [front.fake.user(f"7701000010{i}") for i in range(3)]
    statuses = await asyncio.gather(
        front.fake.post(front.fake.envelope({"messages": messages})),
        *(other.send_text("/start") for other in others),
    )
    assert statuses == [200, 200, 200, 200]
    assert await front.app.delivery.drain(10)
    [(data,)] = rows(
        front.database_url,
        "SELECT c.data FROM conversations c JOIN users u ON u.chat_id = c.chat_id "
        "WHERE u.wa_id = :w",
        w=user.wa_id,
    )
    assert '"language":"ru"' in str(data) and '"consent":true' in str(data)
    replies = await user.replies()
    asked = [m.choices[0][0].split("|")[1] for m in replies if m.choices]
    assert asked.index("consent") < asked.index("region"), asked
    for other in others:
        assert other.messages  # answered alongside
    # Two deliveries of one user at once: both handled, one after the other.
    racing = front.fake.user("77010000004")
    await asyncio.gather(racing.send_text("/start"), racing.send_text("/help"))
    assert await front.app.delivery.drain(10)
    assert len(rows(front.database_url, "SELECT 1 FROM whatsapp_inbound")) >= 6


async def test_status_callbacks_are_recorded_not_answered(front: Front) -> None:
    user = front.fake.user("77010000005")
    await user.send_text("/start")
    [message] = await user.replies()
    sent = len(front.fake.sent)
    for status in ("sent", "delivered", "read", "read"):
        assert await front.fake.post_status(message.message_id, status, user.wa_id) == 200
    await asyncio.sleep(0.3)
    assert len(front.fake.sent) == sent  # nothing said back
    assert rows(
        front.database_url,
        "SELECT status FROM whatsapp_statuses WHERE message_id = :m ORDER BY id",
        m=message.message_id,
    ) == [("sent",), ("delivered",), ("read",)]
    # A failure saying they cannot be reached marks them, as Telegram's 403 does.
    await front.fake.post_status(message.message_id, "failed", user.wa_id, 131026)
    assert rows(
        front.database_url,
        "SELECT blocked_at IS NOT NULL FROM users WHERE wa_id = :w",
        w=user.wa_id,
    ) == [(1,)]


async def test_an_image_gets_a_hint_and_the_question_again(front: Front) -> None:
    user = front.fake.user("77010000006")
    await user.send_text("/start")
    await user.replies()
    await user.send_image()
    hint, question = await user.replies()
    assert "text" in hint.text.lower() or "текст" in hint.text.lower()
    assert any(c.startswith("q|language|") for c, _, _ in question.choices)


async def test_delete_my_data_typed_in_kazakh_erases_everything(front: Front) -> None:
    user = front.fake.user("77010000007")
    await user.send_text("/start")
    await user.replies()
    await user.press("q|language|0|kk")
    await user.replies()
    await user.press("q|consent|1|yes")
    await user.replies()
    [(chat_id,)] = rows(
        front.database_url, "SELECT chat_id FROM users WHERE wa_id = :w", w=user.wa_id
    )
    await user.send_text("Деректерімді өшіру")
    [confirm] = await user.replies()
    assert [c for c, _, _ in confirm.choices] == ["d|yes", "d|no"]
    await user.press("d|yes")
    [report] = await user.replies()
    assert "/start" in report.text
    for table in ("users", "conversations", "whatsapp_state", "whatsapp_statuses"):
        assert rows(
            front.database_url, f"SELECT count(*) FROM {table} WHERE chat_id = :c", c=chat_id
        ) == [(0,)], table
    assert rows(
        front.database_url, "SELECT count(*) FROM users WHERE wa_id = :w", w=user.wa_id
    ) == [(0,)]


async def test_delete_my_data_from_the_menu_and_answered_by_typing(front: Front) -> None:
    user = front.fake.user("77010000008")
    await user.send_text("/start")
    await user.replies()
    await user.send_text("меню")
    [menu] = await user.replies()
    assert len(menu.choices) == 6 and menu.kind == "interactive/list"
    await user.press("m|delete")
    await user.replies()
    await user.send_text("нет")  # typed: nothing is deleted
    cancelled = await user.replies()
    assert rows(
        front.database_url, "SELECT count(*) FROM users WHERE wa_id = :w", w=user.wa_id
    ) == [(1,)]
    assert cancelled
    await user.send_text("удалить мои данные")
    await user.replies()
    await user.send_text("да")
    await user.replies()
    assert rows(
        front.database_url, "SELECT count(*) FROM users WHERE wa_id = :w", w=user.wa_id
    ) == [(0,)]
