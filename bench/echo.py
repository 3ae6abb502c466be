"""The floor: a bare python-telegram-bot echo bot, polling the same fake server.

One sendMessage for every message, one editMessageText for every button: the framework and
the HTTP round trip, and nothing else. With BENCH_ECHO_TRANSPORT=aiohttp it calls the Bot API
through the helpline's transport instead of PTB's default (httpx), to show the floor for the
transport the helpline uses.
"""

from __future__ import annotations

import os

from telegram import Update
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)


async def on_message(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_chat is not None and update.message is not None:
        await update.effective_chat.send_message(update.message.text or "echo")


async def on_button(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.callback_query is not None:
        await update.callback_query.edit_message_text("echo")


def main() -> None:
    api = os.environ["TELEGRAM_API_URL"]
    builder = (
        ApplicationBuilder()
        .token(os.environ["BOT_TOKEN"])
        .base_url(f"{api}/bot")
        .concurrent_updates(64)
    )
    if os.environ.get("BENCH_ECHO_TRANSPORT") == "aiohttp":
        from bot.telegram.request import AiohttpRequest

        builder = builder.request(
            AiohttpRequest(connection_pool_size=128, pool_timeout=10.0)
        ).get_updates_request(AiohttpRequest())
    application = builder.build()
    application.add_handler(MessageHandler(filters.ALL, on_message))
    application.add_handler(CallbackQueryHandler(on_button))
    application.run_polling(allowed_updates=[Update.MESSAGE, Update.CALLBACK_QUERY])


if __name__ == "__main__":
    main()
