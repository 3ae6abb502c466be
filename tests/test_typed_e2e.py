"""Typed text through the real bot: answered on the screen she was on, in the language she
chose, with the line that no person reads it; a few plain words take her to their need."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.i18n import Texts
from bot.menus.callback import Screen, decode
from bot.taxonomy import NEED_LABELS, TOPIC_LABELS
from tests.directory_data import as_yaml, entry, standard_entries
from tests.harness import Harness, Person
from tests.menu_paths import open_need
from tests.relay_helpers import on_duty, relay_harness, start_talking
from tests.test_e2e import script_of

LINE = {
    "ko": "여기에 보낸 것은 아무도 읽지 않습니다. 안전을 위해 지웠습니다.",
    "zh": "您在这里发的内容，没有人会看。为了您的安全，已经删除了。",
    "en": "No person reads what you send here. It was deleted for your safety.",
}
LINE_KEPT = {  # DELETE_USER_MESSAGES off: nothing is said of deleting
    "ko": "여기에 보낸 것은 아무도 읽지 않습니다.",
    "zh": "您在这里发的内容，没有人会看。",
    "en": "No person reads what you send here.",
}
LANGUAGE_BUTTON = {"ko": "한국어", "zh": "中文", "en": "English"}
IN_CHINA = {"ko": "중국에", "zh": "在中国", "en": "In China"}
# Words that lead nowhere in any language: where she is, in three languages.
PLAIN_WORDS = "연길 시장 근처에 있습니다 我在延吉 near the market"


def directory() -> str:
    return as_yaml(
        [
            *standard_entries(),
            entry("cn-family", categories=["family"], name={"en": "Family Finder"}),
            entry("cn-danger", categories=["emergency"], name={"en": "Danger Line"}),
        ]
    )


@pytest.fixture
async def bot(tmp_path: Path):  # type: ignore[no-untyped-def]
    async with Harness(tmp_path, directory=directory()) as harness:
        yield harness


def bot_messages(her: Person) -> list[int]:
    return sorted(m.message_id for m in her.api.messages[her.chat_id].values() if m.from_bot)


async def on_needs_screen(her: Person, lang: str) -> None:
    """/start, the language she chooses (whatever her Telegram's), In China."""
    await her.send("/start")
    await her.tap("🌐")
    await her.tap(LANGUAGE_BUTTON[lang])
    await her.tap(IN_CHINA[lang])


def list_shown(her: Person) -> tuple[set[str], set[str | None]]:
    """The entries the screen lists, and the needs and places their buttons carry."""
    cards = [decode(d) for row in her.screen.buttons() for _, d in row]
    cards = [nav for nav in cards if nav.screen is Screen.CARD]
    return {nav.entry or "" for nav in cards}, {f"{nav.need} {nav.place}" for nav in cards}


@pytest.mark.parametrize(("telegram", "chosen"), [("ko", "zh"), ("zh", "en"), ("en", "ko")])
async def test_typed_text_keeps_her_screen_and_her_language(
    bot: Harness, telegram: str, chosen: str
) -> None:
    her = bot.person(telegram)
    await on_needs_screen(her, chosen)
    screen = her.screen
    text, buttons = screen.text, screen.buttons()
    assert script_of(text) == chosen
    shown = bot_messages(her)

    update = await her.send(PLAIN_WORDS)

    assert update["message"]["message_id"] not in her.api.messages[her.chat_id]
    assert bot_messages(her) == shown  # no second menu under the first
    assert her.screen.message_id == screen.message_id
    assert her.screen.text == LINE[chosen] + "\n\n" + text
    assert her.screen.buttons() == buttons  # the same screen: her place, her language

    await her.send(PLAIN_WORDS + " again")  # once more: the same, and still one message
    assert bot_messages(her) == shown
    assert her.screen.text == LINE[chosen] + "\n\n" + text


async def test_a_photo_on_a_card_keeps_the_card(bot: Harness) -> None:
    her = bot.person("en")
    await her.send("/start")
    await her.tap("In China")
    await open_need(her, "shelter")
    await her.tap("Three Language Shelter")
    card, buttons = her.screen.text, her.screen.buttons()
    await her.send(photo=[{"file_id": "p", "file_unique_id": "u", "width": 1, "height": 1}])
    assert her.screen.text == LINE["en"] + "\n\n" + card
    assert her.screen.buttons() == buttons
    await her.tap("Back")  # and Back still leads to the list she came from
    assert "Three Language Shelter" in her.labels()


ROUTED = [
    ("ko", "제 아이를 찾고 싶어요, 중국 연길에 있어요", "family"),
    ("ko", "위험해요 빨리", "emergency"),
    ("zh", "我想找我的孩子", "family"),
    ("zh", "救命", "emergency"),
    ("en", "I want to find my CHILDREN", "family"),
    ("en", "I am in danger", "emergency"),
    ("en", "help me find my son", "family"),  # a plea with a child: her child
]


@pytest.mark.parametrize(("lang", "words", "need"), ROUTED)
async def test_plain_words_take_her_to_their_need(
    bot: Harness, lang: str, words: str, need: str
) -> None:
    her = bot.person("en" if lang != "en" else "ko")  # her chosen language, not Telegram's
    await on_needs_screen(her, lang)
    screen = her.screen
    shown = bot_messages(her)
    await her.send(words)
    assert bot_messages(her) == shown and her.screen.message_id == screen.message_id
    assert her.screen.text.startswith(LINE[lang] + "\n\n")
    # The need's list, titled by its label; the danger screen by Urgent help's.
    title = TOPIC_LABELS["urgent"] if need == "emergency" else NEED_LABELS[need]
    assert Texts(lang).gettext(title) in her.screen.text
    entries, carried = list_shown(her)
    assert {"cn-family" if need == "family" else "cn-danger"} <= entries
    assert carried == {f"{need} CN"}
    back = decode(her.data_of("◀"))
    # Back leads to the menu the need is chosen from: the needs, or the topic grouping it.
    assert back.screen in (Screen.NEEDS, Screen.TOPIC) and (back.place, back.lang) == ("CN", lang)


@pytest.mark.parametrize(
    ("lang", "words"), [("ko", "살려 주세요"), ("zh", "危险！"), ("en", "Help me please")]
)
async def test_words_before_a_place_ask_the_place_then_go_on(
    bot: Harness, lang: str, words: str
) -> None:
    her = bot.person(lang)
    await her.send("/start")
    await her.send(words)
    assert her.screen.text.startswith(LINE[lang] + "\n\n")
    places = [decode(d) for row in her.screen.buttons() for _, d in row]
    places = [nav for nav in places if nav.place is not None]
    assert {(nav.screen, nav.need) for nav in places} == {(Screen.LIST, "emergency")}
    assert {nav.place for nav in places} == {"CN", "KR", "TRANSIT", "OTHER"}
    await her.tap(IN_CHINA[lang])  # one tap: the contacts for danger in China
    entries, carried = list_shown(her)
    assert "cn-danger" in entries and carried == {"emergency CN"}


async def test_an_hour_later_she_gets_the_first_screen_in_her_telegram_language(
    bot: Harness,
) -> None:
    from bot.menus.screen_memory import ScreenMemory

    class Clock:
        now = 0.0

        def __call__(self) -> float:
            return self.now

    clock = Clock()
    bot.core.last_screens = ScreenMemory(clock=clock)
    her = bot.person("ko")
    await on_needs_screen(her, "zh")
    screen = her.screen
    clock.now += 3599  # within the hour: her screen, in Chinese
    await her.send(PLAIN_WORDS)
    assert her.screen.message_id == screen.message_id and script_of(her.screen.text) == "zh"
    chinese = her.screen.text
    clock.now += 3601  # an hour after it was last shown: forgotten
    await her.send(PLAIN_WORDS)
    assert her.screen.message_id > screen.message_id  # a new message
    assert her.api.messages[her.chat_id][screen.message_id].text == chinese  # left as it was
    assert her.screen.text.startswith(LINE["ko"] + "\n\n")  # her Telegram's language
    places = {decode(d).place for row in her.screen.buttons() for _, d in row}
    assert {"CN", "KR", "TRANSIT", "OTHER"} <= places
    assert len(bot.core.last_screens) == 1  # the new screen, and nothing else


async def test_erasing_forgets_her_screen(bot: Harness) -> None:
    her = bot.person("ko")
    await on_needs_screen(her, "zh")
    await her.send("/erase")
    await her.press(her.screen.buttons()[0][0][1])  # Yes, erase now
    assert len(bot.core.last_screens) == 0
    await bot.run_jobs("erase")
    await her.send("救命")  # after erasing, her choices are forgotten: Telegram's language
    assert her.screen.text.startswith(LINE["ko"] + "\n\n")
    assert {decode(d).need for row in her.screen.buttons()[:4] for _, d in row} == {"emergency"}


async def test_a_screen_she_deleted_is_answered_anew(bot: Harness) -> None:
    her = bot.person("ko")
    await on_needs_screen(her, "zh")
    screen = her.screen
    del her.api.messages[her.chat_id][screen.message_id]  # she deleted it in her app
    await her.send(PLAIN_WORDS)
    assert her.screen.message_id > screen.message_id
    assert her.screen.text.startswith(LINE["zh"] + "\n\n")
    assert decode(her.data_of("🏠")).place == "CN"  # still her place


async def test_a_notice_below_her_screen_gets_the_answer_below_it(bot: Harness) -> None:
    her = bot.person("ko")
    await on_needs_screen(her, "zh")
    screen = her.screen
    bot.fake.faults = {"sendMessage": ["502"]}  # /help is lost; a calm line follows
    await her.send("/help")
    notice = her.screen
    assert notice.message_id > screen.message_id and not notice.buttons()
    await her.send(PLAIN_WORDS)
    assert her.screen.message_id > notice.message_id  # not an edit hidden above the notice
    assert her.screen.text.startswith(LINE["zh"] + "\n\n")
    assert decode(her.data_of("🏠")).place == "CN"


async def test_kept_messages_are_not_said_to_be_deleted(tmp_path: Path) -> None:
    async with Harness(tmp_path, directory=directory(), delete_user_messages=False) as harness:
        her = harness.person("zh")
        await on_needs_screen(her, "ko")
        update = await her.send(PLAIN_WORDS)
        assert update["message"]["message_id"] in her.api.messages[her.chat_id]
        assert her.screen.text.startswith(LINE_KEPT["ko"] + "\n\n")
        assert LINE["ko"] not in her.screen.text


async def test_words_in_a_conversation_go_to_the_volunteers_not_to_a_need(
    tmp_path: Path,
) -> None:
    async with relay_harness(tmp_path) as harness:
        await on_duty(harness)
        her = harness.person("ko")
        await start_talking(her, "ko")
        screen = her.screen
        text = screen.text
        before = len(harness.fake.api.calls)
        update = await her.send("제 아이를 찾고 싶어요 救命")
        calls = harness.fake.api.calls[before:]
        copied = [p for m, p in calls if m == "copyMessage"]
        assert [p["message_id"] for p in copied] == [update["message"]["message_id"]]
        assert not [m for m, p in calls if m == "editMessageText"]
        assert her.api.messages[her.chat_id][screen.message_id].text == text
        assert update["message"]["message_id"] in her.api.messages[her.chat_id]  # kept
