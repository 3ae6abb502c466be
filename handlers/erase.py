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
from bot.menus.erase_memory import BATCH, WALK_BACK
from bot.ui.view import View
from handlers import outbound, relay_end
from handlers.context import Context
from handlers.render import answer
from handlers.steps import ChatTurns

log = logging.getLogger(__name__)

DONE_LINE_SECONDS = 5.0
JOBS_KEY = "auto_erase_jobs"
DONE_LINES_KEY = "erase_line_jobs"


def _jobs(context: Context, key: str = JOBS_KEY) -> dict[int, Job[Any]]:
    jobs: dict[int, Job[Any]] = context.bot_data.setdefault(key, {})
    return jobs


async def delete_history(context: Context, chat_id: int, newest: int) -> None:
    """Ask Telegram to delete every id from `newest` down, 100 at a time; ids that are gone
    or too old are skipped by Telegram. A newer id (the erase line, remembered as every
    message the bot sends is) is left to its own deletion."""
    memory = context.core.erase_memory
    batches = _up_to(newest, memory.batches(chat_id, newest))
    whole = await outbound.delete(context, chat_id, batches)
    memory.forget(chat_id)
    context.core.last_screens.forget(chat_id)
    if whole and batches:  # messages held back from a flood are gone too
        context.core.flood.deleted(chat_id, batches[-1][-1], batches[0][0])


def _up_to(newest: int, batches: list[list[int]]) -> list[list[int]]:
    """The walk of `batches` cut at `newest`: the same ids, 100 a call, as the memory would
    give had it not yet seen the erase line."""
    if not batches:
        return []
    floor = min(batches[-1][-1], max(1, newest - WALK_BACK + 1))
    ids = range(newest, floor - 1, -1)
    return [list(ids[start : start + BATCH]) for start in range(0, len(ids), BATCH)]


async def erase_now(update: Update, context: Context, nav: Nav) -> None:
    query, chat = update.callback_query, update.effective_chat
    assert query is not None
    await answer(query)
    if chat is None:  # a tap on an inline message: this bot makes none, so it was forged
        return
    cancel_auto_erase(context, chat.id)
    context.core.counter.add(
        "erases", by=update.effective_user.id if update.effective_user else None
    )
    # The neutral line goes first: its id is the newest in the chat, so everything below it
    # is hers or ours to delete, even messages this process never saw.
    done = await outbound.send(context, chat.id, View(screens.erased(Texts(nav.lang))))
    # An earlier erase's line is below this one: deleted with the rest, not on its own.
    earlier = _jobs(context, DONE_LINES_KEY).pop(chat.id, None)
    if earlier is not None:
        earlier.schedule_removal()
    await relay_end.end_for_chat(context, chat.id)  # no answer may arrive after erasing
    await delete_history(context, chat.id, done.message_id - 1)
    assert context.job_queue is not None
    _jobs(context, DONE_LINES_KEY)[chat.id] = context.job_queue.run_once(
        _delete_done_line, DONE_LINE_SECONDS, chat_id=chat.id, data=done.message_id, name="erase"
    )


async def _delete_done_line(context: Context) -> None:
    job = context.job
    assert job is not None and job.chat_id is not None and isinstance(job.data, int)
    lines = _jobs(context, DONE_LINES_KEY)
    if lines.get(job.chat_id) is job:
        del lines[job.chat_id]
    try:
        await context.bot.delete_message(job.chat_id, job.data)
    except TelegramError as exc:
        log.info("the erase line could not be deleted (%s)", type(exc).__name__)


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
