"""Logging that cannot leak a user.

Third-party libraries log whole updates and request URLs: python-telegram-bot logs
"Processing update ..." with the sender at DEBUG, and at ERROR and CRITICAL it logs raw Bot API
payloads it could not parse; httpx logs every URL, which holds the bot token. So:

- their loggers are held at WARNING whatever `LOG_LEVEL` says;
- what they still log passes `ScrubForeign`: only the message template survives, never its
  arguments, and an exception is reduced to its type; asyncio's records keep only their level
  and the exception's type, as asyncio writes data into the message itself;
- our own code logs only update ids and exception types, never which screen or button anyone
  used (a line per tap, with its time, would be one person's steps in order);
- every record passes `RedactTokens`, which blanks the configured secrets and anything shaped
  like a bot token.

What does not pass through logging is guarded too: `install_hooks` replaces the hooks that print
an uncaught exception (in the main thread, in another thread, or one Python cannot raise), so
that a traceback on stderr, and so in the journal, never carries the token or another secret.
An exception inside the event loop goes to asyncio's logger, and so through the filters above.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import threading
import traceback
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import TextIO

TOKEN_SHAPE = re.compile(r"\d{1,20}:[A-Za-z0-9_-]{20,}")
REDACTED = "[redacted]"
OWN_LOGGERS = ("bot", "handlers", "alembic", "migrations")

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
    "matplotlib",
    "PIL",
    "aiohttp",
    "asyncpg",
)


# Loggers whose message is itself formatted from data: asyncio writes the task, the callback
# and the exception's repr into the text ("Task exception was never retrieved ...
# exception=ValueError('...')"), so even its template is withheld.
WITHHELD_LOGGERS = ("asyncio",)


def _within(name: str, loggers: tuple[str, ...]) -> bool:
    return any(name == top or name.startswith(top + ".") for top in loggers)


def _own(name: str) -> bool:
    return _within(name, OWN_LOGGERS)


class ScrubForeign(logging.Filter):
    """Keep only the template of another library's record: its arguments and exception text
    may be a whole update, with her id, name and words in it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _own(record.name):
            return True
        template = record.msg if isinstance(record.msg, str) else type(record.msg).__name__
        if _within(record.name, WITHHELD_LOGGERS):
            template = "message withheld"
        if record.exc_info and record.exc_info[1] is not None:
            template = f"{template} [{type(record.exc_info[1]).__name__}]"
        record.msg = template
        record.args = None
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True


class Redactor:
    """Blanks the configured secrets and anything shaped like a bot token from a text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        # Longest first, so that a secret containing another is blanked whole.
        self.secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return TOKEN_SHAPE.sub(REDACTED, text)


class RedactTokens(logging.Filter):
    """Blank the configured secrets and anything shaped like a bot token."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._clean = Redactor(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self._clean(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            cleaned = self._clean(text)
            if cleaned != text:
                record.exc_info, record.exc_text = None, cleaned
        return True


class JsonLines(logging.Formatter):
    """One JSON object per line (LOG_FORMAT=json), built from the record after the filters:
    the same guarantees as the text format, in a shape log collectors read."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            data["exception"] = record.exc_text
        return json.dumps(data, ensure_ascii=False)


# LOG_FORMAT's values, each with its formatter.
FORMATS: dict[str, Callable[[], logging.Formatter]] = {
    "text": lambda: logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"),
    "json": JsonLines,
}


class _OurHandler(logging.StreamHandler[TextIO]):
    """Marks the handler this module installed, so configuring again replaces only it."""


def configure(
    level: str, stream: TextIO | None = None, secrets: Iterable[str] = (), fmt: str = "text"
) -> None:
    """Install one stderr handler with both filters and quiet third parties."""
    handler = _OurHandler(stream or sys.stderr)
    handler.setFormatter(FORMATS[fmt]())  # the settings accept no other name
    handler.addFilter(ScrubForeign())
    handler.addFilter(RedactTokens(secrets))
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _OurHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    floor = max(logging.WARNING, logging.getLevelName(level))
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(floor)


def install_hooks(secrets: Iterable[str] = ()) -> None:
    """Print uncaught exceptions with the secrets blanked, for the rest of the process.

    Python's own hooks print a traceback as it is, and the library that rejects a token puts
    the whole token in its message. The main thread's traceback is kept whole but for the
    secrets: it is what an operator needs when start-up fails. Another thread's, or an
    exception raised where Python cannot raise it (`__del__`), could come from the middle of
    handling her update, so there only where it happened and the exception's type are written,
    as for other libraries' log records; the object involved is named by its type, never by its
    repr (a Telegram message's repr is all of it)."""
    clean = Redactor(secrets)

    def write(text: str) -> None:
        if sys.stderr is not None:
            sys.stderr.write(clean(text))
            sys.stderr.flush()

    def on_uncaught(
        kind: type[BaseException], error: BaseException, trace: TracebackType | None
    ) -> None:
        write("".join(traceback.format_exception(kind, error, trace)))

    def on_thread(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        name = args.thread.name if args.thread is not None else "unknown"
        write(f"Exception in thread {name}:\n{_frames(args.exc_type, args.exc_traceback)}")

    def on_unraisable(args: sys.UnraisableHookArgs) -> None:
        where = args.err_msg or "Exception ignored in"
        what = type(args.object).__name__ if args.object is not None else "unknown"
        write(f"{where}: a {what}\n{_frames(args.exc_type, args.exc_traceback)}")

    sys.excepthook = on_uncaught
    threading.excepthook = on_thread
    sys.unraisablehook = on_unraisable


def _frames(kind: type[BaseException], trace: TracebackType | None) -> str:
    """A traceback's frames (code, never data) and the exception's type, without its message."""
    lines = traceback.format_list(traceback.extract_tb(trace))  # none without a traceback
    return "Traceback (most recent call last):\n" + "".join(lines) + kind.__name__ + "\n"
