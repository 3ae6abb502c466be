"""Starting while the Bot API cannot be reached, and a health check that notices a revoked
token. Each bot here is a real `helpline run` process against a fake Bot API on loopback."""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from pathlib import Path

import aiohttp
import pytest

from tests import databases
from tests.directory_data import as_yaml, standard_entries
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.harness import load_directory
from tests.processes import BotProcess, free_port, start_bot

# What a start-up that did not clean up after itself leaves on stderr.
UNTIDY = ("Traceback", "Unclosed", "unclosed", "was never awaited", "withheld")


def assert_tidy(log: str) -> None:
    for sign in UNTIDY:
        assert sign not in log, log


async def finished(bot: BotProcess, within: float) -> int:
    return await asyncio.wait_for(bot.process.wait(), within)


@pytest.mark.parametrize("webhook", [True, False], ids=["webhook", "polling"])
async def test_the_bot_waits_for_the_bot_api_at_start(tmp_path: Path, webhook: bool) -> None:
    """Telegram (or the network to it) is away for a few seconds as the server boots: the
    bot says so on one line per try, tries again later and later, then starts."""
    db_url = databases.url_for(tmp_path)
    await load_directory(db_url, as_yaml(standard_entries()))
    fake = FakeTelegram()
    fake.faults["getMe"] = ["reset", "reset", "reset"]
    await fake.start()
    env = {"BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": fake.url, "DATABASE_URL": db_url}
    bot = await start_bot(tmp_path, "waits", {**env, "LOG_LEVEL": "INFO"}, webhook=webhook)
    try:
        if webhook:
            await bot.wait_healthy(within=60)
        else:
            await fake.wait_for(lambda: fake.offsets, within=60)
        tries = [t for t, method, _how in fake.timeline if method == "getMe"]
        gaps = [later - earlier for earlier, later in itertools.pairwise(tries)]
        assert len(tries) >= 4 and gaps[0] >= 0.8 and gaps[1] > gaps[0] * 1.5, gaps
        assert (await bot.terminate())[0] == 0
    finally:
        await bot.kill()
        await fake.close()
    logged = bot.log.read_text()
    waits = [line for line in logged.splitlines() if "could not be reached" in line]
    assert len(waits) == 3 and all("trying again in" in line for line in waits), logged
    assert_tidy(logged)


@pytest.mark.parametrize("webhook", [True, False], ids=["webhook", "polling"])
async def test_the_bot_gives_up_after_a_while_with_one_line(tmp_path: Path, webhook: bool) -> None:
    """Nothing listens where the Bot API should be: tries with growing pauses for
    BOT_API_WAIT_SECONDS, then a last line that says what failed, and exit 1 (so that
    systemd starts it again later, unlike a setting error's 2)."""
    env = {
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": f"http://127.0.0.1:{free_port()}",
        "DATABASE_URL": databases.url_for(tmp_path),
        "BOT_API_WAIT_SECONDS": "6",
        "LOG_LEVEL": "DEBUG",
    }
    started = time.monotonic()
    bot = await start_bot(tmp_path, "gives-up", env, webhook=webhook)
    try:
        code = await finished(bot, 60)
    finally:
        await bot.kill()
    took = time.monotonic() - started
    logged = bot.log.read_text()
    assert code == 1, logged
    assert 5 < took < 30, took
    lines = logged.strip().splitlines()
    waits = [line for line in lines if "trying again in" in line]
    pauses = [int(n) for n in re.findall(r"trying again in (\d+) s", logged)]
    assert len(waits) >= 2 and pauses == sorted(pauses) and pauses[-1] > pauses[0], logged
    assert lines[-1].startswith("helpline: ") and "could not be reached" in lines[-1], logged
    assert TOKEN.split(":")[1] not in logged
    assert_tidy(logged)


@pytest.mark.parametrize("webhook", [True, False], ids=["webhook", "polling"])
async def test_a_bot_api_lost_later_in_start_up_leaves_nothing_open(
    tmp_path: Path, webhook: bool
) -> None:
    """The first call is answered, then the connection drops for every retry of the next:
    one line, exit 1, and every connection closed on the way out."""
    db_url = databases.url_for(tmp_path)
    fake = FakeTelegram()
    fake.faults["getMe"] = ["ok", "reset", "reset", "reset"]
    await fake.start()
    env = {"BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": fake.url, "DATABASE_URL": db_url}
    bot = await start_bot(tmp_path, "lost", env, webhook=webhook)
    try:
        code = await finished(bot, 60)
    finally:
        await bot.kill()
        await fake.close()
    logged = bot.log.read_text()
    assert code == 1, logged
    assert logged.strip().splitlines()[-1].startswith("helpline: "), logged
    assert_tidy(logged)


async def health(bot: BotProcess, session: aiohttp.ClientSession) -> tuple[int, object]:
    async with session.get(bot.base + "/healthz") as reply:
        return reply.status, await reply.json()


async def health_becomes(
    bot: BotProcess, session: aiohttp.ClientSession, status: int, within: float = 20.0
) -> tuple[int, object]:
    deadline = time.monotonic() + within
    seen = await health(bot, session)
    while seen[0] != status and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        seen = await health(bot, session)
    return seen


async def test_health_turns_red_when_the_token_is_revoked(tmp_path: Path) -> None:
    """No one uses the bot for a while and the token is revoked at @BotFather: monitoring
    must see it without waiting for a user to find the bot dead."""
    db_url = databases.url_for(tmp_path)
    await load_directory(db_url, as_yaml(standard_entries()))
    fake = FakeTelegram()
    await fake.start()
    env = {"BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": fake.url, "DATABASE_URL": db_url}
    bot = await start_bot(tmp_path, "revoked", env)
    try:
        await bot.wait_healthy()
        async with aiohttp.ClientSession() as session:
            assert (await health(bot, session))[0] == 200
            fake.token = "4839574812:ANewTokenAfterTheOldWasRevoked_abcd"
            seen = await health_becomes(bot, session, 503)
            assert seen[0] == 503, f"/healthz still says {seen} with the token revoked"
            assert seen[1] == {"ok": False, "database": True, "bot_api": False}
            fake.token = TOKEN  # as if the right token were back (a restart with the new one)
            seen = await health_becomes(bot, session, 200)
            assert seen == (200, {"ok": True, "database": True, "bot_api": True}), seen
        assert (await bot.terminate())[0] == 0
    finally:
        await bot.kill()
        await fake.close()
    logged = bot.log.read_text()
    assert "refused the token" in logged and TOKEN.split(":")[1] not in logged


async def test_each_process_listens_where_its_listen_option_says(tmp_path: Path) -> None:
    """The template unit starts `run --listen 127.0.0.1:%i`: the address comes from the
    instance name whatever WEBHOOK_LISTEN the settings file or the environment hold."""
    db_url = databases.url_for(tmp_path)
    fake = FakeTelegram()
    await fake.start()
    elsewhere, wanted = free_port(), free_port()
    settings = tmp_path / "helpline.env"
    settings.write_text(f"WEBHOOK_LISTEN=127.0.0.1:{elsewhere}\n", "utf-8")
    env = {
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": fake.url,
        "DATABASE_URL": db_url,
        "HELPLINE_ENV_FILE": str(settings),
    }
    bot = await start_bot(tmp_path, "listen", env, extra=["--listen", f"127.0.0.1:{wanted}"])
    bot.port = wanted
    try:
        await bot.wait_healthy()
        assert (await bot.terminate())[0] == 0
    finally:
        await bot.kill()
        await fake.close()


async def test_an_address_in_use_is_one_line_and_no_restart(tmp_path: Path) -> None:
    """Two instances told the same port: the second says which address, and exits 2 (which
    the units do not restart), instead of a traceback every 5 seconds for ever."""
    fake = FakeTelegram()
    await fake.start()
    taken = await asyncio.start_server(lambda _r, _w: None, "127.0.0.1", 0)
    port = taken.sockets[0].getsockname()[1]
    env = {
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": fake.url,
        "DATABASE_URL": databases.url_for(tmp_path),
    }
    bot = await start_bot(tmp_path, "in-use", env, extra=["--listen", f"127.0.0.1:{port}"])
    try:
        code = await finished(bot, 60)
    finally:
        await bot.kill()
        await fake.close()
        taken.close()
    logged = bot.log.read_text()
    assert code == 2, logged
    last = logged.strip().splitlines()[-1]
    assert last.startswith("helpline: cannot listen on 127.0.0.1:") and str(port) in last, logged
    assert_tidy(logged)
