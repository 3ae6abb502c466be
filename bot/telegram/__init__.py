"""The Telegram adapter: the only part of bot/ that imports python-telegram-bot."""
