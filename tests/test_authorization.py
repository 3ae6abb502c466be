"""Nobody outside staff reaches the staff area, found by walking the registered handlers.

Every command handler whose command is not on the public menu is a staff command, and every
button handler with a pattern is a staff button handler; each is fed, by someone who is not
staff (and by a volunteer, for the admins' part), real and forged input. The answers must be
exactly those that anyone gets for unknown text and for an old button, and the database must
not change by one byte. A new staff handler is covered the day it is registered.
"""

from __future__ import annotations

from pathlib import Path

from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler

from bot.desk.callback import ADMIN_ONLY, Act, Tap, decode, encode
from bot.telegram.app import _commands
from tests import databases
from tests.directory_data import as_yaml, entry
from tests.harness import Harness, Person, standard_directory

ADMIN, ANNA = 630001, 630002


async def stored(harness: Harness) -> list[str]:
    """Every stored row, aggregate counts left out (anyone's taps add to them)."""
    return await databases.snapshot(harness.db_url, skip=("daily_counts", "weekly_need_place"))


def screen_of(person: Person) -> tuple[str, list[list[tuple[str, str]]]]:
    return person.screen.text, person.screen.buttons()


def notice(person: Person) -> str | None:
    answered = person.answer
    return answered.get("text") if answered is not None else None


def forged_taps(lang: str, numbers: list[int], args: list[str]) -> list[str]:
    return [
        encode(Tap(act, lang, number, arg)) for act in Act for number in numbers for arg in args
    ]


async def test_staff_handlers_refuse_everyone_else_without_a_trace(tmp_path: Path) -> None:
    async with Harness(tmp_path, admin_ids=str(ADMIN), directory=standard_directory()) as harness:
        assert harness.app is not None
        await harness.add_staff("volunteer", ANNA)

        # Something for forged data to aim at: an open proposal and a draft.
        anna = harness.person("en", user_id=ANNA)
        await anna.send("/volunteer")
        await anna.tap("Find by id")
        await anna.send("cn-shelter-ko")
        await anna.tap("Retire")
        await anna.tap("Submit for review")
        await anna.send("/volunteer")
        await anna.tap("Find by id")
        await anna.send("cn-shelter-zh")
        await anna.tap("Needs a change")
        numbers = [0, 1, 2]
        args = ["", "cn-shelter-ko", "cn-stale", "name-en", "ko", "cn", "shelter", "0", "email"]
        args.append(str(ANNA))

        outsider = harness.person("en")
        await outsider.send("/no_such_command")
        unknown = screen_of(outsider)
        await outsider.press("not-a-button")
        old_button = (screen_of(outsider), notice(outsider))
        before = await stored(harness)
        calls_before = len(harness.fake.api.calls)

        public = {command.command for command in _commands("en")}
        tried: dict[str, int] = {"command": 0, "button": 0, "text": 0, "file": 0}

        async def refused_like_unknown(person: Person, text: str) -> None:
            await person.send(text)
            assert screen_of(person) == unknown, (text, person.screen.text)

        async def refused_like_old(person: Person, data: str) -> None:
            await person.press(data)
            assert (screen_of(person), notice(person)) == old_button, (data, person.screen.text)

        async def walk(person: Person, only_admin: bool) -> None:
            for group in harness.app.handlers.values():  # type: ignore[union-attr]
                for handler in group:
                    if isinstance(handler, CommandHandler):
                        for command in sorted(handler.commands - public):
                            if only_admin and command == "volunteer":
                                continue  # a volunteer's own desk
                            for text in (f"/{command}", f"/{command} cn-shelter-ko"):
                                await refused_like_unknown(person, text)
                                tried["command"] += 1
                    elif isinstance(handler, CallbackQueryHandler) and handler.pattern:
                        taps = forged_taps("en", numbers, args)
                        for data in taps:
                            if only_admin and decode(data).act not in ADMIN_ONLY:
                                continue
                            await refused_like_old(person, data)
                            tried["button"] += 1
                    elif isinstance(handler, MessageHandler) and not only_admin:
                        await refused_like_unknown(person, "cn-shelter-ko")
                        await refused_like_unknown(person, "630009")
                        tried["text"] += 2
                        yaml_file = as_yaml([entry("cn-shelter-ko", name={"en": "Forged"})])
                        update = person.api.user_sends_file(
                            person.user, "x.yaml", yaml_file.encode()
                        )
                        await harness.deliver(update)
                        assert screen_of(person) == unknown
                        tried["file"] += 1

        await walk(outsider, only_admin=False)
        assert tried["command"] >= 3 * 2 and tried["file"] >= 1
        assert tried["button"] >= len(Act) * len(numbers) * len(args)
        by_outsider = dict(tried)
        await walk(anna, only_admin=True)  # a volunteer, where only admins may go
        assert tried["command"] - by_outsider["command"] >= 2  # an admin's command, bare and not
        assert tried["button"] - by_outsider["button"] >= len(ADMIN_ONLY) * len(numbers) * len(args)
        assert await stored(harness) == before
        fetched = [
            m for m, _p in harness.fake.api.calls[calls_before:] if m in ("getFile", "download")
        ]
        assert fetched == []  # her file was never even opened
        sent = [p for m, p in harness.fake.api.calls[calls_before:] if m == "sendMessage"]
        assert all(int(p["chat_id"]) in (outsider.chat_id, ANNA) for p in sent)
