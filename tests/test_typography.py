"""Punctuation and language names as each language writes them, on the screens that put
words together in code (a card's labels and lists, sentences joined into one paragraph).

Chinese puts a full-width colon after a label, 、 between the items of a list, full-width
brackets, and no space after a sentence; Korean and English keep their own. The languages a
service's staff speak are named as these readers name them: the Korean language is 朝鲜语 on
the mainland (韩语 is the South's word), and 한국어(조선말) for a reader from the North.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from bot.directory.queries import Page
from bot.directory.schema import EntryModel
from bot.i18n import Texts
from bot.menus import danger, fixed_screens, screens, topics
from bot.menus.callback import Nav, Screen
from bot.relay import screens as relay_screens
from bot.ui.view import View


def model(**fields: object) -> EntryModel:
    data: dict[str, object] = {
        "id": "x-entry",
        "status": "verified",
        "verified_on": dt.date(2026, 11, 1),
        "categories": ["health", "emergency"],
        "regions": ["CN"],
        "languages": ["ko", "zh", "en"],
        "name": {"ko": "어느 진료소", "zh": "某某诊所", "en": "Some Clinic"},
        "description": {"ko": "돕습니다.", "zh": "帮助您看病。", "en": "Helps."},
        "hours": {"ko": "평일", "zh": "工作日", "en": "Weekdays"},
        "contacts": [
            {"type": "email", "value": "a@example.org"},
            {"type": "phone", "value": "+86 10 0000 0000"},
        ],
    }
    data.update(fields)
    return EntryModel.model_validate(data)


def card(lang: str, **fields: object) -> str:
    nav = Nav(Screen.CARD, lang, "CN", "health", 0, "x-entry")
    return screens.card(Texts(lang), nav, model(**fields)).text


def test_language_names_are_the_readers_own() -> None:
    assert Texts("zh").language_name("ko") == "朝鲜语"
    assert Texts("ko").language_name("ko") == "한국어(조선말)"
    assert Texts("en").language_name("ko") == "Korean"
    # Where CLDR's names suit, they stay.
    assert Texts("zh").language_name("zh") == "中文"
    assert Texts("zh").language_name("ru") == "俄语"
    assert Texts("ko").language_name("zh") == "중국어"
    assert Texts("ko").language_name("en") == "영어"


def test_the_language_buttons_name_each_language_in_itself() -> None:
    for lang in ("ko", "zh", "en"):
        view = fixed_screens.languages(Texts(lang), Nav(Screen.LANGUAGES, lang))
        assert [row[0][0] for row in view.rows[:3]] == ["한국어(조선말)", "中文", "English"]


def test_a_chinese_card_puts_chinese_punctuation_between_its_parts() -> None:
    text = card("zh")
    assert "工作人员会说：朝鲜语、中文、英语" in text.splitlines()
    assert "• 电子邮件（<i>请用国外的邮箱</i>）：a@example.org" in text.splitlines()
    assert "• 电话（<i>⚠️ 在中国可能被监控</i>）：+86 10 0000 0000" in text.splitlines()
    only_english = card("zh", name={"en": "Some Clinic"}, hours={"en": "Weekdays"})
    assert only_english.splitlines()[0] == "<b>Some Clinic</b><i>（英语）</i>"
    assert "联系时间：Weekdays<i>（英语）</i>" in only_english.splitlines()


def test_korean_and_english_cards_keep_their_own_punctuation() -> None:
    korean = card("ko").splitlines()
    assert "일하는 사람들이 쓰는 언어: 한국어(조선말), 중국어, 영어" in korean
    assert any(line.endswith("]: a@example.org") for line in korean), korean
    english = card("en").splitlines()
    assert "Staff speak: Korean, Chinese, English" in english
    assert "• Email (<i>use a mail account from outside China</i>): a@example.org" in english
    marked = card("ko", name={"en": "Some Clinic"}).splitlines()
    assert marked[0] == "<b>Some Clinic</b> <i>(영어)</i>"


def chinese_screens() -> dict[str, View]:
    t = Texts("zh")
    nav = Nav(Screen.NEEDS, "zh", "CN")
    listing = Nav(Screen.LIST, "zh", "CN", "health")
    page = Page([model()], 0, 1, 1)
    danger_nav = Nav(Screen.LIST, "zh", "CN", "emergency")
    return {
        "first": screens.places(t, Nav(Screen.PLACES, "zh"), greeting=True),
        "needs": topics.needs(t, nav),
        "more": topics.more(t, nav.to(Screen.MORE)),
        "list": screens.entry_list(t, listing, page, fallback=False, thanks=True),
        "fallback": screens.entry_list(t, listing, page, fallback=True),
        "card": screens.card(t, listing.to(Screen.CARD, entry="x-entry"), model()),
        "danger": danger.danger_list(t, danger_nav, page),
        "help": fixed_screens.help_screen(t, nav.to(Screen.HELP)),
        "about": fixed_screens.about(t, nav.to(Screen.ABOUT), public_handle="@example_bot"),
        "safety": fixed_screens.safety(t, nav.to(Screen.SAFETY)),
        "safety_more": fixed_screens.safety_more(t, nav.to(Screen.SAFETY_MORE)),
        "auto_erase": fixed_screens.auto_erase(t, nav.to(Screen.AUTO_ERASE)),
        "talk": relay_screens.consent(t, nav, idle_hours=24),
        "nobody": relay_screens.nobody_on_duty(t, nav, idle_hours=24),
    }


# A space after a Chinese sentence or clause mark; a Western colon, comma or semicolon after a
# Chinese word; a Western bracket around Chinese words.
WESTERN_IN_CHINESE = re.compile(
    r"[。！？；：，、] |[\u4e00-\u9fff）][:,;]|\((?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff])\)"
)


@pytest.mark.parametrize("name", sorted(chinese_screens()))
def test_no_chinese_screen_has_western_punctuation_between_chinese_words(name: str) -> None:
    view = chinese_screens()[name]
    text = html.unescape(re.sub(r"<[^>]+>", "", view.text))
    labels = [label for row in view.rows for label, _ in row]
    for part in (text, *labels):
        found = WESTERN_IN_CHINESE.search(part)
        assert found is None, (name, part[max(0, found.start() - 12) : found.end() + 12])
