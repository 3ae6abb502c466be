"""Talk to a person, from both sides: her screens from the first explanation to the end, what
is not passed on, and the volunteers' side (their topic, the ping, duty and signature).

Each conversation is a chat of its own. The volunteers' group is the in-memory API's forum;
where a message cannot be delivered (she blocked the bot, the group is gone) the in-memory
API refuses it, as Telegram would, so that the answers to those failures are shown too.
"""

from __future__ import annotations

from typing import Any

from bot.desk.callback import Act
from bot.menus.callback import Screen
from bot.preview.record import ARROW, Person, Recorder, Shot
from bot.preview.user_side import UserSide
from bot.preview.walk import Walker, desk_button, find, user_button

HELLO = "Hello. I would like to ask something."
ANSWER = "Hello. I am here. How can I help?"
FIRST_NAME = "Mina"


class Talk:
    def __init__(self, recorder: Recorder, user: UserSide, volunteer: Person, group: int) -> None:
        self.recorder = recorder
        self.user = user
        self.volunteer = volunteer
        self.group = group
        recorder.api.topics.setdefault(group, {})  # the volunteers' group is a forum

    async def all(self) -> None:
        self.recorder.section(
            "Talk to a person",
            "Her side of a conversation with a volunteer, and the volunteers' topic, ping and"
            " duty. Case codes are random: they differ from run to run.",
        )
        await self._nobody_on_duty()
        await self._on_duty()
        await self._answered_then_ended()
        await self._kept_and_blocked()
        await self._by_command()

    async def _by_command(self) -> None:
        """/talk, before she has said where she is or what she needs: the volunteers' topic
        says that neither was given."""
        her = self.user.walker()
        asked = await her.command("/talk")
        started = await her.press(user_button(screen=Screen.TALK_START), on=asked)
        await her.press(user_button(screen=Screen.TALK_END), on=started, keep=False)

    async def _to_talk(self) -> Walker:
        her = self.user.walker()
        start = await her.command("/start", keep=False)
        needs = await her.press(user_button(screen=Screen.NEEDS, place="CN"), on=start, keep=False)
        await her.press(user_button(screen=Screen.LIST), on=needs, keep=False)
        return her

    def _topic(self) -> int:
        return max(self.recorder.api.topics.get(self.group, {}))

    async def _in_topic(self, title: str, text: str) -> list[Shot]:
        """The volunteer writes in the newest conversation's topic."""
        update = self.recorder.api.user_sends(
            self.volunteer.user, text, chat_id=self.group, thread_id=self._topic()
        )
        return await self.recorder.step(title, update)

    async def _topic_button(self, title: str, number: int) -> list[Shot]:
        """The volunteer presses a button of the newest topic's first message."""
        api = self.recorder.api
        topic = self._topic()
        first = min(
            (m for m in api.messages.get(self.group, {}).values() if m.thread_id == topic),
            key=lambda m: m.message_id,
        )
        data = [data for row in first.buttons() for _, data in row][number]
        update = api.user_taps(self.volunteer.user, first, data)
        return await self.recorder.step(title, update, first)

    async def _nobody_on_duty(self) -> None:
        her = await self._to_talk()
        await her.press(user_button(screen=Screen.TALK))
        await her.press(user_button(screen=Screen.TALK_START))
        during = await her.press(user_button(screen=Screen.TALK_LEAVE))
        await her.say(HELLO, "(she writes)")
        location: dict[str, Any] = {"latitude": 0.0, "longitude": 0.0}
        await her.say(None, "(she sends her location)", location=location)
        contact = {"phone_number": "+00 0000 0000", "first_name": "A"}
        await her.say(None, "(she sends a contact)", contact=contact)
        await her.say(None, "(she sends a dice)", dice={"emoji": "🎲", "value": 3})
        await self._too_fast(her, during)
        self.recorder.api.blocked.add(self.group)
        try:
            await her.say(HELLO, "(she writes; the volunteers' group cannot be reached)")
        finally:
            self.recorder.api.blocked.discard(self.group)

    async def _too_fast(self, her: Walker, during: Shot) -> None:
        """More messages at once than her line to the group holds: the first are passed on,
        the rest removed, and she is told once."""
        api, bot = self.recorder.api, self.recorder.bot
        title = during.title + ARROW + "(she sends many messages while the group is slow)"
        posts = bot.core.group_posts
        await posts.stop()  # the group's line does not move while she writes
        try:
            for number in range(posts.per_conversation):
                await bot.deliver(api.user_sends(her.person.user, f"{number + 1}"), wait=False)
            last = api.user_sends(her.person.user, f"{posts.per_conversation + 1}")
            await self.recorder.step(title, last, wait=False)
        finally:
            posts.start()
        await posts.join()

    async def _on_duty(self) -> None:
        """The volunteer's side of the desk: duty and the signature under her answers."""
        volunteer = Walker(self.recorder, self.volunteer)
        desk = await volunteer.command("/volunteer")
        relay = await volunteer.press(desk_button(Act.RELAY), on=desk)
        on = await volunteer.press(desk_button(Act.DUTY, "on"), on=relay)
        asked = await volunteer.press(desk_button(Act.SIGNATURE), on=on)
        await volunteer.say("M1na", "(she types “M1na”)")
        await volunteer.say(FIRST_NAME, f"(she types “{FIRST_NAME}”)")
        cleared = await volunteer.press(desk_button(Act.SIGNATURE_CLEAR))
        await volunteer.press(desk_button(Act.DUTY, "off"), on=cleared)
        await volunteer.press(desk_button(Act.DUTY, "on"))
        await volunteer.press(desk_button(Act.SIGNATURE))
        await volunteer.say(FIRST_NAME, f"(she types “{FIRST_NAME}”)", keep=False)
        del asked

    async def _answered_then_ended(self) -> None:
        her = await self._to_talk()
        needs = her.last
        await her.press(user_button(screen=Screen.TALK), keep=False)
        started = await her.press(user_button(screen=Screen.TALK_START))
        await her.say(HELLO, "(she writes)")
        title = started.title + ARROW + "(the volunteer answers in the topic)"
        await self._in_topic(title, ANSWER)
        self.recorder.api.blocked.add(her.person.chat_id)
        try:
            title = started.title + ARROW + "(the volunteer answers; she has blocked the bot)"
            await self._in_topic(title, ANSWER)
        finally:
            self.recorder.api.blocked.discard(her.person.chat_id)
        note = "(she taps Talk to a person again, her conversation open)"
        assert needs is not None
        label, data = find(needs, user_button(screen=Screen.TALK))
        await her.tap(data, needs.title + ARROW + label + " " + note)
        await self._topic_button(started.title + ARROW + "(the volunteer presses End)", 0)

    async def _kept_and_blocked(self) -> None:
        her = await self._to_talk()
        await her.press(user_button(screen=Screen.TALK), keep=False)
        started = await her.press(user_button(screen=Screen.TALK_START), keep=False)
        await her.press(user_button(screen=Screen.TALK_KEEP), on=started)
        her = await self._to_talk()
        await her.press(user_button(screen=Screen.TALK), keep=False)
        started = await her.press(user_button(screen=Screen.TALK_START), keep=False)
        await her.press(user_button(screen=Screen.TALK_END), on=started)
        her = await self._to_talk()
        needs = her.last
        await her.press(user_button(screen=Screen.TALK), keep=False)
        started = await her.press(user_button(screen=Screen.TALK_START), keep=False)
        title = started.title + ARROW + "(the volunteer presses End and block)"
        await self._topic_button(title, 1)
        assert needs is not None
        again = await her.press(user_button(screen=Screen.TALK), on=needs, keep=False)
        await her.press(user_button(screen=Screen.TALK_START), on=again)
