"""The usage counter in memory: how many people a batch mixes, through a failed write too."""

from __future__ import annotations

import datetime as dt

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


def test_reports_counted_once_a_day_still_count_who_made_them() -> None:
    """Ten people each reporting a contact (twice): one report each, and a batch that mixes
    ten people, so it may be written."""
    counter = UsageCounter(clock=lambda: NOON, min_users=10)
    for person in range(10):
        counter.add_once(person, "not_working", "some-entry")
        counter.add_once(person, "not_working", "some-entry")
    assert counter.people() == 10
    batch = counter.take()
    assert batch.daily[(NOON.date(), "not_working", "some-entry")] == 10
