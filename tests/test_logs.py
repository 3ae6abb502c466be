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
