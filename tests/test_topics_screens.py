"""The first screen, the needs menu as topics, a topic's menu, the danger screen and More, as
data: no Telegram, no database."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.directory.queries import Page
from bot.directory.schema import EntryModel
from bot.i18n import Texts
from bot.menus import danger, screens, topics
from bot.menus.callback import Nav, Screen, decode
from bot.taxonomy import NEEDS, PLACES
from bot.ui.view import View
from tests.harness import telegram_length

LANGS = ("ko", "zh", "en")


def model(entry_id: str = "x-entry", **fields: object) -> EntryModel:
    data: dict[str, object] = {
        "id": entry_id,
        "status": "verified",
        "verified_on": dt.date(2026, 11, 1),
        "categories": ["emergency"],
        "regions": ["ANY"],
        "languages": ["ko"],
        "name": {"en": f"Name of {entry_id}", "ko": "이름"},
        "contacts": [{"type": "email", "value": f"{entry_id}@example.org"}],
    }
    data.update(fields)
    return EntryModel.model_validate(data)


def targets(view: View) -> list[Nav]:
    return [decode(data) for row in view.rows for _, data in row]


def button_count(view: View) -> int:
    return sum(len(row) for row in view.rows)


def erase_alone_last(view: View) -> bool:
    last = view.rows[-1]
    return len(last) == 1 and decode(last[0][1]).screen is Screen.ERASE


def reachable_needs(lang: str, place: str) -> list[str]:
    """Every need the needs menu of `place` leads to, through topics, in the order shown."""
    t = Texts(lang)
    found: list[str] = []
    for nav in targets(topics.needs(t, Nav(Screen.NEEDS, lang, place))):
        if nav.screen is Screen.LIST:
            assert nav.need is not None
            found.append(nav.need)
        elif nav.screen is Screen.TOPIC:
            found += [str(n.need) for n in targets(topics.topic(t, nav)) if n.screen is Screen.LIST]
    return found


# The first screen


@pytest.mark.parametrize("lang", LANGS)
def test_the_first_screen_puts_urgent_help_above_the_places(lang: str) -> None:
    view = screens.places(Texts(lang), Nav(Screen.PLACES, lang), greeting=True)
    urgent = decode(view.rows[0][0][1])
    assert len(view.rows[0]) == 1
    assert urgent == Nav(Screen.PLACES, lang, need="emergency")
    places = [n.place for n in targets(view) if n.screen is Screen.NEEDS]
    assert places == list(PLACES)
    assert not [n for n in targets(view) if n.screen is Screen.LIST]  # no Back: nowhere to go
    kinds = {n.screen for n in targets(view)}
    assert {Screen.LANGUAGES, Screen.MORE} <= kinds
    assert button_count(view) <= 12 and erase_alone_last(view)


@pytest.mark.parametrize("lang", LANGS)
def test_after_urgent_help_each_place_opens_the_danger_list(lang: str) -> None:
    nav = Nav(Screen.PLACES, lang, need="emergency")
    view = screens.places(Texts(lang), nav)
    lists = [n for n in targets(view) if n.screen is Screen.LIST]
    assert [n.place for n in lists] == list(PLACES)
    assert all(n.need == "emergency" and n.origin is Screen.PLACES for n in lists)
    back = decode(view.rows[-2][0][1])
    assert back == Nav(Screen.PLACES, lang)
    assert erase_alone_last(view)


# The needs menu


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("place", PLACES)
def test_six_or_seven_topics_and_at_most_twelve_buttons(lang: str, place: str) -> None:
    view = topics.needs(Texts(lang), Nav(Screen.NEEDS, lang, place), talk=True)
    chosen = [n for n in targets(view) if n.screen in (Screen.LIST, Screen.TOPIC)]
    assert 6 <= len(chosen) <= 7
    assert button_count(view) <= 12 and erase_alone_last(view)
    assert chosen[0] == Nav(Screen.LIST, lang, place, "emergency", origin=Screen.NEEDS)
    assert len(set(reachable_needs(lang, place))) == len(reachable_needs(lang, place))


def test_every_need_is_offered_in_every_place_but_a_new_life_in_korea_in_china() -> None:
    for place in PLACES:
        offered = set(reachable_needs("en", place))
        missing = set(NEEDS) - offered
        assert missing == ({"settlement"} if place == "CN" else set()), place


def test_china_shows_nothing_of_south_korea_at_a_glance() -> None:
    view = topics.needs(Texts("en"), Nav(Screen.NEEDS, "en", "CN"))
    labels = " ".join(label for row in view.rows for label, _ in row)
    assert "Korea" not in labels and "refugee" not in labels.lower()


def test_in_south_korea_family_comes_near_the_top_and_leaving_at_the_end() -> None:
    order = reachable_needs("en", "KR")
    assert order[:2] == ["emergency", "family"]
    assert order.index("escape") >= len(order) - 2
    assert order.index("legal") >= len(order) - 2
    view = topics.needs(Texts("en"), Nav(Screen.NEEDS, "en", "KR"))
    labels = " ".join(label for row in view.rows for label, _ in row).lower()
    assert "refugee" not in labels and "leaving" not in labels


# Words that name a crime, or a flight, to anyone who glances at her screen. The needs menu and
# a topic's menu name the help instead; the list she reaches after tapping may say them.
TELLING = {
    "en": ("traffick", "forced", "marriage", "sexual", "violence", "refugee", "escap", "leaving"),
    "ko": ("인신매매", "강제", "결혼", "성폭력", "폭력", "난민", "탈북", "떠나"),
    "zh": ("拐卖", "强迫", "被迫", "婚", "暴力", "难民", "逃", "离开"),
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("place", PLACES)
def test_the_needs_menu_names_the_help_not_the_crime(lang: str, place: str) -> None:
    t = Texts(lang)
    menu = topics.needs(t, Nav(Screen.NEEDS, lang, place))
    menus = [menu, *(topics.topic(t, n) for n in targets(menu) if n.screen is Screen.TOPIC)]
    for view in menus:
        for row in view.rows:
            for label, _data in row:
                telling = [word for word in TELLING[lang] if word in label.lower()]
                assert not telling, (place, label)


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", {"trafficking": "trafficking", "legal": "refugee", "escape": "safe country"}),
        ("ko", {"trafficking": "인신매매", "legal": "난민", "escape": "안전한 나라"}),
        ("zh", {"trafficking": "拐卖", "legal": "难民", "escape": "安全的国家"}),
    ],
)
def test_the_list_behind_a_plain_label_says_what_it_is_for(
    lang: str, words: dict[str, str]
) -> None:
    """She tapped a plain label; the list tells her she is in the right place."""
    for need, word in words.items():
        nav = Nav(Screen.LIST, lang, "CN", need)
        view = screens.entry_list(Texts(lang), nav, Page([], 0, 1, 0), fallback=True)
        assert word in view.text, (need, view.text)


@pytest.mark.parametrize("place", PLACES)
def test_a_topic_menu_offers_its_needs_as_choices_and_back_returns_to_it(place: str) -> None:
    t = Texts("en")
    menu = targets(topics.needs(t, Nav(Screen.NEEDS, "en", place)))
    grouped = [n for n in menu if n.screen is Screen.TOPIC]
    assert grouped
    for topic_nav in grouped:
        view = topics.topic(t, topic_nav)
        needs = [n for n in targets(view) if n.screen is Screen.LIST]
        assert len(needs) >= 2 and needs[0].need == topic_nav.need
        # A need chosen here counts as one chosen on the needs menu (bot/stats is unchanged).
        assert all(n.origin is Screen.NEEDS and n.place == place for n in needs)
        back, home, _more = (decode(d) for _, d in view.rows[-2])
        assert (back, home) == (Nav(Screen.NEEDS, "en", place), Nav(Screen.NEEDS, "en", place))
        assert erase_alone_last(view)
        for need in needs:
            listing = screens.entry_list(t, need, Page([], 0, 1, 0), fallback=True)
            assert decode(listing.rows[-2][0][1]) == Nav(Screen.TOPIC, "en", place, needs[0].need)


# The danger screen


def danger_view(place: str, *entries: EntryModel, lang: str = "en", **options: bool) -> View:
    nav = Nav(Screen.LIST, lang, place, "emergency")
    page = Page(list(entries), 0, 1, len(entries))
    return danger.danger_list(Texts(lang), nav, page, **options)


def test_the_danger_screen_shows_each_contacts_safest_channel_as_tappable_text() -> None:
    every_way = model(
        "every-way",
        contacts=[
            {"type": "wechat", "value": "wechat_id_1"},
            {"type": "phone", "value": "+86 10 1111 1111"},
            {"type": "email", "value": "help@example.org"},
            {"type": "telegram", "value": "@tg_every_way"},
        ],
        hours={"en": "Every day, 24 hours"},
    )
    phone_or_wechat = model(
        "phone-or-wechat",
        contacts=[
            {"type": "wechat", "value": "wechat_id_2"},
            {"type": "phone", "value": "+82 2 2222 2222"},
        ],
    )
    china = danger_view("CN", every_way, phone_or_wechat).text
    assert "<code>" not in china
    lines = china.splitlines()
    # The card's own line for the channel, its tag for her place included (bot/channels.py).
    assert "• Telegram (<i>needs a VPN in China</i>): @tg_every_way" in lines
    assert "Hours: Every day, 24 hours" in lines
    assert "wechat_id" not in china  # read by the authorities: never the way shown
    assert "+86 10 1111 1111" not in china and "help@example.org" not in china
    # The only other way, with its warning beside it and the call log under it.
    phone = lines.index("• Phone (<i>⚠️ watched in China</i>): +82 2 2222 2222")
    assert "call log" in lines[phone + 1]
    korea = danger_view("KR", phone_or_wechat).text
    assert "• Phone: +82 2 2222 2222" in korea.splitlines() and "⚠️" not in korea


def test_an_id_no_link_opens_is_set_to_be_read_when_it_is_the_only_way() -> None:
    text = danger_view("KR", model(contacts=[{"type": "kakaotalk", "value": "kakao_id"}])).text
    assert "• KakaoTalk: <b>kakao_id</b>" in text.splitlines()


@pytest.mark.parametrize("lang", LANGS)
def test_the_danger_screen_has_a_card_button_per_contact_within_twelve(lang: str) -> None:
    entries = [model(f"entry-{i}") for i in range(5)]
    nav = Nav(Screen.LIST, lang, "TRANSIT", "emergency", page=1)
    page = Page(entries, 1, 3, 15)
    view = danger.danger_list(Texts(lang), nav, page, talk=True)
    cards = [n for n in targets(view) if n.screen is Screen.CARD]
    assert [n.entry for n in cards] == [f"entry-{i}" for i in range(5)]
    assert all(n.origin is Screen.LIST and n.need == "emergency" and n.page == 1 for n in cards)
    assert button_count(view) <= 12 and erase_alone_last(view)
    assert {Screen.TALK, Screen.MORE} <= {n.screen for n in targets(view)}
    back = decode(view.rows[-2][0][1])
    assert back == Nav(Screen.NEEDS, lang, "TRANSIT")


def test_the_longest_danger_screen_fits_one_message() -> None:
    worst = [
        model(
            f"worst-{i}",
            name={"en": "&" * 199 + "😀"},
            hours={"en": "<" * 500},
            contacts=[{"type": "website", "value": "https://a.example.org/" + "&" * 170}],
        )
        for i in range(5)
    ]
    for lang in LANGS:
        text = danger_view("CN", *worst, lang=lang, thanks=True).text
        assert telegram_length(text) <= 4096
        assert text.count("a.example.org") == 5  # the way to reach them is never cut


def test_a_name_in_another_language_is_marked() -> None:
    text = danger_view("CN", model(name={"zh": "某某热线"}), lang="ko").text
    assert "<b>某某热线</b> <i>(중국어)</i>" in text.splitlines()


# More


@pytest.mark.parametrize("lang", LANGS)
def test_more_holds_the_utilities_and_back_returns_where_she_was(lang: str) -> None:
    card = Nav(Screen.CARD, lang, "KR", "legal", 2, "x-entry")
    more = decode(screens.card(Texts(lang), card, model()).rows[-2][2][1])
    view = topics.more(Texts(lang), more)
    kinds = [n.screen for n in targets(view)]
    for screen in (Screen.LANGUAGES, Screen.SAFETY, Screen.HELP, Screen.ABOUT, Screen.PLACES):
        assert kinds.count(screen) == 1
    assert Screen.MORE not in kinds
    back = decode(view.rows[-2][0][1])
    assert back == card
    assert erase_alone_last(view) and button_count(view) <= 12
    first = topics.more(Texts(lang), Nav(Screen.MORE, lang, origin=Screen.PLACES))
    utilities = [Screen.LANGUAGES, Screen.SAFETY, Screen.HELP, Screen.ABOUT]
    assert [n.screen for n in targets(first)][:4] == utilities
    assert len(first.rows) == 4  # and no place to change: she has not said one
    assert decode(first.rows[-2][0][1]) == Nav(Screen.PLACES, lang)
