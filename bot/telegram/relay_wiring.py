"""Talk to a person in the Application: its handlers and its timer, only when it is on.

With RELAY_CHAT_ID or RELAY_KEY unset, nothing here is registered, so nothing of it shows:
/talk is unknown text, and the bot leaves every group as before.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import Application, BaseHandler, CommandHandler, MessageHandler, filters

from bot.settings import Settings
from handlers import relay, relay_end, relay_group
from handlers.context import Context

# Handler groups: the guard first (-1), then the relay, then the menus and the desk.
RELAY_GROUP = 0
MENUS_GROUP = 1


class ChatHandler(BaseHandler[Update, Context, None]):
    """Every update from one chat (the relay group), whatever it holds."""

    def __init__(
        self, chat_id: int, callback: Callable[[Update, Context], Coroutine[Any, Any, None]]
    ):
        super().__init__(callback)
        self.chat_id = chat_id

    def check_update(self, update: object) -> bool:
        if not isinstance(update, Update):
            return False
        chat = update.effective_chat
        return chat is not None and chat.id == self.chat_id


def register(application: Application[Any, Any, Any, Any, Any, Any], settings: Settings) -> None:
    if not settings.relay_on or settings.relay_chat_id is None:
        return
    private = filters.ChatType.PRIVATE
    application.add_handler(ChatHandler(settings.relay_chat_id, relay_group.on_update), RELAY_GROUP)
    application.add_handler(
        CommandHandler("talk", relay.talk_command, filters=private), RELAY_GROUP
    )
    application.add_handler(
        MessageHandler(private & ~filters.COMMAND, relay.on_message), RELAY_GROUP
    )


def schedule(application: Application[Any, Any, Any, Any, Any, Any], settings: Settings) -> None:
    if not settings.relay_on:
        return
    jobs = application.job_queue
    assert jobs is not None
    seconds = relay_end.IDLE_CHECK_SECONDS
    jobs.run_repeating(relay_end.expire_idle, interval=seconds, first=seconds, name="relay-idle")
    # At once, and once: rows of an earlier RELAY_KEY, and their topics, go.
    jobs.run_once(relay_end.purge_old_key, when=0, name="relay-old-key")
