"""Logging: tokens are blanked, chatty libraries are held at WARNING even at DEBUG."""

from __future__ import annotations

import io
import json
import logging
import re
import sys
import threading
import traceback
import types
from types import TracebackType

import pytest

from bot import logs, settings
from bot.settings import Settings
from tests.fake_telegram import TOKEN


def test_tokens_are_redacted_everywhere() -> None:
    stream = io.StringIO()
    logs.configure("DEBUG", stream)
    log = logging.getLogger("bot.test")
    log.warning("calling https://api.example/bot%s/getMe", TOKEN)
    log.warning(f"inline {TOKEN}")
    try:
        raise RuntimeError(f"url /bot{TOKEN}/sendMessage")
    except RuntimeError:
        log.exception("failed")
    log.error("failed too", exc_info=RuntimeError(f"url /bot{TOKEN}/getMe"))  # never raised
    out = stream.getvalue()
    assert TOKEN not in out
    assert out.count(logs.REDACTED) == 4


def test_third_party_loggers_stay_quiet_at_debug() -> None:
    stream = io.StringIO()
    logs.configure("DEBUG", stream)
    for name in ("telegram.ext.Application", "httpx", "httpcore.http11", "sqlalchemy.engine"):
        logging.getLogger(name).debug("Processing update {'from': {'id': 123456789}}")
        logging.getLogger(name).info("HTTP Request: POST https://x/bot1/sendMessage")
    logging.getLogger("bot.x").debug("our own debug line")
    out = stream.getvalue()
    assert "123456789" not in out and "HTTP Request" not in out
    assert "our own debug line" in out


def test_foreign_errors_keep_only_their_template() -> None:
    """python-telegram-bot logs unparsable payloads at CRITICAL; none of it may reach the log."""
    stream = io.StringIO()
    logs.configure("INFO", stream)
    payload = {"from": {"id": 7390218465, "username": "zq_leak"}, "text": "I am in Yanji"}
    logging.getLogger("telegram.Bot").critical("Error while parsing updates! Received %r", payload)
    logging.getLogger("telegram.ext.Updater").error(payload)
    try:
        raise ValueError(f"bad data {payload}")
    except ValueError:
        logging.getLogger("telegram.ext.Application").exception("Error while building context")
    logging.getLogger("bot.mine").warning("update %s failed", 12)
    out = stream.getvalue()
    assert "7390218465" not in out and "zq_leak" not in out and "Yanji" not in out
    assert "Error while parsing updates! Received %r" in out
    assert "Error while building context [ValueError]" in out
    assert "ERROR telegram.ext.Updater: dict\n" in out  # an object logged: its type, never it
    assert "update 12 failed" in out


def test_the_configured_token_is_redacted_whatever_its_shape() -> None:
    stream = io.StringIO()
    short = "12:short-token-shape"
    logs.configure("INFO", stream, secrets=[short])
    logging.getLogger("bot.x").warning("url /bot%s/getMe", short)
    assert short not in stream.getvalue()
    assert f"url /bot{logs.REDACTED}/getMe" in stream.getvalue()  # the line itself was written


def test_asyncio_records_keep_only_their_level_logger_and_exception_type() -> None:
    """asyncio formats the exception and the task into the message itself ("Task exception was
    never retrieved ... exception=ValueError('...')"): nothing of it may reach the log."""
    import asyncio
    import gc

    canary = "Yanji-canary-7731"
    stream = io.StringIO()
    logs.configure("DEBUG", stream)

    async def fails(words: str) -> None:
        raise ValueError(f"she wrote {words}")

    loop = asyncio.new_event_loop()
    try:
        task = loop.create_task(fails(canary))
        loop.run_until_complete(asyncio.sleep(0.01))
        del task  # never retrieved: asyncio logs it when the task is collected
        gc.collect()
    finally:
        loop.close()
    logging.getLogger("asyncio").error("Executing %s took %.3f seconds", canary, 1.5)
    try:
        raise KeyError(canary)
    except KeyError:
        logging.getLogger("asyncio").exception("Exception in callback %r", canary)
    out = stream.getvalue()
    assert canary not in out, out
    lines = out.strip().splitlines()
    assert [line.split(" ", 2)[2] for line in lines] == [
        "ERROR asyncio: message withheld [ValueError]",
        "ERROR asyncio: message withheld",
        "ERROR asyncio: message withheld [KeyError]",
    ], out


def test_a_foreign_error_never_raised_still_names_its_type() -> None:
    """An exception handed to a log call without having been raised has no traceback; its
    type is still all that is written of it."""
    stream = io.StringIO()
    logs.configure("INFO", stream)
    error = ValueError("she wrote Yanji-canary-7731")
    assert error.__traceback__ is None
    logging.getLogger("telegram.ext.Application").error("Error while handling", exc_info=error)
    assert stream.getvalue().split(" ", 2)[2] == (
        "ERROR telegram.ext.Application: Error while handling [ValueError]\n"
    )


def test_a_secret_that_holds_another_is_blanked_whole() -> None:
    """Secrets are blanked longest first: blanking the shorter one inside the longer first would
    leave the rest of the longer one in the clear."""
    shorter, longer = "secret-b77", "a-secret-b77-c"  # the shorter also sorts after the longer
    clean = logs.Redactor([shorter, longer])
    assert clean(f"url /{longer}/ and /{shorter}/") == "url /[redacted]/ and /[redacted]/"


SECRET = "webhook-secret-9f3a1c77"


@pytest.fixture
def hooks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Python's hooks as they were, once the test is over."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(sys, "unraisablehook", sys.unraisablehook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)


def raised(error: BaseException) -> tuple[type[BaseException], BaseException, TracebackType]:
    def deeper() -> None:
        raise error

    try:
        deeper()
    except BaseException as caught:  # the test hands it to a hook, as Python would
        assert caught.__traceback__ is not None
        return type(caught), caught, caught.__traceback__


def frames_and_type(kind: type[BaseException], trace: TracebackType) -> str:
    """Where an exception happened, as Python prints a traceback's frames, and its type."""
    frames = "".join(traceback.format_list(traceback.extract_tb(trace)))
    return f"Traceback (most recent call last):\n{frames}{kind.__name__}\n"


def test_an_uncaught_error_at_start_up_is_printed_whole_but_for_the_secrets(
    hooks: None, capsys: pytest.CaptureFixture[str]
) -> None:
    logs.install_hooks([SECRET])
    kind, error, trace = raised(RuntimeError(f"start-up failed: {SECRET} and {TOKEN}"))
    sys.excepthook(kind, error, trace)
    printed = capsys.readouterr().err
    whole = "".join(traceback.format_exception(kind, error, trace))
    assert printed == whole.replace(SECRET, logs.REDACTED).replace(TOKEN, logs.REDACTED)
    assert "start-up failed: [redacted] and [redacted]" in printed


def test_another_thread_s_error_is_printed_as_frames_and_type_only(
    hooks: None, capsys: pytest.CaptureFixture[str]
) -> None:
    logs.install_hooks([SECRET])
    kind, error, trace = raised(ValueError("she wrote Yanji-canary-7731"))
    worker = threading.Thread(name="worker-7")
    threading.excepthook(threading.ExceptHookArgs((kind, error, trace, worker)))
    threading.excepthook(threading.ExceptHookArgs((kind, error, trace, None)))
    threading.excepthook(threading.ExceptHookArgs((*raised(SystemExit(3)), worker)))
    printed = capsys.readouterr().err
    assert printed == (
        f"Exception in thread worker-7:\n{frames_and_type(kind, trace)}"
        f"Exception in thread unknown:\n{frames_and_type(kind, trace)}"
    )  # and a thread's SystemExit is no error: nothing


def test_an_error_python_cannot_raise_names_the_object_by_its_type_only(
    hooks: None, capsys: pytest.CaptureFixture[str]
) -> None:
    class Message:
        def __repr__(self) -> str:
            return "Message(text='Yanji-canary-7731')"

    logs.install_hooks([SECRET])
    kind, error, trace = raised(KeyError("Yanji-canary-7731"))
    for err_msg, what in ((None, Message()), ("Exception ignored while closing", None)):
        sys.unraisablehook(
            types.SimpleNamespace(
                exc_type=kind, exc_value=error, exc_traceback=trace, err_msg=err_msg, object=what
            )  # type: ignore[arg-type]
        )
    sys.unraisablehook(
        types.SimpleNamespace(
            exc_type=kind, exc_value=error, exc_traceback=None, err_msg=None, object=None
        )  # type: ignore[arg-type]
    )
    printed = capsys.readouterr().err
    assert printed == (
        f"Exception ignored in: a Message\n{frames_and_type(kind, trace)}"
        f"Exception ignored while closing: a unknown\n{frames_and_type(kind, trace)}"
        "Exception ignored in: a unknown\nTraceback (most recent call last):\nKeyError\n"
    )


def test_json_lines_carry_the_same_filtered_records() -> None:
    stream = io.StringIO()
    logs.configure("INFO", stream, secrets=[SECRET], fmt="json")
    own = logging.getLogger("bot.json")
    own.warning("update %s failed in 쉼터", 12)
    try:
        raise OSError("disk full")
    except OSError:
        own.exception("could not write")
    try:
        raise OSError(f"refused {SECRET}")
    except OSError:
        own.error("could not connect", exc_info=True)
    logging.getLogger("httpx").warning("HTTP Request: %s", f"https://x/bot{TOKEN}/getMe")
    lines = stream.getvalue().splitlines()
    assert "쉼터" in lines[0]  # written as it is, not as \\u escapes
    records = [json.loads(line) for line in lines]
    assert [set(r) for r in records] == [
        {"time", "level", "logger", "message"},
        {"time", "level", "logger", "message", "exception"},
        {"time", "level", "logger", "message", "exception"},
        {"time", "level", "logger", "message"},
    ]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}", r["time"]) for r in records)
    assert [(r["level"], r["logger"], r["message"]) for r in records] == [
        ("WARNING", "bot.json", "update 12 failed in 쉼터"),
        ("ERROR", "bot.json", "could not write"),
        ("ERROR", "bot.json", "could not connect"),
        ("WARNING", "httpx", "HTTP Request: %s"),
    ]
    assert records[1]["exception"].startswith("Traceback (most recent call last):")
    assert records[1]["exception"].endswith("OSError: disk full")
    assert records[2]["exception"].endswith(f"OSError: refused {logs.REDACTED}")
    assert SECRET not in stream.getvalue() and TOKEN not in stream.getvalue()


@pytest.mark.parametrize("name", settings.LOG_FORMATS)
def test_each_log_format_the_settings_accept_has_a_formatter(name: str) -> None:
    """The settings' list is the logs' own: a name accepted there and missing here would stop
    the bot at start-up; one missing there could not be chosen."""
    assert tuple(logs.FORMATS) == settings.LOG_FORMATS
    assert Settings(log_format=f" {name.upper()} ").log_format == name
    stream = io.StringIO()
    logs.configure("INFO", stream, fmt=name)
    logging.getLogger("bot.formats").info("a line in %s", name)
    assert f"a line in {name}" in stream.getvalue()
