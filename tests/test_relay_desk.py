"""Talk to a person on the volunteer desk, through the real bot: going on and off duty, the
signature typed as the desk's pending question, and nothing of it where the relay is not set
up. Then the screens on their own, as data."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db.models import Staff
from bot.desk.callback import Act, Tap, decode, encode
from bot.desk.screens import duty as screens
from bot.i18n import Texts
from bot.relay import duty
from tests.harness import Harness, Person, standard_directory
from tests.test_relay_route import SECRET

GROUP = "-1001234567890"
MINA, ADMIN = 620001, 620002


@contextlib.asynccontextmanager
async def desk(tmp_path: Path, *, relay: bool = True) -> AsyncIterator[tuple[Harness, Person]]:
    settings = {"relay_chat_id": GROUP, "relay_key": SECRET} if relay else {}
    async with Harness(
        tmp_path, admin_ids=str(ADMIN), directory=standard_directory(), **settings
    ) as harness:
        await harness.add_staff("volunteer", MINA)
        mina = harness.person("en", user_id=MINA)
        await mina.send("/volunteer")
        yield harness, mina


async def row(harness: Harness, user_id: int) -> Staff:
    async with harness.core.sessions() as session:
        found = await session.scalar(select(Staff).where(Staff.user_id == user_id))
        assert found is not None
        return found


async def test_going_on_and_off_duty(tmp_path: Path) -> None:
    async with desk(tmp_path) as (harness, mina):
        assert "💬 Talk to a person: off duty" in mina.labels()
        await mina.tap("Talk to a person")
        assert "You are off duty" in mina.screen.text
        assert "Never ask for her name" in mina.screen.text
        await mina.tap("Go on duty")
        assert mina.answer is not None and mina.answer.get("text") == "You are on duty."
        assert "You are on duty" in mina.screen.text and "Go off duty" in " ".join(mina.labels())
        assert await duty.on_duty(harness.core.sessions) == [(MINA, "en")]
        await mina.tap("Volunteer desk")
        assert "💬 Talk to a person: on duty" in mina.labels()
        await mina.tap("Talk to a person")
        await mina.tap("Go off duty")
        assert await duty.on_duty(harness.core.sessions) == []
        assert "You are off duty" in mina.screen.text


async def test_an_old_duty_button_sets_what_it_says(tmp_path: Path) -> None:
    """A duty button names the state it sets: tapped twice (or from an old screen), it does
    not flip back."""
    async with desk(tmp_path) as (harness, mina):
        on = encode(Tap(Act.DUTY, "en", 0, "on"))
        await mina.press(on)
        await mina.press(on)
        assert (await row(harness, MINA)).on_duty


async def test_choosing_a_signature(tmp_path: Path) -> None:
    async with desk(tmp_path) as (harness, mina):
        await mina.tap("Talk to a person")
        assert "Your answers are not signed." in mina.screen.text
        await mina.tap("Choose a signature")
        assert "Send the first name" in mina.screen.text
        await mina.send("@mina_kim")
        assert "That is not a first name" in mina.screen.text
        assert (await row(harness, MINA)).signature is None
        await mina.send("Mina")  # the question stayed open
        assert "Saved." in mina.screen.text and "— Mina" in mina.screen.text
        assert (await row(harness, MINA)).signature == "Mina"
        await mina.tap("Remove the signature")
        assert (await row(harness, MINA)).signature is None
        assert "Your answers are not signed." in mina.screen.text


async def test_a_signature_question_ends_with_another_tap(tmp_path: Path) -> None:
    async with desk(tmp_path) as (harness, mina):
        await mina.tap("Talk to a person")
        await mina.tap("Choose a signature")
        await mina.tap("Cancel")
        await mina.send("Mina")
        assert (await row(harness, MINA)).signature is None


async def test_markup_in_a_signature_is_refused_and_never_echoed(tmp_path: Path) -> None:
    async with desk(tmp_path) as (harness, mina):
        await mina.tap("Talk to a person")
        await mina.tap("Choose a signature")
        await mina.send("<a href='https://x.example'>Mina</a>")
        assert "That is not a first name" in mina.screen.text
        assert "x.example" not in mina.screen.text
        assert (await row(harness, MINA)).signature is None


async def test_nothing_of_it_where_the_relay_is_not_set_up(tmp_path: Path) -> None:
    async with desk(tmp_path, relay=False) as (harness, mina):
        assert not any("Talk to a person" in label for label in mina.labels())
        home = mina.screen.text
        for act, arg in ((Act.RELAY, ""), (Act.DUTY, "on"), (Act.SIGNATURE, "")):
            await mina.press(encode(Tap(act, "en", 0, arg)))
            assert mina.screen.text == home, act
        staff_row = await row(harness, MINA)
        assert not staff_row.on_duty and staff_row.waiting_for is None


async def test_a_user_cannot_reach_it(tmp_path: Path) -> None:
    async with desk(tmp_path) as (harness, _mina):
        user = harness.person("en")
        await user.send("/start")
        await user.press(encode(Tap(Act.DUTY, "en", 0, "on")))
        assert "Go off duty" not in " ".join(user.labels())
        assert await duty.on_duty(harness.core.sessions) == []


@pytest.mark.parametrize("lang", ["ko", "zh", "en"])
@pytest.mark.parametrize("on_duty", [True, False])
def test_the_screen_as_data(lang: str, on_duty: bool) -> None:
    t = Texts(lang)
    tap = Tap(Act.RELAY, lang)
    view = screens.relay_desk(t, tap, on_duty=on_duty, signature="민아")
    acts = [decode(data).act for row in view.rows for _, data in row]
    assert acts == [Act.DUTY, Act.SIGNATURE, Act.SIGNATURE_CLEAR, Act.HOME]
    assert decode(view.rows[0][0][1]).arg == ("off" if on_duty else "on")
    assert "민아" in view.text
    assert all(decode(data).lang == lang for row in view.rows for _, data in row)
    unsigned = screens.relay_desk(t, tap, on_duty=on_duty, signature=None)
    assert Act.SIGNATURE_CLEAR not in [decode(d).act for row in unsigned.rows for _, d in row]


def test_a_signature_is_escaped_on_the_screen() -> None:
    view = screens.relay_desk(Texts("en"), Tap(Act.RELAY, "en"), on_duty=True, signature="A&B")
    assert "A&amp;B" in view.text and "A&B" not in view.text


def test_asking_for_a_signature() -> None:
    t = Texts("en")
    asked = screens.ask_signature(t, Tap(Act.SIGNATURE, "en"), longest=32)
    assert "32" in asked.text and "That is not" not in asked.text
    assert [decode(d).act for row in asked.rows for _, d in row] == [Act.RELAY]
    again = screens.ask_signature(t, Tap(Act.SIGNATURE, "en"), longest=32, refused=True)
    assert again.text.startswith("That is not a first name")
