"""Logging: tokens are blanked, chatty libraries are held at WARNING even at DEBUG."""

from __future__ import annotations

import io
import logging

from bot import logs
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
    out = stream.getvalue()
    assert TOKEN not in out
    assert out.count(logs.REDACTED) == 3


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
    assert "update 12 failed" in out


def test_the_configured_token_is_redacted_whatever_its_shape() -> None:
    stream = io.StringIO()
    short = "12:short-token-shape"
    logs.configure("INFO", stream, secrets=[short])
    logging.getLogger("bot.x").warning("url /bot%s/getMe", short)
    assert short not in stream.getvalue()


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
    assert len(lines) == 3 and all(" ERROR asyncio: " in line for line in lines), out
    assert "[ValueError]" in lines[0] and "[KeyError]" in lines[2]
