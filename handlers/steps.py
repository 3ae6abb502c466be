"""What an update asks of the bot's turn-taking, and whether it is being shed.

The update processor (`bot/telegram/processing.py`) decides, per chat, which updates run and
which are shed; the guard handler runs for both and must know which it has. Both read the
classification here, so that the processor above and the handlers below agree on it.
"""

from __future__ import annotations

import enum
from contextlib import AbstractAsyncContextManager
from contextvars import ContextVar
from typing import Protocol, runtime_checkable

from telegram import Update

from bot.menus.callback import BadCallback, Screen, decode

shedding: ContextVar[bool] = ContextVar("shedding", default=False)
"""Set by the update processor while an update it will not handle passes through."""


def shed() -> bool:
    """True while an update that will not be handled passes through the handlers: they only
    note what must be tidied up for it (her message to delete, her tap to answer), make no
    Bot API call, and stop."""
    return shedding.get()


class Step(enum.Enum):
    PLAIN = "plain"  # anything else: shed when too many wait
    WORDS = "words"  # what she writes or sends (not a tap, not a command): a longer wait
    ERASE_ASK = "erase ask"  # the erase question (/erase, the Erase button)
    ERASE_NOW = "erase now"  # erasing itself
    JOB = "job"  # a timer's work for the chat (auto-erase): never shed


def erase_step(update: object) -> Step:
    """What an update asks of erasing, read without trusting it: a forged tap is decoded as
    any other, and bad data is a plain update."""
    if not isinstance(update, Update):
        return Step.PLAIN
    query = update.callback_query
    if query is not None:
        try:
            screen = decode(query.data).screen
        except BadCallback:
            return Step.PLAIN
        if screen is Screen.ERASE_NOW:
            return Step.ERASE_NOW
        return Step.ERASE_ASK if screen is Screen.ERASE else Step.PLAIN
    text = (update.message.text if update.message is not None else None) or ""
    words = text.split()
    if words and words[0].split("@")[0] == "/erase":
        return Step.ERASE_ASK
    if update.message is not None and not text.startswith("/"):
        # A phone back online sends all she wrote at once: in a conversation with a
        # volunteer every word of it counts, so more of it may wait than of taps.
        return Step.WORDS
    return Step.PLAIN


@runtime_checkable
class ChatTurns(Protocol):
    """The update processor as a timer's job sees it: a way to wait for a chat's turn, so
    that the job does not run in the middle of one of her taps."""

    def chat(self, chat_id: int) -> AbstractAsyncContextManager[None]: ...
