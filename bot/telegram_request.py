"""Calls to the Bot API that survive a bad moment on the way.

Telegram's servers (and the network in between) sometimes answer 500 or 502, drop a
connection, time out, or send back something that is not JSON. A call that changes nothing
if it happens twice is tried again, a few times, with a short pause; a call that could send
her a second copy of a message (sendMessage, sendPhoto) is not, because a second message on
her screen is worse than a missing one she can ask for again. 429 "retry after" is handled by
the rate limiter, which waits as long as Telegram says (see `bot.app`).
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

DEFAULT_NONE = BaseRequest.DEFAULT_NONE

log = logging.getLogger(__name__)

# Methods whose repetition is harmless: reads, edits to the same content, deletions,
# answers to a tap (a second answer is refused by Telegram, and ignored here).
SAFE_TO_REPEAT = frozenset(
    {
        "getMe",
        "getFile",
        "getUpdates",
        "setMyCommands",
        "setWebhook",
        "deleteWebhook",
        "editMessageText",
        "answerCallbackQuery",
        "deleteMessage",
        "deleteMessages",
        "leaveChat",
    }
)
ATTEMPTS = 3
PAUSE = 0.5  # seconds, doubled after each failed attempt


TRANSIENT_STATUS = frozenset({500, 502, 503, 504})


def _readable(payload: bytes) -> bool:
    try:
        json.loads(payload)
    except ValueError:
        return False
    return True


class RetryingRequest(HTTPXRequest):
    """PTB's HTTPX request, trying a call that is safe to repeat again after a failure of
    the way: 5xx, a dropped connection, a timeout, or a response that is not JSON."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = DEFAULT_NONE,
        write_timeout: Any = DEFAULT_NONE,
        connect_timeout: Any = DEFAULT_NONE,
        pool_timeout: Any = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        attempts = ATTEMPTS if api_method in SAFE_TO_REPEAT else 1
        pause = PAUSE
        for attempt in range(1, attempts + 1):
            last = attempt == attempts
            try:
                code, payload = await super().do_request(
                    url,
                    method,
                    request_data,
                    read_timeout=read_timeout,
                    write_timeout=write_timeout,
                    connect_timeout=connect_timeout,
                    pool_timeout=pool_timeout,
                )
            except (NetworkError, TimedOut) as exc:
                if last:
                    raise
                reason = type(exc).__name__
            else:
                if last or (code not in TRANSIENT_STATUS and _readable(payload)):
                    return code, payload
                reason = f"status {code}" if code in TRANSIENT_STATUS else "not JSON"
            log.info("%s failed (%s); trying again", api_method, reason)
            await asyncio.sleep(pause)
            pause *= 2
        raise AssertionError("unreachable")
