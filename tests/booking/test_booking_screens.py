"""The booking conversation's screens, without a database or Telegram: `BookingFlow` over an
in-memory `FakeBookingPort`, replies rendered in both languages as any front end would."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from icalendar import Calendar

from common.i18n import Language
from common.text import Verbatim
from dialogs.booking import screens
from dialogs.booking.draft import Current
from dialogs.booking.flow import (
    AppointmentPress,
    BookingEvent,
    BookingFlow,
    Outcome,
    ShowAppointment,
    Start,
    StepPress,
    UnknownButton,
    Who,
)
from dialogs.events import LocationShared, TextInput
from dialogs.regions import REGIONS
from dialogs.reply import RenderedDocument, RenderedReply, RenderedVenue, render
from tests.booking.fake_booking_port import (
    FakeAppointment,
    FakeBookingPort,
    FakeCitizen,
    FakePlace,
    slots,
)

NOW = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)  # Tuesday, 09:00 in Almaty
DAY1, DAY2 = date(2026, 12, 2), date(2026, 12, 3)
CHAT = 555


def astana() -> list[FakePlace]:
    return [
        FakePlace("A1", "KZ-71", "Esil", 51.09, 71.42),
        FakePlace("A2", "KZ-71", "Saryarka", 51.17, 71.41),
        FakePlace("A3", "KZ-71", "Baikonur", 51.16, 71.47),
        FakePlace("A4", "KZ-71", "Almaty district", 51.14, 71.50, active=False),
        FakePlace("L1", "KZ-75", "Almaly", 43.25, 76.92),
    ]


def make_port(**changes: object) -> FakeBookingPort:
    port = FakeBookingPort(
        astana(),
        free={
            "A1": [(DAY1, slots(DAY1, 10, 11, 12, 14, 15)), (DAY2, slots(DAY2, 9))],
            "A2": [],
        },
    )
    for name, value in changes.items():
        setattr(port, name, value)
    return port


class Chat:
    """One chat's front end, as bot/routers/booking.py does it: the draft stored between
    actions with a version (compare-and-set is the repository's; here nothing races)."""

    def __init__(
        self, port: FakeBookingPort, citizen: FakeCitizen | None = None, lang: Language = "ru"
    ) -> None:
        self.flow = BookingFlow(port, citizen or FakeCitizen())
        self.lang: Language = lang
        self.current: Current | None = None
        self.version = 0
        self.outcome = Outcome([])
        self.shown: list[RenderedReply] = []

    async def act(self, event: BookingEvent) -> list[RenderedReply]:
        outcome = await self.flow.handle(Who(CHAT, self.lang, NOW), self.current, event)
        assert outcome is not None
        if not outcome.keep:
            if outcome.draft is None:
                self.current = None
            else:
                self.version += 1
                self.current = Current(outcome.draft, self.version)
        self.outcome = outcome
        self.shown = render(outcome.replies, self.lang)
        return self.shown

    async def start(self) -> list[RenderedReply]:
        return await self.act(Start())

    async def press(self, value: str, *, version: int | None = None) -> list[RenderedReply]:
        action, rest = screens.button_parts(value)
        return await self.act(StepPress(action, rest, self.version if version is None else version))

    async def about(self, value: str) -> list[RenderedReply]:
        action, rest = screens.button_parts(value)
        return await self.act(AppointmentPress(action, int(rest)))

    async def text(self, text: str) -> list[RenderedReply]:
        return await self.act(TextInput(text=text))

    def buttons(self, question: str = screens.STEP) -> list[str]:
        """Option values of the newest reply with buttons of that kind."""
        for reply in reversed(self.shown):
            if reply.question == question:
                return [option.value for option in reply.options]
        raise LookupError(f"no {question} buttons in {[r.text for r in self.shown]}")

    def first(self, action: str, question: str = screens.STEP) -> str:
        return next(v for v in self.buttons(question) if v.startswith(action + ":"))

    @property
    def text_shown(self) -> str:
        return "\n\n".join(reply.text for reply in self.shown)


async def test_the_region_from_the_intake_lists_its_places_with_the_location_button() -> None:
    chat = Chat(make_port(), FakeCitizen(known_region="KZ-71"))
    request, listing = await chat.start()
    assert request.request == "location" and request.question is None
    assert [o.label for o in request.options] == ["📍 Отправить геолокацию"]
    assert "1. Esil (ru)" in request.text and "3. Baikonur (ru)" in request.text
    assert "Almaty district" not in request.text  # inactive
    assert listing.options[0].label == "1. district of Esil (ru)"
    assert chat.buttons() == ["place:0", "place:1", "place:2", "other:region", "stop:-"]
    assert listing.layout == (1, 1, 1, 1, 1)
    assert chat.current is not None and chat.current.draft.offered == ["A1", "A2", "A3"]


async def test_without_a_region_every_region_is_offered_two_by_two() -> None:
    chat = Chat(make_port())
    request, regions = await chat.start()
    assert request.request == "location"
    assert chat.buttons() == [f"region:{code}" for code, _, _ in REGIONS] + ["stop:-"]
    assert regions.layout == (2,) * 10 + (1,)
    await chat.press("region:KZ-75")
    assert chat.buttons() == ["place:0", "other:region", "stop:-"]


@pytest.mark.parametrize("consent", [True, False])
async def test_place_day_time_phone_confirm_booked(consent: bool) -> None:
    port = make_port()
    citizen = FakeCitizen("KZ-71", consent=consent, items=[Verbatim("• паспорт")])
    chat = Chat(port, citizen)
    await chat.start()

    (days,) = await chat.press("place:0")
    assert "Esil (ru)" in days.text and "Выберите день" in days.text
    assert chat.buttons() == [
        "day:2026-12-02",
        "day:2026-12-03",
        "other:place",
        "stop:-",
    ]
    assert days.layout == (1, 1, 1, 1) and days.options[0].label == "среда, 2 декабря"

    (times,) = await chat.press("day:2026-12-02")
    assert "среда, 2 декабря" in times.text
    assert [o.label for o in times.options] == [
        "10:00",
        "11:00",
        "12:00",
        "14:00",
        "15:00",
        "◀️ Другой день",
    ]
    assert times.layout == (4, 1, 1)

    (phone,) = await chat.press(chat.first("time"))
    assert phone.request == "contact"
    assert ("которое вы дали в начале" in phone.text) is consent  # the intake's, or asked now

    hint, again = await chat.text("12345")
    assert "Казахстан" in hint.text and again.request == "contact"
    assert chat.current is not None and chat.current.draft.step == "phone"

    thanks, check = await chat.text("8 701 123 45 67")
    assert thanks.ends_request and not thanks.options
    assert "+7 701 123 4567" in check.text and "10:00" in check.text
    # A citizen with a pre-screening says, by the confirm button pressed, whether the center
    # may see its summary with the appointment.
    assert chat.buttons() == ["confirm:share", "confirm:private", "days:-", "stop:-"]
    assert "Можно ли центру видеть ваши ответы" in check.text

    (summary,) = await chat.press("confirm:share")
    assert chat.current is None  # the draft is dropped
    assert port.booked == [
        {
            "place": "A1",
            "at": slots(DAY1, 10)[0],
            "phone": "+77011234567",
            "language": "ru",
            "share_summary": True,
        }
    ]
    assert "Вы записаны" in summary.text and "• паспорт" in summary.text
    assert "за 24 часа, за 2 часа" in summary.text
    assert summary.question == screens.APPOINTMENT
    assert chat.buttons(screens.APPOINTMENT) == ["move:101", "cancel:101"]
    venue, document = summary.attachments
    assert isinstance(venue, RenderedVenue) and venue.title == "Esil (ru)"
    assert isinstance(document, RenderedDocument) and document.filename == "komek-101.ics"
    event = Calendar.from_ical(document.content).walk("VEVENT")[0]
    assert event.decoded("dtstart").astimezone(UTC) == slots(DAY1, 10)[0]
    assert "паспорт" in str(event["description"])
    assert document.caption == "Добавьте приём в календарь"


async def test_a_press_on_an_older_screen_says_so_and_asks_the_current_question() -> None:
    chat = Chat(make_port(), FakeCitizen("KZ-71"))
    await chat.start()
    old = chat.version
    await chat.press("place:0")
    older, current = await chat.press("place:1", version=old)
    assert "из старого сообщения" in older.text
    assert "Выберите день" in current.text  # still the day, of the first place
    assert chat.current is not None and chat.current.draft.place_id == "A1"
    assert chat.current.version == old + 2  # shown again: the buttons carry the new version


async def test_without_a_booking_in_progress() -> None:
    chat = Chat(make_port())
    (gone,) = await chat.press("place:0")
    assert "больше не действует" in gone.text and chat.outcome.keep
    outcome = await chat.flow.handle(Who(CHAT, "ru", NOW), None, TextInput(text="hello"))
    assert outcome is None  # the intake's
    (unknown,) = await chat.act(UnknownButton())
    assert unknown.text == gone.text and chat.outcome.keep


async def test_typing_instead_of_pressing_gets_a_hint_and_the_same_buttons() -> None:
    chat = Chat(make_port(), FakeCitizen("KZ-71"))
    await chat.start()
    hint, *_ = await chat.text("hello")
    assert "с помощью кнопок" in hint.text
    assert chat.buttons() == ["place:0", "place:1", "place:2", "other:region", "stop:-"]


async def test_a_place_without_free_days_offers_another_place_and_its_phone() -> None:
    chat = Chat(make_port(), FakeCitizen("KZ-71"))
    await chat.start()
    (none,) = await chat.press("place:1")
    assert "В ближайшие 14 дней" in none.text and "+7 7172 55 10 01" in none.text
    assert chat.buttons() == ["other:place", "stop:-"]
    await chat.press("other:place")
    assert chat.current is not None and chat.current.draft.step == "place"


async def test_a_slot_taken_meanwhile_shows_the_times_left() -> None:
    port = make_port(refuse=["slot_taken"])
    chat = Chat(port, FakeCitizen("KZ-71"))
    await chat.start()
    await chat.press("place:0")
    await chat.press("day:2026-12-02")
    await chat.press("time:" + slots(DAY1, 10)[0].strftime("%Y%m%d%H%M"))
    await chat.text("+77011234567")
    sorry, times = await chat.press("confirm:-")
    assert "только что заняли" in sorry.text
    assert [o.label for o in times.options][:2] == ["11:00", "12:00"]
    assert chat.current is not None and chat.current.draft.starts_at is None


async def test_an_existing_appointment_is_shown_instead_of_booking_again() -> None:
    starts = slots(DAY2, 9)[0]
    port = make_port(appointments={CHAT: FakeAppointment(7, "A1", starts, "+77011234567")})
    chat = Chat(port)
    (card,) = await chat.start()
    assert "У вас уже есть запись" in card.text
    assert chat.buttons(screens.APPOINTMENT) == ["come:7", "move:7", "cancel:7"]
    assert card.layout == (1, 2)

    (thanks,) = await chat.about("come:7")
    assert "Ждём вас" in thanks.text and port.appointments[CHAT].confirmed_at == NOW
    (sure,) = await chat.about("cancel:7")
    assert chat.buttons(screens.APPOINTMENT) == ["cancel_yes:7", "keep:7"]
    assert not port.cancelled and sure.text.startswith("Отменить запись")
    (done,) = await chat.about("cancel_yes:7")
    assert port.cancelled == [7] and "отменена" in done.text
    gone, none = await chat.about("move:7")
    assert "уже не действует" in gone.text and "/book" in none.text


async def test_rescheduling_keeps_the_phone_and_moves_the_appointment() -> None:
    starts = slots(DAY2, 9)[0]
    port = make_port(appointments={CHAT: FakeAppointment(7, "A1", starts, "+77011234567")})
    chat = Chat(port)
    await chat.about("move:7")
    assert chat.current is not None and chat.current.draft.replacing == 7
    await chat.press("day:2026-12-02")
    thanks, _ = await chat.press(chat.first("time"))  # the phone is known: confirm at once
    assert thanks.ends_request
    (summary,) = await chat.press("confirm:-")
    assert port.booked[0]["phone"] == "+77011234567" and "Вы записаны" in summary.text


async def test_a_location_lists_the_three_nearest_places() -> None:
    chat = Chat(make_port())
    await chat.start()
    (nearest,) = await chat.act(LocationShared(latitude=51.128, longitude=71.430))
    assert [o.label for o in nearest.options] == [
        "1. district of Esil (ru)",
        "2. district of Saryarka (ru)",
        "3. district of Baikonur (ru)",
        "Прервать запись",
    ]
    assert "≈ 5 км" in nearest.text
    assert chat.current is not None and chat.current.draft.offered == ["A1", "A2", "A3"]


@pytest.mark.parametrize(
    ("lang", "minutes", "phrase"),
    [("ru", 24 * 60, "через 24 часа"), ("kk", 120, "2 сағат қалды"), ("ru", 30, "30 минут")],
)
def test_the_reminder_in_the_users_language(lang: Language, minutes: int, phrase: str) -> None:
    place = FakePlace("A1", "KZ-71", "Esil")
    starts = slots(DAY2, 10)[0]
    (reply,) = render([screens.reminder(7, starts, minutes, place)], lang)
    assert phrase in reply.text and f"Esil ({lang})" in reply.text
    assert [o.value for o in reply.options] == ["come:7", "move:7", "cancel:7"]
    assert reply.question == screens.APPOINTMENT and reply.layout == (1, 2)


@pytest.mark.parametrize("lang", ["kk", "ru"])
async def test_every_screen_renders_in_both_languages(lang: Language) -> None:
    """A whole booking and everything around it, rendered: no text is missing a translation
    placeholder or fails to format."""
    port = make_port()
    chat = Chat(port, FakeCitizen("KZ-71", consent=False), lang=lang)
    seen = [*await chat.start(), *await chat.press("place:1"), *await chat.press("other:place")]
    seen += [*await chat.press("place:0"), *await chat.press("day:2026-12-03")]
    seen += [*await chat.press(chat.first("time")), *await chat.text("no")]
    seen += [*await chat.text("+7 701 123 45 67"), *await chat.press("confirm:-")]
    seen += [*await chat.about("cancel:101"), *await chat.about("keep:101")]
    seen += [*await chat.start(), *await chat.about("cancel_yes:101")]
    seen += await chat.act(ShowAppointment())
    assert all(reply.text or reply.attachments for reply in seen)
    assert not any("{" in reply.text for reply in seen)


async def test_without_a_pre_screening_nothing_is_asked_about_sharing() -> None:
    port = make_port()
    chat = Chat(port, FakeCitizen("KZ-71", items=None))
    await chat.start()
    await chat.press("place:0")
    await chat.press("day:2026-12-02")
    await chat.press(chat.first("time"))
    _thanks, check = await chat.text("8 701 123 45 67")
    assert chat.buttons() == ["confirm:-", "days:-", "stop:-"]
    assert "Можно ли центру видеть" not in check.text
    await chat.press("confirm:-")
    assert port.booked[0]["share_summary"] is None


async def test_a_plain_confirm_does_not_book_when_sharing_must_be_answered() -> None:
    """An old "Confirm" (no sharing answer) from before a screening: asked again, not booked."""
    port = make_port()
    chat = Chat(port, FakeCitizen("KZ-71", items=[Verbatim("• паспорт")]))
    await chat.start()
    await chat.press("place:0")
    await chat.press("day:2026-12-02")
    await chat.press(chat.first("time"))
    await chat.text("8 701 123 45 67")
    await chat.press("confirm:-")
    assert port.booked == []
    assert chat.buttons() == ["confirm:share", "confirm:private", "days:-", "stop:-"]
    await chat.press("confirm:private")
    assert port.booked[0]["share_summary"] is False
