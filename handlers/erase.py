"""Erasing the chat: now, after one confirm tap, or automatically after she stops.

Everything here lives in memory: the ids come from EraseMemory, the pending auto-erase is a
job in the JobQueue (named neutrally; the chat id sits only in the job object), and a restart
forgets both, as the About screen says.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Job

from bot.i18n import Texts
from bot.menus import screens
from bot.menus.callback import Nav
from bot.ui.view import View
from handlers import outbound, relay_end
from handlers.context import Context
from handlers.render import answer
from handlers.steps import ChatTurns

log = logging.getLogger(__name__)

RETRY_SECONDS = 5.0  # what Telegram refused to delete is asked again this long after
JOBS_KEY = "auto_erase_jobs"
# The one message an erase sends: it marks the newest id in the chat. Deleted in the first call
# with the newest of the rest, it is gone as it comes; no word, so that even a failed deletion
# leaves nothing to read (and nothing to translate).
MARKER = "…"


def _jobs(context: Context) -> dict[int, Job[Any]]:
    jobs: dict[int, Job[Any]] = context.bot_data.setdefault(JOBS_KEY, {})
    return jobs


async def delete_history(context: Context, chat_id: int, newest: int) -> None:
    """Ask Telegram to delete every id from `newest` (or the newest id remembered, if higher)
    down, 100 at a time; ids that are gone or too old are skipped by Telegram. What it refuses
    (a bad moment on the way, after the request's own retries) is asked once more a few
    seconds later, so that an erase never depends on one call."""
    memory = context.core.erase_memory
    batches = memory.batches(chat_id, newest)
    refused = await outbound.refused_deletions(context, chat_id, batches)
    memory.forget(chat_id)
    context.core.last_screens.forget(chat_id)
    if not refused and batches:  # messages held back from a flood are gone too
        context.core.flood.deleted(chat_id, batches[-1][-1], batches[0][0])
    if refused:
        assert context.job_queue is not None
        context.job_queue.run_once(
            _delete_again, RETRY_SECONDS, chat_id=chat_id, data=refused, name="erase"
        )


async def _delete_again(context: Context) -> None:
    job = context.job
    assert job is not None and job.chat_id is not None and isinstance(job.data, list)
    await outbound.delete(context, job.chat_id, job.data)


async def erase_now(update: Update, context: Context, nav: Nav) -> None:
    query, chat = update.callback_query, update.effective_chat
    assert query is not None
    if chat is None:  # a tap on an inline message: this bot makes none, so it was forged
        await answer(query)
        return
    # The notice that it is done is a toast, which leaves nothing in the chat; given first,
    # because Telegram's apps show no answer to a tap on a message that is gone by then.
    await answer(query, screens.erased(Texts(nav.lang)))
    cancel_auto_erase(context, chat.id)
    context.core.counter.add(
        "erases", by=update.effective_user.id if update.effective_user else None
    )
    # The marker goes first: its id is the newest in the chat, so everything from it down is
    # hers or ours to delete, even messages this process never saw. If it cannot be sent, the
    # erase still goes ahead, from the newest id this process has seen.
    try:
        newest = (await outbound.send(context, chat.id, View(MARKER))).message_id
    except TelegramError as exc:
        log.info("the erase marker could not be sent (%s)", type(exc).__name__)
        newest = context.core.erase_memory.highest(chat.id) or 1
    await relay_end.end_for_chat(context, chat.id)  # no answer may arrive after erasing
    await delete_history(context, chat.id, newest)


def arm_auto_erase(context: Context, chat_id: int, minutes: int) -> None:
    """(Re)start the countdown from now; 0 minutes switches it off."""
    cancel_auto_erase(context, chat_id)
    if minutes <= 0:
        return
    assert context.job_queue is not None
    _jobs(context)[chat_id] = context.job_queue.run_once(
        _auto_erase, minutes * 60.0, chat_id=chat_id, data=minutes, name="auto-erase"
    )


def pending_minutes(context: Context, chat_id: int) -> int:
    """The delay of this chat's pending auto-erase, or 0."""
    job = _jobs(context).get(chat_id)
    return job.data if job is not None and isinstance(job.data, int) else 0


def keep_counting(context: Context, chat_id: int, minutes: int = 0) -> None:
    """Any activity restarts the countdown: with the minutes her buttons carry, else those of
    the pending job. Only her choice on the auto-erase screen switches it off."""
    minutes = minutes or pending_minutes(context, chat_id)
    if minutes:
        arm_auto_erase(context, chat_id, minutes)


def cancel_auto_erase(context: Context, chat_id: int) -> None:
    job = _jobs(context).pop(chat_id, None)
    if job is not None:
        job.schedule_removal()


async def _auto_erase(context: Context) -> None:
    job = context.job
    assert job is not None and job.chat_id is not None
    processor = context.application.update_processor
    if isinstance(processor, ChatTurns):  # not in the middle of one of her taps
        async with processor.chat(job.chat_id):
            await _erase_silently(context, job.chat_id)
    else:
        await _erase_silently(context, job.chat_id)


async def _erase_silently(context: Context, chat_id: int) -> None:
    _jobs(context).pop(chat_id, None)
    context.core.last_screens.forget(chat_id)
    await relay_end.end_for_chat(context, chat_id)
    newest = context.core.erase_memory.highest(chat_id)
    context.core.counter.add("erases", by=None)  # a timer: nobody to count as its cause
    if newest is not None:
        await delete_history(context, chat_id, newest)
