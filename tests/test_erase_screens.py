"""What she sees around erasing, end to end: the bland first tap, an erase that leaves nothing,
the Safety screen in three bullets with the rest one tap away, and the auto-erase status line
on every screen while auto-erase is on."""

from __future__ import annotations

import re
from collections import deque
from pathlib import Path

import pytest

from bot.i18n import Texts
from bot.menus import screens, status
from bot.menus.callback import Nav, Screen, decode
from tests.harness import Harness, Person, telegram_length
from tests.relay_helpers import relay_harness
from tests.test_screens import model

HANGUL = re.compile(r"[\uac00-\ud7a3]")
HAN = re.compile(r"[\u4e00-\u9fff]")
LANGS = ["ko", "zh", "en"]

# Words that tell a reader what the chat is for or what she was about to do, in any of the
# three languages. None may stand on the screen her first tap of Erase leaves.
ERASE_WORDS = (
    "erase", "delete", "chat", "48", "hour", "🗑",
    "지우", "삭제", "대화", "시간",
    "清除", "删除", "对话", "聊天", "小时",
)  # fmt: skip
PURPOSE_WORDS = (
    "help", "need", "danger", "contact", "service", "china", "korea", "place", "safe",
    "도움", "필요", "위험", "연락", "봉사", "중국", "한국", "안전", "곳",
    "帮助", "需要", "危险", "联系", "服务", "中国", "韩国", "安全",
)  # fmt: skip

# The status line as the spec words it, per language and minutes.
STATUS = {
    "en": "Auto-erase: {minutes} min",
    "ko": "자동 지우기: {minutes}분",
    "zh": "自动清除：{minutes} 分钟",
}


def script_of(text: str) -> str:
    if HANGUL.search(text):
        return "ko"
    return "zh" if HAN.search(text) else "en"


def seen_on(her: Person) -> str:
    """Everything a glance at her newest message reads: its text and its buttons."""
    return (her.screen.text + " " + " ".join(her.labels())).lower()


def all_ids_ever(her: Person) -> set[int]:
    return set(range(1, her.api._next_message.get(her.chat_id, 1)))


def ids_asked_deleted(her: Person) -> set[int]:
    asked: set[int] = set()
    for method, params in her.api.calls:
        if int(params.get("chat_id", 0)) != her.chat_id:
            continue
        if method == "deleteMessages":
            asked.update(int(i) for i in params["message_ids"])
        elif method == "deleteMessage":
            asked.add(int(params["message_id"]))
    return asked


def erase_button(her: Person) -> str:
    (data,) = [
        d for row in her.screen.buttons() for _, d in row if decode(d).screen is Screen.ERASE
    ]
    return data


def confirm_button(her: Person) -> str:
    (data,) = [
        d for row in her.screen.buttons() for _, d in row if decode(d).screen is Screen.ERASE_NOW
    ]
    return data


async def to_the_needs(her: Person) -> None:
    await her.send("/start")
    await her.press(
        next(d for row in her.screen.buttons() for _, d in row if decode(d).place == "CN")
    )


@pytest.mark.parametrize("lang", LANGS)
async def test_the_first_tap_of_erase_turns_her_screen_bland_at_once(
    bot: Harness, lang: str
) -> None:
    her = bot.person(lang)
    await to_the_needs(her)
    before = her.screen
    before_id, before_edits = before.message_id, before.edits
    before_text, calls = before.text, len(her.api.calls)
    await her.press(erase_button(her))
    after = her.screen
    # The same message, changed in place by the tap itself: no new message, nothing waits.
    assert (after.message_id, after.edits) == (before_id, before_edits + 1)
    assert [m for m, _ in her.api.calls[calls:] if m == "sendMessage"] == []
    shown = seen_on(her)
    assert script_of(shown) == lang
    assert [w for w in (*ERASE_WORDS, *PURPOSE_WORDS) if w in shown] == []
    assert not any(line and line in after.text for line in before_text.splitlines())
    await her.tap("◀")  # No: back where she was
    assert her.screen.message_id == before_id and her.screen.text == before_text


@pytest.mark.parametrize("lang", LANGS)
async def test_the_confirm_erases_both_sides_and_leaves_nothing(bot: Harness, lang: str) -> None:
    her = bot.person(lang)
    await to_the_needs(her)
    await her.send("my name is Kim, I am in Yanji")
    await her.press(erase_button(her))
    before = all_ids_ever(her)
    await her.press(confirm_button(her))
    # At once, with no timer to wait for: not a "Done." line, not anything.
    assert her.api.messages[her.chat_id] == {}
    assert before <= ids_asked_deleted(her) and all_ids_ever(her) <= ids_asked_deleted(her)
    assert bot.app is not None and bot.app.job_queue is not None
    assert [j for j in bot.app.job_queue.jobs() if not j.removed and j.name == "erase"] == []
    notice = her.answer
    assert notice is not None and notice.get("text")  # a short notice that it is done
    assert not notice.get("show_alert")  # a toast, gone by itself
    assert script_of(notice["text"]) == lang
    assert [w for w in ERASE_WORDS if w in notice["text"].lower()] == []


async def test_the_erase_leaves_nothing_when_telegram_fails_at_first(bot: Harness) -> None:
    her = bot.person("en")
    await to_the_needs(her)
    await her.press(erase_button(her))
    bot.fake.faults = {"deleteMessages": ["502"] * 3}  # the first deletion fails, retries too
    await her.press(confirm_button(her))
    await bot.run_jobs("erase")  # what failed is tried again a few seconds later
    assert her.api.messages[her.chat_id] == {}


@pytest.mark.parametrize("lang", LANGS)
async def test_the_erase_command_asks_the_same_bland_question(bot: Harness, lang: str) -> None:
    her = bot.person(lang)
    await her.send("/start")
    await her.send("/erase")
    shown = seen_on(her)
    assert [w for w in (*ERASE_WORDS, *PURPOSE_WORDS) if w in shown] == []
    await her.press(confirm_button(her))
    assert her.api.messages[her.chat_id] == {}


@pytest.mark.parametrize("lang", LANGS)
async def test_safety_is_three_bullets_and_more_shows_the_rest(bot: Harness, lang: str) -> None:
    her = bot.person(lang)
    await her.send("/safety")
    first = her.screen.text
    assert script_of(first) == lang
    assert 1 <= first.count("•") <= 3
    assert "48" in first  # what Erase cannot do is read before she relies on it
    # ⏱, Back and Home, the menu's More, Erase; and the one button to the other tips.
    known = (Screen.AUTO_ERASE, Screen.ERASE, Screen.PLACES, Screen.MORE)
    more = [d for row in her.screen.buttons() for _, d in row if decode(d).screen not in known]
    assert len(more) == 1 and decode(more[0]).screen is Screen.SAFETY_MORE, her.labels()
    await her.press(more[0])
    rest = her.screen.text
    assert script_of(rest) == lang and rest.count("•") >= 3
    bullets = [line for line in (first + "\n" + rest).splitlines() if line.startswith("•")]
    assert len(bullets) == len(set(bullets)) == 7  # every tip kept, none twice
    labels = " ".join(her.labels())
    assert "◀" in labels and "🏠" in labels and her.labels()[-1].startswith("🗑")
    await her.tap("◀")
    assert her.screen.text == first
    if lang == "en":
        every = first + rest
        for fact in ("passcode", "Archive", "Auto-Delete", "app store", "first", "48 hours"):
            assert fact in every, fact


def status_line(lang: str, minutes: int) -> str:
    return STATUS[lang].format(minutes=minutes)


async def walk(her: Person) -> dict[str, list[tuple[str, str]]]:
    """Tap through every kind of screen reachable from /start; each kind's texts, with the
    language it was shown in."""
    shown: dict[str, list[tuple[str, str]]] = {}
    queue = deque(d for row in her.screen.buttons() for _, d in row)
    first = decode(queue[0])
    shown["PLACES"] = [(first.lang, her.screen.text)]
    done: set[str] = set()
    while queue:
        data = queue.popleft()
        nav = decode(data)
        kind = nav.screen.name
        if kind in done or kind in ("ERASE_NOW", "STATS") or kind.startswith("TALK"):
            continue
        if nav.origin is not None and nav.origin.name == "AUTO_ERASE":
            continue  # a new auto-erase choice: not a screen of its own
        done.add(kind)
        await her.press(data)
        shown.setdefault(kind, []).append((nav.lang, her.screen.text))
        queue.extend(d for row in her.screen.buttons() for _, d in row)
    return shown


@pytest.mark.parametrize("lang", LANGS)
async def test_the_status_line_shows_on_every_screen_while_auto_erase_is_on(
    bot: Harness, lang: str
) -> None:
    her = bot.person(lang)
    await her.send("/safety")
    await her.press(next(d for row in her.screen.buttons() for _, d in row
                         if decode(d).screen is Screen.AUTO_ERASE))  # fmt: skip
    await her.press(next(d for row in her.screen.buttons() for _, d in row
                         if decode(d).auto == 10))  # fmt: skip
    await her.send("/start")
    shown = await walk(her)
    visited = set(shown)
    assert visited >= {"PLACES", "NEEDS", "LIST", "CARD", "HELP", "ABOUT", "SAFETY",
                       "AUTO_ERASE", "LANGUAGES", "ERASE"}  # fmt: skip
    for kind, texts in shown.items():
        for shown_lang, text in texts:
            if kind == "ERASE":  # the bland question says nothing of erasing
                assert "10" not in text and status_line(shown_lang, 10) not in text
            else:
                assert status_line(shown_lang, 10) in text, (kind, text)
    await her.send("where can I find my child")  # typed text gets an answer with buttons
    assert status_line(lang, 10) in her.screen.text
    await her.press("2.forged")  # a button this bot did not make: the start again
    assert status_line(lang, 10) in her.screen.text


@pytest.mark.parametrize("lang", LANGS)
async def test_no_status_line_while_auto_erase_is_off(bot: Harness, lang: str) -> None:
    her = bot.person(lang)
    await her.send("/start")
    shown = await walk(her)
    lines = [status_line(code, minutes) for code in LANGS for minutes in (10, 30, 60)]
    for kind, texts in shown.items():
        for _shown_lang, text in texts:
            assert not any(line in text for line in lines), (kind, text)
            assert not any(line.startswith("⏱") for line in text.splitlines()), (kind, text)


def test_the_status_line_fits_the_room_kept_for_it() -> None:
    for lang in LANGS:
        assert status.longest(Texts(lang)) <= status.ROOM


def test_the_longest_card_keeps_room_for_the_status_line() -> None:
    worst = model(
        name={"en": "&" * 200},
        description={"en": "<" * 4000},
        hours={"en": ">" * 500},
        contacts=[{"type": "website", "value": "https://a.example.org/" + "&" * 170}] * 12,
    )
    for lang in LANGS:
        for minutes in (10, 30, 60):
            nav = Nav(Screen.CARD, lang, "CN", "health", 0, "x-entry", auto=minutes)
            shown = status.finish(nav, screens.card(Texts(lang), nav, worst))
            assert status_line(lang, minutes) in shown.text
            assert telegram_length(shown.text) <= 4096
            assert shown.text.count("a.example.org") == 12  # contacts are never cut


async def test_the_erase_goes_ahead_when_its_marker_cannot_be_sent(bot: Harness) -> None:
    her = bot.person("en")
    await to_the_needs(her)
    await her.send("I am in Yanji")
    await her.press(erase_button(her))
    bot.fake.faults = {"sendMessage": ["502"]}
    await her.press(confirm_button(her))
    assert her.api.messages[her.chat_id] == {}
    assert all_ids_ever(her) <= ids_asked_deleted(her)


async def test_the_status_line_is_on_the_talk_screens_too(tmp_path: Path) -> None:
    async with relay_harness(tmp_path) as harness:
        her = harness.person("en")
        await her.send("/safety")
        await her.tap("⏱")
        await her.tap("30 minutes")
        await her.send("/talk")
        assert status_line("en", 30) in her.screen.text  # what talking means, and Start
        await her.tap("Start")  # nobody is on duty: she is told so
        assert status_line("en", 30) in her.screen.text
