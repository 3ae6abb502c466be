"""The preview's directory: the demo directory and two entries that only staff see, for the
desk's screens that need one more entry than the demo holds.

One is a service read from another organisation's directory as an HSDS import leaves it
(status draft, never checked), to be checked for the first time where a second review is not
required; the other a verified entry gone stale, whose re-check waited for review so long that
the day it names is too old as well. Both are loaded as an import loads a file, and their
dates move with the demo's (bot/telegram/demo.py), so that the stale one stays stale. Last,
a directory with nothing due shows the desk's empty re-check queue.

The desk's states that an ordinary walk cannot reach in one run (a re-check proposed months
before it is reviewed, a proposal made under a version of the directory's rules that no longer
holds) are staged here too, through the desk's own functions and no SQL of its own: all that
is set by hand is the re-check's date of making, and the change's state (sent for review, as
submitting would, but without the checks it would now fail).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.desk import draft, proposals
from bot.directory import file_format, replace
from bot.directory.queries import oldest_fresh_date
from bot.directory.schema import DirectoryFile
from bot.telegram.demo import demo_directory_text, recent

IMPORTED_ID = "example-imported-service"
LATE_ID = "example-late-recheck"
OUTDATED_ID = "example-river-clinic"
# A need a proposal named under the rules it was made with, which this version does not know.
RETIRED_NEED = "former-need"

EXTRA_ENTRIES = f"""\
version: 1
entries:
  - id: {IMPORTED_ID}
    status: draft
    categories: [community]
    regions: [KR]
    languages: [en]
    name:
      en: Example Service From Another Directory, not yet checked (fictional)
    contacts:
      - {{type: website, value: "https://example.org/imported"}}

  - id: {LATE_ID}
    status: verified
    verified_on: 2025-03-01
    categories: [legal]
    regions: [KR]
    languages: [ko, en]
    name:
      ko: 예시 너무 늦게 확인한 곳 (가상)
      zh: 示例核实太晚的机构（虚构）
      en: Example Service Checked Too Late (fictional)
    contacts:
      - {{type: phone, value: "+82 2 0000 0010"}}
"""


def directory() -> DirectoryFile:
    """The demo directory with the extra entries, its dates moved as the demo's are."""
    demo = file_format.parse(demo_directory_text(), "demo_directory.yaml")
    extra = file_format.parse(EXTRA_ENTRIES, "preview")
    both = demo.model_copy(update={"entries": [*demo.entries, *extra.entries]})
    return recent(both)


async def load(sessions: async_sessionmaker[AsyncSession]) -> None:
    """Replace the directory with the preview's, as `helpline directory import` does."""
    async with sessions() as session, session.begin():
        await replace.replace_all(session, directory())


async def late_recheck(
    sessions: async_sessionmaker[AsyncSession], author: int, today: dt.date, max_age_days: int
) -> int:
    """A re-check of the stale entry that `author` sent for review longer ago than the maximum
    age, still waiting today: approving it dates the check to that day, too old by now."""
    day = oldest_fresh_date(today, max_age_days) - dt.timedelta(days=30)
    async with sessions() as session, session.begin():
        entry = await proposals.current(session, LATE_ID)
        assert entry is not None, f"{LATE_ID} is not in the preview's directory"
        made = await proposals.start_recheck(session, author, entry, day)
        made.created_at = dt.datetime.combine(day, dt.time(12), dt.UTC)
        return made.id


async def outdated_change(
    sessions: async_sessionmaker[AsyncSession], author: int, today: dt.date
) -> int:
    """A change sent for review under rules that knew one more need: it passed the checks
    then and does not pass them now."""
    async with sessions() as session, session.begin():
        made = await proposals.start_change(session, author, OUTDATED_ID, today)
        assert made is not None, f"{OUTDATED_ID} is not in the preview's directory"
        data = draft.load(made.proposed)
        data["categories"] = [*data["categories"], RETIRED_NEED]
        proposals.save(made, data)
        made.state = proposals.OPEN
        return made.id


def checked_today(today: dt.date, reported: set[str]) -> DirectoryFile:
    """The demo's entries that users see, all checked `today`, without those users reported
    as not working (they wait for a re-check however recent theirs): nothing is due."""
    demo = recent(file_format.parse(demo_directory_text(), "demo_directory.yaml"))
    fresh = [
        entry.model_copy(update={"verified_on": today})
        for entry in demo.entries
        if entry.status == "verified" and entry.id not in reported
    ]
    return demo.model_copy(update={"entries": fresh})
