"""Logging that cannot leak a user.

Third-party libraries log whole updates and request URLs at DEBUG and INFO (python-telegram-bot
logs "Processing update ..." with the sender in it; httpx logs every URL, which holds the bot
token). Their loggers are held at WARNING whatever `LOG_LEVEL` says, our own code logs only
update ids and exception types, and every record passes a filter that blanks token-shaped text.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import TextIO

TOKEN_SHAPE = re.compile(r"\d{5,20}:[A-Za-z0-9_-]{30,}")
REDACTED = "[redacted-token]"

# Loggers that may carry user data or secrets below WARNING.
QUIET_LOGGERS = (
    "telegram",
    "httpx",
    "httpcore",
    "apscheduler",
    "aiosqlite",
    "asyncio",
    "sqlalchemy",
    "aiolimiter",
    "hpack",
)


class RedactTokens(logging.Filter):
    """Replace anything shaped like a bot token, in the message and its arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if TOKEN_SHAPE.search(message):
            record.msg = TOKEN_SHAPE.sub(REDACTED, message)
            record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            if TOKEN_SHAPE.search(text):
                record.exc_info = None
                record.exc_text = TOKEN_SHAPE.sub(REDACTED, text)
        return True


class _OurHandler(logging.StreamHandler[TextIO]):
    """Marks the handler this module installed, so configuring again replaces only it."""


def configure(level: str, stream: TextIO | None = None) -> None:
    """Install one stderr handler with the redacting filter and quiet third parties."""
    handler = _OurHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactTokens())
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _OurHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    floor = max(logging.WARNING, logging.getLevelName(level))
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(floor)
