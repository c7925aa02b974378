"""The renderer keeps every message within WhatsApp's limits (checked by the fake's own rules,
which refuse what the Cloud API refuses), whatever the reply: long lists paged, long labels
shortened with the whole label as the description, long texts split."""

from __future__ import annotations

from typing import Any

import orjson

from dialogs.reply import RenderedDocument, RenderedOption, RenderedReply, RenderedVenue
from komek_testing.fake_graph import check_message
from whatsapp import ids
from whatsapp.render import Shown, render_page, render_replies


def reply(options: int, *, label: str = "Option {i}", text: str = "Choose:") -> RenderedReply:
    return RenderedReply(
        text=text,
        question="region",
        options=tuple(RenderedOption(f"v{i}", label.format(i=i)) for i in range(1, options + 1)),
        columns=1,
    )


def accepted(messages: list[dict[str, Any]]) -> None:
    media = {"media-1"}
    for message in messages:
        payload = {"messaging_product": "whatsapp", "to": "77010000000", **message}
        if payload.get("type") == "document":
            payload.pop("upload")
            payload["document"] = {**payload["document"], "id": "media-1"}
        assert check_message(payload, {}, media) is None, orjson.dumps(payload)[:300]


def test_three_short_options_are_buttons_more_are_a_list() -> None:
    [buttons] = render_replies([reply(3)], "intake", 4, "ru").messages
    assert buttons["interactive"]["type"] == "button"
    [listed] = render_replies([reply(4)], "intake", 4, "ru").messages
    assert listed["interactive"]["type"] == "list"
    accepted([buttons, listed])
    row = listed["interactive"]["action"]["sections"][0]["rows"][0]
    assert ids.decode(row["id"]) == ids.Pressed("intake", "v1", question="region", version=4)


def test_twenty_one_choices_are_paged_with_more_and_cycle_back() -> None:
    rendered = render_replies([reply(21)], "booking", 2, "kk")
    [first] = rendered.messages
    rows = first["interactive"]["action"]["sections"][0]["rows"]
    assert len(rows) == 10 and rows[-1]["id"] == "p|1" and rows[-1]["title"] == "Тағы…"
    assert rendered.shown is not None and len(rendered.shown.options) == 21
    seen = [row["id"] for row in rows[:-1]]
    for page in (1, 2):
        [message] = render_page(rendered.shown, page, "kk")
        accepted([message])
        page_rows = message["interactive"]["action"]["sections"][0]["rows"]
        seen += [row["id"] for row in page_rows if not row["id"].startswith("p|")]
        assert page_rows[-1]["id"] == f"p|{(page + 1) % 3}"
    assert seen == [f"b|2|v{i}" for i in range(1, 22)]  # every choice once, in order
    accepted(rendered.messages)


def test_long_labels_are_shortened_with_the_whole_label_as_description() -> None:
    label = "Западно-Казахстанская область {i}"
    [message] = render_replies([reply(2, label=label)], "intake", 0, "ru").messages
    rows = message["interactive"]["action"]["sections"][0]["rows"]
    assert all(len(row["title"]) <= 24 and row["title"].endswith("…") for row in rows)
    assert rows[0]["description"] == "Западно-Казахстанская область 1"
    accepted([message])


def test_labels_too_long_for_a_list_become_numbered_text() -> None:
    [message] = render_replies([reply(2, label="x" * 80 + " {i}")], "intake", 0, "ru").messages
    assert message["type"] == "text"
    assert "1. " + "x" * 80 in message["text"]["body"]
    shown = Shown(conversation="intake", question="region", options=(("a", "A"), ("b", "B")))
    assert shown.as_reply().options[1].value == "b"  # what a typed "2" picks


def test_long_texts_are_split_and_the_body_kept_under_1024() -> None:
    paragraphs = "\n\n".join(f"Paragraph {i}: " + "слово " * 150 for i in range(8))
    messages = render_replies([reply(3, text=paragraphs)], "intake", 0, "ru").messages
    assert messages[-1]["type"] == "interactive" and len(messages) >= 2
    accepted(messages)
    huge = render_replies([RenderedReply("я" * 10000, None, (), 1)], "intake", 0, "ru").messages
    assert [len(m["text"]["body"]) for m in huge] == [4096, 4096, 1808]
    accepted(huge)


def test_a_place_is_a_location_message_and_a_file_a_document() -> None:
    with_attachments = RenderedReply(
        text="Booked.",
        question=None,
        options=(),
        columns=1,
        attachments=(
            RenderedVenue(51.1, 71.4, "Center", "Street 1"),
            RenderedDocument("komek-1.ics", b"BEGIN:VCALENDAR", "Add it to your calendar"),
        ),
    )
    text, location, document = render_replies([with_attachments], "booking", 0, "ru").messages
    assert location["location"]["name"] == "Center"
    assert document["document"]["filename"] == "komek-1.ics"
    assert document["upload"]["mime_type"] == "text/plain"
    accepted([text, location, document])


def test_a_location_request_is_the_location_request_message() -> None:
    asked = RenderedReply(
        "Where?", None, (RenderedOption("location", "Send"),), 1, request="location"
    )
    [message] = render_replies([asked], "booking", 0, "ru").messages
    assert message["interactive"]["type"] == "location_request_message"
    accepted([message])


def test_the_fake_refuses_what_whatsapp_refuses() -> None:
    base = {"messaging_product": "whatsapp", "to": "77010000000", "type": "interactive"}

    def buttons(n: int, title: str = "ok") -> dict[str, object]:
        action = {
            "buttons": [
                {"type": "reply", "reply": {"id": f"id{i}", "title": f"{title}{i}"}}
                for i in range(n)
            ]
        }
        return {**base, "interactive": {"type": "button", "body": {"text": "?"}, "action": action}}

    def rows(n: int) -> dict[str, object]:
        section = {"rows": [{"id": f"r{i}", "title": "t"} for i in range(n)]}
        action = {"button": "Choose", "sections": [section]}
        return {**base, "interactive": {"type": "list", "body": {"text": "?"}, "action": action}}

    assert check_message(buttons(3), {}, set()) is None
    assert check_message(buttons(4), {}, set()) is not None
    assert check_message(buttons(1, "x" * 21), {}, set()) is not None
    assert check_message(rows(10), {}, set()) is None
    assert check_message(rows(11), {}, set()) is not None
    text = {"messaging_product": "whatsapp", "to": "77010000000", "type": "text"}
    assert check_message({**text, "text": {"body": "я" * 4097}}, {}, set()) is not None
    template = {
        **text,
        "type": "template",
        "template": {"name": "t", "language": {"code": "kk"}, "components": []},
    }
    assert check_message(template, {("t", "kk"): 1}, set()) is not None  # a parameter missing
    assert check_message(template, {("t", "kk"): 0}, set()) is None
    assert check_message(template, {("t", "ru"): 0}, set()) is not None  # not approved in kk
