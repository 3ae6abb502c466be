"""What the relay counts: conversations opened and answered, per language, and how long the
first answer took, in coarse bands. Through the usage counter like every other count, so they
are written only in mixed batches and published by complete weeks and months with the same
suppression (docs/STATISTICS.md); nothing links a count to a conversation."""

from __future__ import annotations

import datetime as dt

from bot.stats.counting import UsageCounter
from bot.taxonomy import ANSWER_BANDS

OPENED = "relay_opened"  # key: her language
ANSWERED = "relay_answered"  # key: her language; once per conversation, at the first answer
FIRST_ANSWER = "relay_first_answer"  # key: a band of ANSWER_BANDS
_LIMITS = (
    (dt.timedelta(minutes=15), "15m"),
    (dt.timedelta(hours=1), "1h"),
    (dt.timedelta(hours=4), "4h"),
)
assert (*(name for _, name in _LIMITS), "later") == ANSWER_BANDS


def band(waited: dt.timedelta) -> str:
    """The band of a wait: up to and including each limit, else "later"."""
    for limit, name in _LIMITS:
        if waited <= limit:
            return name
    return "later"


def count_opened(counter: UsageCounter, lang: str, *, by: int | None) -> None:
    """A new conversation in `lang`, opened by `by` (her id: only hashed, in memory)."""
    counter.add(OPENED, lang, by=by)


def count_answered(
    counter: UsageCounter, lang: str, waited: dt.timedelta, *, by: int | None
) -> None:
    """The first answer of a conversation in `lang`, after `waited` (what `note_answer`
    returns on the first one)."""
    counter.add(ANSWERED, lang, by=by)
    counter.add(FIRST_ANSWER, band(waited), by=by)
