"""An audit record as `helpline directory history` and /history print it."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator

import pytest

from bot.db.models import AuditRecord
from bot.directory.audit import describe

SEOUL = dt.timezone(dt.timedelta(hours=9))


@pytest.fixture
def server_in_seoul(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A server whose local time is not UTC: the trail is still printed in UTC."""
    monkeypatch.setenv("TZ", "Asia/Seoul")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def record(**fields: object) -> AuditRecord:
    values: dict[str, object] = {
        "at": dt.datetime(2026, 11, 30, 9, 5, tzinfo=SEOUL),
        "actor": "cli",
        "entry_id": "cn-shelter",
        "action": "updated",
        "field": "",
        "lang": "",
        "old": "",
        "new": "",
        "approved_by": "",
    }
    values.update(fields)
    return AuditRecord(**values)


def test_a_change_is_its_time_in_utc_who_what_and_the_lines_that_changed(
    server_in_seoul: None,
) -> None:
    item = record(field="name", lang="ko", old="one\ntwo\nthree\nfour", new="one\n2\nthree\nfour")
    assert describe(item) == (
        "2026-11-30 00:05 UTC  updated  by cli  (name ko)\n"
        "    @@ -1,3 +1,3 @@\n"
        "     one\n"
        "    -two\n"
        "    +2\n"
        "     three"
    )


def test_a_time_without_a_zone_is_utc_and_the_approver_is_named(server_in_seoul: None) -> None:
    item = record(
        at=dt.datetime(2026, 11, 30, 9, 5),
        actor="5000001",
        action="added",
        field="status",
        new="verified",
        approved_by="5000002",
    )
    assert describe(item) == (
        "2026-11-30 09:05 UTC  added  by 5000001, approved by 5000002  (status)\n"
        "    @@ -0,0 +1 @@\n"
        "    +verified"
    )


def test_a_record_of_a_whole_entry_has_no_field() -> None:
    item = record(at=dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC), action="removed", old="id: x")
    assert describe(item) == "2026-01-02 03:04 UTC  removed  by cli\n    @@ -1 +0,0 @@\n    -id: x"
