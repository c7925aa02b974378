"""Slots: working hours in Kazakhstan time, never on weekends, holidays or closed days."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from booking.slots import (
    bookable_slots,
    day_slots,
    is_bookable,
    is_public_holiday,
    is_working_day,
    local_moment,
    upcoming_days,
)
from tests.booking.conftest import NOW, make_place


def test_a_working_day_has_slots_from_opening_to_closing_without_lunch() -> None:
    place = make_place()
    starts = day_slots(place, date(2026, 12, 1))
    # 09:00-13:00 and 14:00-18:00 in 20-minute slots: 12 + 12.
    assert len(starts) == 24
    assert starts[0] == datetime(2026, 12, 1, 4, 0, tzinfo=UTC)  # 09:00 Almaty is 04:00 UTC
    assert starts[11] == local_moment(date(2026, 12, 1), time(12, 40))
    assert starts[12] == local_moment(date(2026, 12, 1), time(14, 0))
    assert starts[-1] == local_moment(date(2026, 12, 1), time(17, 40))


def test_independence_day_and_weekends_have_no_slots() -> None:
    place = make_place()
    assert is_public_holiday(date(2026, 12, 16))
    assert day_slots(place, date(2026, 12, 16)) == []
    assert day_slots(place, date(2026, 12, 19)) == []  # Saturday
    assert day_slots(place, date(2026, 12, 20)) == []  # Sunday
    assert day_slots(place, date(2026, 12, 17)) != []


def test_even_a_place_open_on_weekends_gets_no_weekend_slots() -> None:
    place = make_place(hours={d: "09:00-18:00" for d in ("mon", "tue", "sat", "sun")})
    assert day_slots(place, date(2026, 12, 19)) == []
    assert day_slots(place, date(2026, 12, 21)) != []  # Monday
    assert day_slots(place, date(2026, 12, 23)) == []  # Wednesday: not in its hours


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 3, 9),  # Women's Day fell on Sunday 8 March: observed Monday
        date(2026, 5, 11),  # Victory Day fell on Saturday: observed Monday
        date(2026, 10, 26),  # Republic Day fell on Sunday: observed Monday
        date(2026, 3, 24),  # Nauryz observed days
        date(2026, 3, 25),
        date(2027, 1, 4),  # New Year 2 January fell on Saturday
    ],
)
def test_observed_holidays_are_closed(day: date) -> None:
    assert day.weekday() < 5
    assert not is_working_day(day)
    assert day_slots(make_place(), day) == []


def test_a_place_own_closed_day_has_no_slots() -> None:
    place = make_place(closed_days=[date(2026, 12, 2)])
    assert day_slots(place, date(2026, 12, 2)) == []
    assert day_slots(make_place(), date(2026, 12, 2)) != []


def test_no_slot_in_the_past_or_sooner_than_the_lead_time() -> None:
    place = make_place()
    now = local_moment(date(2026, 12, 1), time(10, 5))
    starts = bookable_slots(place, date(2026, 12, 1), now, timedelta(hours=2))
    assert starts[0] == local_moment(date(2026, 12, 1), time(12, 20))
    assert all(start >= now + timedelta(hours=2) for start in starts)
    no_lead = bookable_slots(place, date(2026, 12, 1), now, timedelta(0))
    assert no_lead[0] == local_moment(date(2026, 12, 1), time(10, 20))
    assert bookable_slots(place, date(2026, 11, 30), now, timedelta(0)) == []


def test_upcoming_days_skip_closed_days_and_stop_at_the_horizon() -> None:
    place = make_place()
    now = datetime(2026, 12, 11, 12, 0, tzinfo=UTC)  # Friday 17:00 Almaty: too late today
    days = [day for day, _ in upcoming_days(place, now, horizon_days=10)]
    assert days == [
        date(2026, 12, 14),
        date(2026, 12, 15),
        date(2026, 12, 17),
        date(2026, 12, 18),
        date(2026, 12, 21),
    ]


def test_is_bookable_accepts_only_real_future_slots() -> None:
    place = make_place()
    slot = local_moment(date(2026, 12, 2), time(9, 20))
    assert is_bookable(place, slot, NOW)
    assert not is_bookable(place, slot + timedelta(minutes=5), NOW)  # not a slot start
    assert not is_bookable(place, local_moment(date(2026, 12, 2), time(13, 0)), NOW)  # lunch
    assert not is_bookable(place, local_moment(date(2026, 12, 16), time(9, 0)), NOW)
    assert not is_bookable(place, NOW, NOW)  # sooner than the lead time
    assert not is_bookable(place, slot + timedelta(days=60), NOW)  # beyond the horizon


def test_slots_follow_the_iana_zone_not_a_fixed_offset() -> None:
    # Kazakhstan moved to UTC+5 on 1 March 2024; before that Almaty was UTC+6.
    place = make_place()
    assert day_slots(place, date(2024, 2, 28))[0].hour == 3
    assert day_slots(place, date(2024, 3, 5))[0].hour == 4
