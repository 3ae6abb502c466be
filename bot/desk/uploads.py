"""A directory file sent to the desk: refused at once if too big or of unknown size, checked
in a separate process within limits of time and memory (bot/directory/file_check.py), then
either the validator's own words for every error or drafts of what it changes, shown as a
before/after to submit. No file, however crafted, holds up anyone else's taps (an Erase least
of all)."""

from __future__ import annotations

import logging

from bot.core import Core
from bot.desk import editing, pending, proposals
from bot.desk.callback import Act, Tap
from bot.desk.result import Result
from bot.desk.screens import frame, preview
from bot.directory import file_check
from bot.directory.file_format import DirectoryFileInvalid, TooManyEntries
from bot.directory.schema import DirectoryFile
from bot.i18n import Texts
from bot.ui.view import View, fit

log = logging.getLogger(__name__)
MAX_UPLOAD_BYTES = 1_000_000
MAX_UPLOAD_ENTRIES = 200  # each becomes a proposal to review one by one; counted first


def _notice(lang: str, message: str) -> Result:
    return Result(frame.notice(Texts(lang), Tap(Act.HOME, lang), message))


def too_big(lang: str) -> Result:
    t = Texts(lang)
    message = t.gettext("The file is too big. Send at most 1 MB, or use the server's import.")
    return _notice(lang, message)


def unsized(lang: str) -> Result:
    """A document whose size Telegram does not give is never downloaded: its size could be
    anything."""
    t = Texts(lang)
    message = t.gettext(
        "This file was not opened: Telegram did not say how big it is. Send it again, or use"
        " the server's import."
    )
    return _notice(lang, message)


async def _read(lang: str, content: bytes) -> DirectoryFile | Result:
    """The file as the validator reads it, or the answer that says why it is not."""
    t = Texts(lang)
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return _notice(lang, t.gettext("The file must be text in UTF-8."))
    try:
        return await file_check.parse(text, "file", max_entries=MAX_UPLOAD_ENTRIES)
    except TooManyEntries:
        message = t.gettext(
            "A file may propose at most {count} entries. Split it, or use the server's import."
        ).format(count=MAX_UPLOAD_ENTRIES)
        return _notice(lang, message)
    except DirectoryFileInvalid as invalid:
        desk = frame.desk_button(t, Tap(Act.HOME, lang))
        return Result(fit(View(preview.invalid(t, invalid.errors), [[desk]])))
    except file_check.CheckStopped:
        log.info("a file check was stopped at its limits")
        message = t.gettext(
            "Checking this file needed more time or memory than the bot allows, so it was"
            " stopped. Send a smaller file, or use the server's import."
        )
        return _notice(lang, message)


async def on_file(core: Core, me: int, lang: str, content: bytes) -> Result:
    """Drafts for what a file changes, as one batch to preview and submit; or why not."""
    if len(content) > MAX_UPLOAD_BYTES:
        return too_big(lang)
    parsed = await _read(lang, content)
    if isinstance(parsed, Result):
        return parsed
    async with core.sessions() as session, session.begin():
        made = await proposals.from_file(session, me, parsed)
        await pending.remember(session, me, lang, None)
        if not made.proposals:
            message = Texts(lang).gettext("Nothing in this file differs from the directory.")
            return _notice(lang, message)
        first = Tap(Act.PREVIEW, lang, made.proposals[0].batch)
        result = await editing.batch_preview(session, first, me, len(made.unchanged))
    result.view = fit(result.view)
    return result
