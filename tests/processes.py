"""Real `helpline run` processes for tests: started, waited for, stopped with SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

PROJECT = Path(__file__).resolve().parent.parent
SECRET = "test-secret_0123456789"
HOOK_PATH = "/telegram/hook"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class BotProcess:
    process: asyncio.subprocess.Process
    log: Path
    port: int = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def post(
        self, session: aiohttp.ClientSession, update: dict[str, Any], secret: str | None = SECRET
    ) -> int:
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        async with session.post(self.base + HOOK_PATH, json=update, headers=headers) as reply:
            return reply.status

    async def healthy(self, session: aiohttp.ClientSession) -> tuple[int, Any]:
        async with session.get(self.base + "/healthz") as reply:
            return reply.status, await reply.json()

    async def wait_healthy(self, within: float = 60.0) -> None:
        deadline = time.monotonic() + within
        async with aiohttp.ClientSession() as session:
            while time.monotonic() < deadline:
                if self.process.returncode is not None:
                    raise AssertionError(f"the bot exited: {self.log.read_text()[-2000:]}")
                try:
                    if (await self.healthy(session))[0] == 200:
                        return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
        raise AssertionError(f"the bot did not come up: {self.log.read_text()[-2000:]}")

    async def terminate(self, within: float = 10.0) -> tuple[int, float]:
        """SIGTERM; (exit code, seconds it took)."""
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            code = await asyncio.wait_for(self.process.wait(), within)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
            raise AssertionError(f"no exit within {within} s after SIGTERM") from None
        return code, time.monotonic() - started

    async def kill(self) -> None:
        if self.process.returncode is None:
            self.process.kill()
            await self.process.wait()


async def start_bot(
    tmp_path: Path,
    name: str,
    env: dict[str, str],
    *,
    webhook: bool = True,
    extra: list[str] | None = None,
) -> BotProcess:
    port = free_port() if webhook else 0
    full = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "PYTHONPATH": str(PROJECT),
        "LOG_LEVEL": "DEBUG",
        **env,
    }
    if webhook:
        full |= {
            "WEBHOOK_URL": f"https://helpline.example.org{HOOK_PATH}",
            "WEBHOOK_SECRET": SECRET,
            "WEBHOOK_LISTEN": f"127.0.0.1:{port}",
        }
    log = tmp_path / f"{name}.log"
    handle = log.open("wb")
    args = [sys.executable, "-m", "bot", "run", *(["--webhook"] if webhook else []), *(extra or [])]
    process = await asyncio.create_subprocess_exec(
        *args, cwd=tmp_path, env=full, stdout=handle, stderr=handle
    )
    handle.close()
    return BotProcess(process, log, port)
