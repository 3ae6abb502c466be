"""The Bot API transport on its own: what reaches the server, and what its errors carry.

The rest of the suite drives it through the whole bot against the fake Bot API; these tests
pin what the suite would not notice: a failure never carries the URL (it holds the token),
a silent server ends in PTB's `TimedOut`, and a file goes up as multipart with its fields.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import InputFile
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter  # how PTB builds a call

from bot.telegram.request import AiohttpRequest

SECRET = "987654:transport-token-canary-that-must-not-travel"


@pytest.fixture
async def transport() -> AsyncIterator[AiohttpRequest]:
    request = AiohttpRequest(read_timeout=0.3, connect_timeout=0.3, pool_timeout=0.3)
    await request.initialize()
    yield request
    await request.shutdown()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("where", ["refused", "malformed"])
async def test_a_failed_call_is_a_network_error_without_the_url(
    transport: AiohttpRequest, where: str
) -> None:
    """aiohttp names the URL in some errors (a malformed TELEGRAM_API_URL, say), and the URL
    holds the token: the error passed on names the kind of failure only."""
    port = _closed_port() if where == "refused" else 99999
    with pytest.raises(NetworkError) as raised:
        await transport.do_request(f"http://127.0.0.1:{port}/bot{SECRET}/getMe", "POST")
    assert SECRET not in str(raised.value)
    assert raised.value.__cause__ is None and raised.value.__suppress_context__


async def test_a_server_that_never_answers_is_a_timeout(transport: AiohttpRequest) -> None:
    accepted: list[asyncio.StreamWriter] = []

    async def hold(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(writer)  # read nothing, answer nothing

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        with pytest.raises(TimedOut) as raised:
            await transport.do_request(f"http://127.0.0.1:{port}/bot{SECRET}/getMe", "POST")
        assert SECRET not in str(raised.value)
        assert accepted, "the request reached the server before timing out"
    finally:
        for writer in accepted:
            writer.close()
        server.close()
        await server.wait_closed()


async def test_fields_and_files_arrive_as_the_bot_api_expects(transport: AiohttpRequest) -> None:
    seen: list[dict[str, object]] = []

    async def handle(request: web.Request) -> web.Response:
        form = await request.post()
        photo = form["photo"]
        assert isinstance(photo, web.FileField)
        seen.append(
            {
                "type": request.content_type,
                "chat_id": form["chat_id"],
                "caption": form["caption"],
                "file": (photo.filename, photo.file.read()),
            }
        )
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_post("/bot{token}/sendPhoto", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    data = RequestData(
        [
            RequestParameter("chat_id", 42, None),
            RequestParameter("caption", "총계 · 统计 · totals", None),
            RequestParameter.from_input("photo", InputFile(b"\x89PNG-bytes", filename="c.png")),
        ]
    )
    try:
        status, payload = await transport.do_request(
            f"http://127.0.0.1:{port}/bot{SECRET}/sendPhoto", "POST", data
        )
    finally:
        await runner.cleanup()
    assert (status, payload) == (200, b'{"ok": true, "result": true}')
    assert seen == [
        {
            "type": "multipart/form-data",
            "chat_id": "42",
            "caption": "총계 · 统计 · totals",
            "file": ("c.png", b"\x89PNG-bytes"),
        }
    ]


async def _serve(app: web.Application) -> tuple[web.AppRunner, int]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, int(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]


async def test_a_redirect_is_not_followed(transport: AiohttpRequest) -> None:
    """A 307 would repeat the call, her words included, to wherever it points."""
    elsewhere: list[bytes] = []

    async def catch(request: web.Request) -> web.Response:
        elsewhere.append(await request.read())
        return web.json_response({"ok": True, "result": True})

    other = web.Application()
    other.router.add_post("/{tail:.*}", catch)
    other_runner, other_port = await _serve(other)

    async def redirect(_request: web.Request) -> web.Response:
        raise web.HTTPTemporaryRedirect(f"http://127.0.0.1:{other_port}/collect")

    api = web.Application()
    api.router.add_post("/{tail:.*}", redirect)
    api_runner, api_port = await _serve(api)
    data = RequestData([RequestParameter("text", "words of hers", None)])
    try:
        status, _payload = await transport.do_request(
            f"http://127.0.0.1:{api_port}/bot{SECRET}/sendMessage", "POST", data
        )
    finally:
        await api_runner.cleanup()
        await other_runner.cleanup()
    assert status == 307
    assert elsewhere == []


async def test_the_environment_s_proxy_is_used_and_no_proxy_respected(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    through: list[str] = []

    async def forward(request: web.Request) -> web.Response:
        through.append(request.host)
        return web.json_response({"ok": True, "result": True})

    proxy = web.Application()
    proxy.router.add_route("*", "/{tail:.*}", forward)
    runner, port = await _serve(proxy)
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("NO_PROXY", "direct.invalid")
    transport = AiohttpRequest(read_timeout=1, connect_timeout=1, pool_timeout=1)
    await transport.initialize()
    try:
        status, _payload = await transport.do_request(
            f"http://api.telegram.invalid/bot{SECRET}/getMe", "POST"
        )
        with pytest.raises(NetworkError):  # straight to a host that does not exist
            await transport.do_request(f"http://direct.invalid/bot{SECRET}/getMe", "POST")
    finally:
        await transport.shutdown()
        await runner.cleanup()
    assert status == 200
    assert through == ["api.telegram.invalid"]
