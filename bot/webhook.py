"""Webhook mode: Telegram pushes updates to a small aiohttp server behind a TLS proxy.

A custom server rather than python-telegram-bot's built-in one, for three things it lacks: the
secret header compared in constant time, a `/healthz` that says only whether the database
answers, and a shutdown that stops taking updates, finishes those in flight and saves the
counts. Nothing from a request body is ever logged, and there is no access log: the proxy's
log is the place for addresses, and it never sees the body either.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import signal
from urllib.parse import urlsplit

from aiohttp import web
from sqlalchemy import text
from telegram import Update
from telegram.ext import Application

from bot.settings import Settings, SettingsError

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # nosec B105
MAX_BODY = 1024 * 1024  # Telegram's updates are far smaller
HEALTH_TIMEOUT = 3.0


def listen_address(settings: Settings) -> tuple[str, int]:
    host, _sep, port = settings.webhook_listen.rpartition(":")
    return host.strip("[]"), int(port)


def webhook_path(settings: Settings) -> str:
    return urlsplit(settings.webhook_url).path or "/"


def require_secret(settings: Settings) -> str:
    if settings.webhook_secret is None:
        raise SettingsError(
            "WEBHOOK_SECRET is not set: a webhook needs 1-256 characters of A-Z, a-z, 0-9, _ and -"
        )
    return settings.webhook_secret.get_secret_value()


class WebhookServer:
    """The HTTP side of webhook mode: `/healthz`, and the webhook path."""

    def __init__(self, application: Application, settings: Settings) -> None:  # type: ignore[type-arg]
        self.application = application
        self.settings = settings
        self.secret = require_secret(settings).encode()
        self.accepting = True
        self.in_flight = 0
        self._runner: web.AppRunner | None = None
        self.port = 0

    def web_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_post(webhook_path(self.settings), self.receive)
        app.router.add_get("/healthz", self.health)
        return app

    async def start(self) -> None:
        host, port = listen_address(self.settings)
        self._runner = web.AppRunner(self.web_app(), access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        server = site._server  # the bound port, when asked for port 0 (tests)
        sockets = getattr(server, "sockets", None) or []
        self.port = sockets[0].getsockname()[1] if sockets else port
        log.info("webhook server listening on %s:%d", host, self.port)

    async def stop(self) -> None:
        """Refuse new updates (Telegram sends them again later, or to another process), then
        close the server once the requests in flight have been queued."""
        self.accepting = False
        if self._runner is not None:
            await self._runner.cleanup()

    async def receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self.secret):
            return web.Response(status=403)
        if not self.accepting:
            return web.Response(status=503)
        self.in_flight += 1
        try:
            try:
                data = await request.json(loads=json.loads)
                update = Update.de_json(data, self.application.bot)
            except Exception as exc:  # malformed: say so, and nothing about what it held
                log.warning("a webhook request could not be read (%s)", type(exc).__name__)
                return web.Response(status=400)
            if update is None:
                return web.Response(status=400)
            await self.application.update_queue.put(update)
            return web.Response(status=200)
        finally:
            self.in_flight -= 1

    async def health(self, _request: web.Request) -> web.Response:
        """200 if the database answers, 503 if not; nothing else is said."""
        engine = self.application.bot_data.get("engine")
        try:
            if engine is None:
                raise RuntimeError("not started")
            async with asyncio.timeout(HEALTH_TIMEOUT):
                async with engine.connect() as connection:
                    # A real table, so that a locked or emptied database is not "healthy".
                    await connection.execute(text("SELECT version_num FROM alembic_version"))
        except Exception as exc:
            log.warning("health check: the database does not answer (%s)", type(exc).__name__)
            return web.json_response({"ok": False}, status=503)
        return web.json_response({"ok": True})


async def serve(application: Application, settings: Settings, allowed_updates: list[str]) -> None:  # type: ignore[type-arg]
    """Run in webhook mode until SIGTERM or SIGINT, then stop gracefully."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    server = WebhookServer(application, settings)
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        await server.start()
        await application.bot.set_webhook(
            url=settings.webhook_url,
            secret_token=server.secret.decode(),
            allowed_updates=allowed_updates,
            drop_pending_updates=False,
        )
        log.info("started (webhook)")
        await stop.wait()
        log.info("stopping: no new updates; finishing those in flight")
        # The webhook stays registered: another process may be serving it, and Telegram keeps
        # what it cannot deliver for when this one is back.
        await server.stop()
        await application.stop()
    finally:
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
        await application.shutdown()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
