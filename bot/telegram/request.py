"""Calls to the Bot API: over aiohttp, and surviving a bad moment on the way.

The transport is aiohttp, through python-telegram-bot's own extension point (`BaseRequest`):
every tap costs the helpline two or three calls, and PTB's default, httpx, spends several times
more CPU on each (docs/PERFORMANCE.md has the figures); aiohttp is already here for the
webhook server.

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
import os
import ssl
import urllib.parse
import urllib.request
from typing import Any

import aiohttp
import certifi
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

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
# What the Bot API answers a token it does not know (revoked, or never issued).
REFUSED_STATUS = frozenset({401, 404})


class BotApiStatus:
    """Whether the Bot API accepted the token at the last attempt to reach it, for /healthz.

    Every call's outcome is noted here, so that a revoked token turns the health check red at
    the next call, and a probe is needed only when the bot has been quiet. A change is logged
    once, without the token."""

    def __init__(self) -> None:
        self.outcome = "not asked"  # "accepted", "refused" or "no answer" once asked
        self.at = float("-inf")  # loop time of the last attempt's outcome

    @property
    def accepted(self) -> bool:
        return self.outcome == "accepted"

    def noted(self, code: int | None) -> None:
        if code is None or code in TRANSIENT_STATUS:
            outcome = "no answer"
        else:
            outcome = "refused" if code in REFUSED_STATUS else "accepted"
        if outcome != self.outcome and self.outcome != "not asked":
            if outcome == "refused":
                log.error("the Bot API refused the token: was it revoked at @BotFather?")
            elif outcome == "accepted":
                log.info("the Bot API accepts the token again")
            else:
                log.warning("the Bot API could not be reached")
        self.outcome = outcome
        self.at = asyncio.get_running_loop().time()

    def age(self) -> float:
        """Seconds since the last attempt's outcome."""
        return asyncio.get_running_loop().time() - self.at


def _readable(payload: bytes) -> bool:
    try:
        json.loads(payload)
    except ValueError:
        return False
    return True


def _seconds(value: Any, default: float | None) -> float | None:
    """A timeout passed to one call, or this transport's own when the call left it unset."""
    return default if isinstance(value, type(DEFAULT_NONE)) else value


class AiohttpRequest(BaseRequest):
    """Bot API calls over one aiohttp session with a pool of keep-alive connections.

    Timeouts mean what they mean for PTB's own transport: `connect_timeout` to open a
    connection, `pool_timeout` to wait for a free one, `read_timeout` between bytes of the
    answer; the write timeout (aiohttp has none per write) bounds the whole call together with
    the others (25 s for a volunteer's file download of at most 1 MB, by default). Errors
    become PTB's `TimedOut` and `NetworkError`, named by type only: an aiohttp error's text
    can hold the URL, and the URL holds the bot's token."""

    __slots__ = (
        "_defaults",
        "_media_write_timeout",
        "_pool_size",
        "_proxies",
        "_session",
        "status",
    )

    def __init__(
        self,
        *,
        connection_pool_size: int = 1,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
        status: BotApiStatus | None = None,
    ) -> None:
        self.status = status
        self._pool_size = connection_pool_size
        self._defaults = (read_timeout, write_timeout, connect_timeout, pool_timeout)
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[tuple[str, str], str | None] = {}

    @property
    def read_timeout(self) -> float | None:
        return self._defaults[0]

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            # Certificates are checked against certifi's bundle (or SSL_CERT_FILE), as PTB's
            # own transport does, so a slim image without system certificates works. The
            # environment is read here and in `_proxy_for`, once, not on every call as
            # aiohttp's `trust_env` would, and no ~/.netrc login is ever attached.
            cafile = os.environ.get("SSL_CERT_FILE") or certifi.where()
            context = ssl.create_default_context(cafile=cafile)
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size, ssl=context),
                headers={"User-Agent": self.USER_AGENT},
            )

    def _proxy_for(self, url: str) -> str | None:
        """The proxy named in the environment (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) for this
        URL's scheme and host, looked up once per host."""
        parts = urllib.parse.urlsplit(url)
        key = (parts.scheme, parts.hostname or "")
        if key not in self._proxies:
            proxies = urllib.request.getproxies_environment()
            chosen = proxies.get(parts.scheme)
            if chosen and urllib.request.proxy_bypass(parts.hostname or ""):
                chosen = None
            self._proxies[key] = chosen
        return self._proxies[key]

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    def _timeout(
        self, files: bool, read: Any, write: Any, connect: Any, pool: Any
    ) -> aiohttp.ClientTimeout:
        default_read, default_write, default_connect, default_pool = self._defaults
        read_s = _seconds(read, default_read)
        write_s = _seconds(write, self._media_write_timeout if files else default_write)
        connect_s = _seconds(connect, default_connect)
        pool_s = _seconds(pool, default_pool)
        parts = (read_s, write_s, connect_s, pool_s)
        return aiohttp.ClientTimeout(
            total=None if None in parts else sum(p for p in parts if p is not None),
            connect=None if pool_s is None or connect_s is None else pool_s + connect_s,
            sock_connect=connect_s,
            sock_read=read_s,
        )

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
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized")
        files = request_data.multipart_data if request_data else {}
        fields = request_data.json_parameters if request_data else {}
        body: aiohttp.FormData | dict[str, str] | None = fields or None
        if files:
            form = aiohttp.FormData()
            for name, value in fields.items():
                form.add_field(name, value)
            for name, (filename, content, mimetype) in files.items():
                form.add_field(name, content, filename=filename, content_type=mimetype)
            body = form
        timeout = self._timeout(
            bool(files), read_timeout, write_timeout, connect_timeout, pool_timeout
        )
        try:
            # Never redirected: a 307 would send her words on to wherever it pointed.
            async with self._session.request(
                method,
                url,
                data=body,
                timeout=timeout,
                allow_redirects=False,
                proxy=self._proxy_for(url),
            ) as answer:
                code, payload = answer.status, await answer.read()
        except TimeoutError:
            self._note(None)
            raise TimedOut from None
        except aiohttp.ClientError as exc:
            self._note(None)
            raise NetworkError(f"aiohttp.{type(exc).__name__}") from None
        self._note(code)
        return code, payload

    def _note(self, code: int | None) -> None:
        if self.status is not None:
            self.status.noted(code)


class RetryingRequest(AiohttpRequest):
    """Tries a call that is safe to repeat again after a failure of the way: 5xx, a dropped
    connection, a timeout, or a response that is not JSON."""

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
