"""The usage counter in memory: how many people a batch mixes, through a failed write too."""

from __future__ import annotations

import datetime as dt

from bot.menus.callback import Nav, Screen
from bot.stats.counting import UsageCounter

NOON = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)


def test_a_batch_put_back_after_a_failed_write_still_counts_its_people() -> None:
    counter = UsageCounter(clock=lambda: NOON, min_users=10)
    for person in range(5):
        counter.add("sessions", by=person)
    failed = counter.take(everything=True)  # as at shutdown; then the write fails
    for person in range(5, 8):
        counter.add("sessions", by=person)
    counter.add("sessions", by=0)  # someone from the failed batch, again
    counter.put_back(failed)
    assert counter.people() == 8
    for person in range(8, 10):
        counter.add("sessions", by=person)
    batch = counter.take()  # ten different people now: written whole
    assert batch.daily[(NOON.date(), "sessions", "")] == 11
    assert counter.people() == 0 and not counter.take()


def test_reports_alone_count_the_people_who_made_them() -> None:
    counter = UsageCounter(clock=lambda: NOON, min_users=10)
    for person in range(10):
        counter.add_once(person, "not_working", "cn-shelter")
        counter.add_once(person, "not_working", "cn-shelter")  # once a day each
    batch = counter.take()  # ten different people: written
    assert dict(batch.daily) == {(NOON.date(), "not_working", "cn-shelter"): 10}


def test_people_seen_alone_count_toward_the_mix() -> None:
    counter = UsageCounter(clock=lambda: NOON, min_users=10)
    for person in range(10):
        counter.see_user(person)
        counter.see_user(person)  # once a day each
    batch = counter.take()  # ten different people: written
    assert dict(batch.daily) == {(NOON.date(), "unique_users", ""): 10}


def test_needs_alone_count_the_people_who_chose_them_the_day_s_first_included() -> None:
    counter = UsageCounter(clock=lambda: NOON, min_users=10)
    for person in range(9):
        counter.add_need_in_place("shelter", "CN", by=person)
    assert counter.people() == 9 and not counter.take()  # nine people: it waits
    counter.add_need_in_place("legal", "KR", by=9)
    batch = counter.take()  # ten different people: written
    day = NOON.date()
    assert dict(batch.daily) == {(day, "need", "shelter"): 9, (day, "need", "legal"): 1}
    assert dict(batch.need_place) == {(day, "shelter", "CN"): 9, (day, "legal", "KR"): 1}


def test_after_midnight_the_new_day_s_first_person_is_counted() -> None:
    now = [NOON]
    counter = UsageCounter(clock=lambda: now[0], min_users=10)
    for person in range(3):
        counter.add("sessions", by=person)
    now[0] = NOON + dt.timedelta(hours=12)  # midnight: a new key, yesterday's people gone
    counter.add("sessions", by=0)
    assert counter.people() == 1


def test_choices_are_counted_and_moving_back_and_forth_is_not() -> None:
    """A language set, a place chosen from the places, a need chosen from the needs: each is
    one count, by whoever chose it. Back, Home and pages are not choices."""
    counter = UsageCounter(clock=lambda: NOON, min_users=3)
    chosen = [
        Nav(Screen.SET_LANGUAGE, "zh"),
        Nav(Screen.NEEDS, "ko", "CN", origin=Screen.PLACES),
        Nav(Screen.LIST, "ko", "CN", "legal", origin=Screen.NEEDS),
    ]
    moved = [
        Nav(Screen.LANGUAGES, "zh"),  # the list of languages, nothing set yet
        Nav(Screen.NEEDS, "ko", "CN"),  # Home, or Back to the needs
        Nav(Screen.NEEDS, "ko", "CN", origin=Screen.LIST),
        Nav(Screen.LIST, "ko", "CN", "legal", page=1),  # the next page
        Nav(Screen.LIST, "ko", "CN", "legal", origin=Screen.CARD),  # Back from a card
        Nav(Screen.PLACES, "ko"),
    ]
    for person, nav in enumerate(chosen):
        counter.count_choice(nav, by=person)
    for nav in moved:
        counter.count_choice(nav, by=99)
    assert counter.people() == 3
    day = NOON.date()
    batch = counter.take()
    assert dict(batch.daily) == {
        (day, "language", "zh"): 1,
        (day, "place", "CN"): 1,
        (day, "need", "legal"): 1,
    }
    assert dict(batch.need_place) == {(day, "legal", "CN"): 1}
