"""The plain words that lead to a need (bot/menus/typed.py), and the memory of the last screen
(bot/menus/screen_memory.py), on their own."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.menus.callback import Nav, Screen
from bot.menus.screen_memory import SCREEN_SECONDS, ScreenMemory, resting
from bot.menus.typed import RULES, need_for
from bot.taxonomy import NEEDS, USER_LANGUAGES


@pytest.mark.parametrize(
    ("words", "need"),
    [
        # Korean: the word, with the particles Korean attaches to it
        ("제 아이를 찾고 싶어요, 중국 연길에 있어요", "family"),
        ("아이들이 중국에 있습니다", "family"),
        ("우리 애가 아파요", "family"),
        ("딸을 만나고 싶습니다", "family"),
        ("자녀", "family"),
        ("지금 위험합니다", "emergency"),
        ("살려 주세요", "emergency"),
        ("살려주세요!!", "emergency"),
        ("도와주세요", "emergency"),
        ("도와주세요 아들을 찾습니다", "family"),  # a plea with a child: her child
        ("위험해요, 아이와 같이 있어요", "emergency"),  # danger comes first
        # Chinese: anywhere in what she wrote
        ("我想找我的孩子，我在延吉", "family"),
        ("女儿在朝鲜", "family"),
        ("救命", "emergency"),
        ("救救我", "emergency"),
        ("这里很危险", "emergency"),
        ("帮帮我", "emergency"),
        ("帮帮我找孩子", "family"),
        # English: whole words, any case
        ("I want to find my CHILDREN", "family"),
        ("my kids are in China", "family"),
        ("I am in danger", "emergency"),
        ("Help me!", "emergency"),
        ("please help me find my daughter", "family"),
        ("SOS", "emergency"),
        # Full-width letters and Hangul typed as separate letters, read as any other
        ("ｃｈｉｌｄ", "family"),
        (unicodedata.normalize("NFD", "아이를 찾아요"), "family"),
        ("ｄａｎｇｅｒ", "emergency"),
    ],
)
def test_words_lead_to_their_need(words: str, need: str) -> None:
    assert need_for(words) == need


@pytest.mark.parametrize(
    "words",
    [
        "",
        "hello",
        "where is the bus station",
        "my kidney hurts",  # not "kid"
        "for a good reason",  # not "son"
        "아이디를 잊었습니다",  # not 아이 (child): 아이디 is another word
        "아이고",  # an exclamation, not a child
        "딸기를 샀습니다",  # a strawberry, not a daughter
        "연길 시장 근처에 있습니다",
        "我在延吉",
        "endangered species",  # not "danger": a whole word only
        "helpme",  # one word, not "help me"
    ],
)
def test_other_words_lead_nowhere(words: str) -> None:
    assert need_for(words) is None


def test_the_table_has_every_language_and_only_known_needs() -> None:
    for rule in RULES:
        assert rule.need in NEEDS
        assert set(rule.words) == set(USER_LANGUAGES)
        assert all(rule.words[lang] for lang in USER_LANGUAGES)
    assert {rule.need for rule in RULES} == {"family", "emergency"}


@given(st.text(max_size=300))
def test_any_text_is_matched_without_error(words: str) -> None:
    assert need_for(words) in (None, *NEEDS)


class Clock:
    now = 100.0

    def __call__(self) -> float:
        return self.now


NEEDS_CN = Nav(Screen.NEEDS, "zh", "CN", auto=30)


def test_the_last_screen_is_kept_for_an_hour_after_it_was_shown() -> None:
    clock = Clock()
    memory = ScreenMemory(clock=clock)
    memory.showed(1, 5, NEEDS_CN)
    clock.now += SCREEN_SECONDS - 1
    shown = memory.last(1)
    assert shown is not None and (shown.message_id, shown.nav) == (5, NEEDS_CN)
    memory.showed(2, 9, NEEDS_CN)
    clock.now += 1
    assert memory.last(1) is None and len(memory) == 1  # chat 2's hour is not over
    memory.showed(2, 10, NEEDS_CN.to(Screen.LIST, need="family"))  # a new hour for chat 2
    clock.now += SCREEN_SECONDS - 1
    assert memory.last(2) is not None
    clock.now += 1
    assert memory.last(2) is None and len(memory) == 0


def test_forget_and_a_message_below_the_screen() -> None:
    memory = ScreenMemory(clock=Clock())

    def covered() -> bool:
        shown = memory.last(1)
        assert shown is not None
        return shown.covered

    memory.showed(1, 5, NEEDS_CN)
    memory.sent(1, 5)  # the screen itself
    assert not covered()
    memory.sent(1, 6)  # a notice below it
    assert covered()
    memory.showed(1, 7, NEEDS_CN)
    assert not covered()
    memory.sent(3, 1)  # a chat with no screen kept is not added
    assert len(memory) == 1
    memory.forget(1)
    assert memory.last(1) is None and len(memory) == 0


def test_a_screen_is_kept_without_the_act_that_led_to_it() -> None:
    chose_need = NEEDS_CN.to(Screen.LIST, need="family", origin=Screen.NEEDS)
    assert resting(chose_need) == NEEDS_CN.to(Screen.LIST, need="family")  # not counted again
    report = NEEDS_CN.to(Screen.REPORT, need="family", entry="x", page=2)
    assert resting(report) == NEEDS_CN.to(Screen.LIST, need="family", page=2)  # no 2nd report
    assert resting(NEEDS_CN.to(Screen.SET_LANGUAGE)) == NEEDS_CN  # her home, in her language
    ask = NEEDS_CN.to(Screen.ERASE, origin=Screen.NEEDS)
    assert resting(ask) == ask  # the question keeps the screen No returns to
