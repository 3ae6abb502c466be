"""Nothing about a user is ever written: the real `helpline run` at DEBUG, searched byte by byte.

Distinctive canary values (user id, username, names, typed text, a shared phone number) go
through the real bot process; then every file the run wrote (database and its journal, the log,
its home and temp folders, anything changed in the project) is searched for them.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

from tests.directory_data import as_yaml, standard_entries
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.harness import load_directory

PROJECT = Path(__file__).resolve().parent.parent
USER_ID = 7390218465
USER = {
    "id": USER_ID,
    "is_bot": False,
    "first_name": "Qanaryfirst",
    "last_name": "Qanarylast",
    "username": "zq_canary_user",
    "language_code": "ko",
}
TYPED = "canary-text-7f3e9 I am in Yanji"
PHONE = "+8613912345678"


def canaries() -> dict[str, list[bytes]]:
    found: dict[str, list[bytes]] = {
        "user id": [str(USER_ID).encode(), USER_ID.to_bytes(8, "big"), USER_ID.to_bytes(6, "big")],
        "username": [b"zq_canary_user"],
        "first name": [b"Qanaryfirst"],
        "last name": [b"Qanarylast"],
        "typed text": [b"canary-text-7f3e9"],
        "phone": [PHONE.encode(), b"8613912345678"],
    }
    return found


def files_written(roots: list[Path], since: float) -> list[Path]:
    written = []
    for root in roots:
        for path in root.rglob("*"):
            if ".git" in path.parts or not path.is_file():
                continue
            if root == PROJECT and path.stat().st_mtime < since:
                continue
            written.append(path)
    return written


async def _wait_until(predicate, within: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + within
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError
        await asyncio.sleep(0.02)


async def drive_canary_user(fake: FakeTelegram) -> None:
    api = fake.api

    async def message(text: str | None = None, **content: object) -> None:
        update = api.user_sends(USER, text, **content)
        await fake.notify()
        message_id = update["message"]["message_id"]
        await _wait_until(lambda: message_id not in api.messages.get(USER_ID, {}))

    async def tap(label_part: str | None, data: str | None = None) -> None:
        screen = api.last_bot_message(USER_ID)
        if label_part is not None:
            data = next(d for row in screen.buttons() for lb, d in row if label_part in lb)
        before = len(api.calls)
        api.user_taps(USER, screen, data)
        await fake.notify()
        await _wait_until(lambda: any(m == "editMessageText" for m, _ in api.calls[before:]))

    await message("/start")
    await tap("중국에")
    await tap("안전하게 지낼 곳")
    await tap("세 언어 쉼터")
    await tap("뒤로")
    await message(TYPED)
    await message(contact={"phone_number": PHONE, "first_name": "Qanaryfirst", "user_id": USER_ID})
    await message(location={"latitude": 42.90, "longitude": 129.51})
    await tap(None, data=f"forged {TYPED}"[:60])
    await message("/help")
    await message("/about")


async def test_nothing_identifying_is_written_anywhere(tmp_path: Path) -> None:
    started = time.time()
    home, temp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir()
    temp.mkdir()
    db_url = f"sqlite+aiosqlite:///{tmp_path / 'helpline.db'}"
    await load_directory(db_url, as_yaml(standard_entries()))
    fake = FakeTelegram()
    await fake.start()
    log_path = tmp_path / "bot.log"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "TMPDIR": str(temp),
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": fake.url,
        "DATABASE_URL": db_url,
        "LOG_LEVEL": "DEBUG",
        "PYTHONPATH": str(PROJECT),
    }
    with log_path.open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env, stdout=log, stderr=log
        )
        try:
            await fake.wait_for(lambda: fake.offsets, within=60)
            await drive_canary_user(fake)
            process.send_signal(signal.SIGTERM)
            await fake.release_polls()
            code = await asyncio.wait_for(process.wait(), 30)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
            await fake.close()
    assert code == 0

    logged = log_path.read_text("utf-8")
    assert "DEBUG" in logged or "INFO" in logged  # the log was really written
    assert TOKEN not in logged

    written = files_written([tmp_path, PROJECT], started)
    assert tmp_path / "helpline.db" in written
    leaks = []
    for path in written:
        data = path.read_bytes()
        for name, needles in canaries().items():
            if any(needle in data for needle in needles):
                leaks.append(f"{name} in {path}")
    assert not leaks, leaks
