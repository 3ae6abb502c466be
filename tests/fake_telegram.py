"""A fake Bot API server on loopback, for running the real bot over real HTTP in tests.

It parses parameters the way Telegram does (form-encoded or JSON; PTB sends forms with nested
values JSON-encoded), serves getUpdates with real long polling and offsets, and hands every
other method to the in-memory LocalBotApi.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from aiohttp import web

from bot.telegram.local_api import ApiError, LocalBotApi

TOKEN = "4839574812:AAFakeTokenForTestsOnly_abcdefghijk12"

# Parameters that travel as JSON text inside a form.
JSON_PARAMS = {
    "reply_markup",
    "commands",
    "message_ids",
    "allowed_updates",
    "link_preview_options",
    "entities",
    "reply_parameters",
    "scope",
    "caption_entities",
}
INT_PARAMS = {
    "chat_id",
    "message_id",
    "offset",
    "limit",
    "timeout",
    "cache_time",
    "from_chat_id",
    "message_thread_id",
    "icon_color",
}
BOOL_PARAMS = {"protect_content", "show_alert", "disable_notification", "drop_pending_updates"}


def decode_params(raw: dict[str, str]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for key, value in raw.items():
        if key in JSON_PARAMS:
            params[key] = json.loads(value)
        elif key in INT_PARAMS:
            params[key] = int(value)
        elif key in BOOL_PARAMS:
            params[key] = value == "true"
        else:
            params[key] = value
    return params


class FakeTelegram:
    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.api = LocalBotApi()
        self.offsets: list[int] = []
        self.allowed_updates: list[list[str]] = []
        self.content_types: list[str] = []
        self.fail_next: dict[str, int] = {}  # method -> HTTP status to answer it with, once
        # method -> faults to answer its next calls with, in order: "429", "500", "502",
        # "timeout", "reset", "malformed" (see `_fault`), or "ok" for a call answered as usual;
        # and what was answered how, when.
        self.faults: dict[str, list[str]] = {}
        # method -> a gate its calls wait at until it is set: Telegram taking its time, held
        # exactly as long as a test wants.
        self.gates: dict[str, asyncio.Event] = {}
        self.timeline: list[tuple[float, str, str]] = []
        self.timeout_seconds = 6.0
        self._changed = asyncio.Condition()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"

    async def close(self) -> None:
        """Release every waiting long poll, then stop serving."""
        self._closing = True
        await self.notify()
        if self._runner is not None:
            await self._runner.cleanup()

    async def release_polls(self) -> None:
        self._closing = True
        await self.notify()

    async def notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def push(self, update: dict[str, Any]) -> dict[str, Any]:
        await self.notify()
        return update

    async def wait_for(self, predicate: Any, within: float = 10.0) -> None:
        async def wait() -> None:
            async with self._changed:
                await self._changed.wait_for(predicate)

        await asyncio.wait_for(wait(), within)

    async def wait_taken(self, update_id: int, within: float = 10.0) -> None:
        """Until the bot has confirmed `update_id` (asked for a higher offset)."""
        await self.wait_for(lambda: any(o > update_id for o in self.offsets), within)

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        self.content_types.append(request.content_type)
        params = await self._params(request)
        method = request.match_info["method"]
        gate = self.gates.get(method)
        if gate is not None:
            await gate.wait()
        planned = self.faults.get(method)
        fault = planned.pop(0) if planned else "ok"  # "ok": this one call answered as usual
        if fault != "ok":
            return await self._fault(request, method, params, fault)
        self.timeline.append((time.monotonic(), method, "ok"))
        status = self.fail_next.pop(method, None)
        if status is not None:
            self.api.calls.append((method, params))
            await self.notify()
            return web.json_response(
                {"ok": False, "error_code": status, "description": "Internal Server Error"},
                status=status,
            )
        try:
            if method.lower() == "getupdates":
                self.timeline.pop()  # polls are not part of the story
                result: Any = await self._get_updates(params)
            else:
                result = self.api.call(method, params)
        except ApiError as exc:
            return web.json_response(
                {"ok": False, "error_code": exc.code, "description": exc.description},
                status=exc.code,
            )
        finally:
            await self.notify()
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    async def _params(request: web.Request) -> dict[str, Any]:
        """A call's parameters, wherever PTB put them: query, JSON, a form, or a multipart
        form with files."""
        raw: dict[str, str] = dict(request.query)
        if request.content_type == "application/json":
            body = await request.json()
            raw.update({k: v if isinstance(v, str) else json.dumps(v) for k, v in body.items()})
        files: dict[str, bytes] = {}
        if request.content_type == "multipart/form-data":
            for key, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    files[key] = value.file.read()
                else:
                    raw[key] = str(value)
        elif request.can_read_body and request.content_type != "application/json":
            raw.update({k: str(v) for k, v in (await request.post()).items()})
        params = decode_params(raw)
        for key, data in files.items():  # PTB names the part and points at it: attach://name
            for name, value in list(params.items()):
                if value == f"attach://{key}":
                    params[name] = data
            params.setdefault(key, data)
        return params

    async def _fault(
        self, request: web.Request, method: str, params: dict[str, Any], fault: str
    ) -> web.StreamResponse:
        """Answer one call the way a bad moment on the way would."""
        self.timeline.append((time.monotonic(), method, fault))
        self.api.calls.append((f"{method}!{fault}", params))
        await self.notify()
        if fault == "429":
            body = {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 1",
                "parameters": {"retry_after": 1},
            }
            return web.json_response(body, status=429)
        if fault in ("500", "502"):
            body = {"ok": False, "error_code": int(fault), "description": "Bad Gateway"}
            return web.json_response(body, status=int(fault))
        if fault == "timeout":
            await asyncio.sleep(self.timeout_seconds)
            return web.json_response({"ok": True, "result": True})
        if fault == "reset":
            assert request.transport is not None
            request.transport.abort()
            return web.Response()
        if fault == "malformed":
            return web.Response(body=b'{"ok": tru', content_type="application/json")
        raise ValueError(f"unknown fault {fault}")

    async def _download(self, request: web.Request) -> web.Response:
        content = self.api.files.get(request.match_info["path"])
        if request.match_info["token"] != self.token or content is None:
            return web.Response(status=404)
        self.api.calls.append(("download", {"path": request.match_info["path"]}))
        return web.Response(body=content)

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset", 0))
        timeout = float(params.get("timeout", 0))
        if "allowed_updates" in params:
            self.allowed_updates.append(params["allowed_updates"])
        self.offsets.append(offset)
        await self.notify()
        if self._closing:
            return []

        def ready() -> bool:
            return self._closing or bool(self.api.take_updates(offset))

        try:
            async with self._changed:
                await asyncio.wait_for(self._changed.wait_for(ready), timeout)
        except TimeoutError:
            return []
        return self.api.take_updates(offset) if not self._closing else []
