"""Her screens of Talk to a person, and the topic's first message, as data: what each says
and where each button leads, in every language, without Telegram or a database."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from bot.desk import callback as staff_callback
from bot.desk.screens import topic
from bot.directory.queries import Page
from bot.i18n import Texts
from bot.menus import screens as menu_screens
from bot.menus import topics
from bot.menus.callback import Nav, Screen, decode, encode
from bot.relay import screens
from bot.taxonomy import USER_LANGUAGES
from bot.ui.view import View, plain

SCRIPT = {"ko": re.compile(r"[\uac00-\ud7a3]"), "zh": re.compile(r"[\u4e00-\u9fff]")}
FROM_LIST = Nav(Screen.TALK, "ko", "CN", "shelter", 2, origin=Screen.LIST)


def navs(view: View) -> list[tuple[str, Nav]]:
    """Every button of a user's screen, decoded: each must be the menus' own data."""
    return [(label, decode(data)) for row in view.rows for label, data in row]


def target(view: View, label_part: str) -> Nav:
    found = [nav for label, nav in navs(view) if label_part in label]
    assert len(found) == 1, [label for label, _ in navs(view)]
    return found[0]


def her_screens(lang: str) -> list[View]:
    t, nav = Texts(lang), replace(FROM_LIST, lang=lang)
    return [
        screens.consent(t, nav, idle_hours=24),
        screens.nobody_on_duty(t, nav, idle_hours=24),
        screens.during(t, nav, waiting=True),
        screens.during(t, nav, waiting=False),
        *(screens.not_passed_on(t, nav, kind) for kind in ("location", "contact", "other")),
        screens.not_delivered(t, nav),
        screens.ended(t, nav, kept=False),
        screens.ended(t, nav, kept=True),
        screens.not_possible(t, nav),
    ]


@pytest.mark.parametrize("lang", USER_LANGUAGES)
def test_her_screens_are_in_her_language_with_menu_buttons_only(lang: str) -> None:
    for view in her_screens(lang):
        assert navs(view), view.text  # every screen has a way on
        assert all(nav.lang == lang for _, nav in navs(view))
        if lang in SCRIPT:
            assert SCRIPT[lang].search(plain(view.text)), view.text
            assert all(SCRIPT[lang].search(label) for label, _ in navs(view))


@pytest.mark.parametrize("lang", USER_LANGUAGES)
def test_every_screen_of_hers_has_erase_and_no_comes_back_to_a_screen_that_does_nothing(
    lang: str,
) -> None:
    """PRODUCT.md: an Erase button on every screen. Its No shows the screen it names again,
    so that screen must do nothing by being shown: never Start, which opens a conversation
    when someone is on duty. Only the screens of an open conversation come back to it (it
    shows the conversation again there)."""
    t, nav = Texts(lang), replace(FROM_LIST, lang=lang)
    outside = {
        "consent": screens.consent(t, nav, idle_hours=24),
        "nobody on duty": screens.nobody_on_duty(
            t, replace(nav, screen=Screen.TALK_START), idle_hours=24
        ),
        "not possible": screens.not_possible(t, replace(nav, screen=Screen.TALK_START)),
        "ended": screens.ended(t, replace(nav, screen=Screen.TALK_END), kept=False),
        "ended, kept": screens.ended(t, replace(nav, screen=Screen.TALK_KEEP), kept=True),
    }
    inside = {
        "during": screens.during(t, nav, waiting=False),
        "not passed on": screens.not_passed_on(t, nav, "location"),
        "too fast": screens.too_fast(t, nav),
        "not delivered": screens.not_delivered(t, nav),
        "under an answer": View("", screens.end_rows(t, nav)),
    }
    label = "🗑 " + t.gettext("Erase")
    for name, view in {**outside, **inside}.items():
        erase = [nav for shown, nav in navs(view) if shown == label]
        assert len(erase) == 1, name
        assert erase[0].screen is Screen.ERASE, name
        assert view.rows[-1] == [(label, encode(erase[0]))], name  # alone, on the last row
        if name in outside:
            assert erase[0].origin is not Screen.TALK_START, name
    for name in ("consent", "nobody on duty", "not possible"):
        labels = [shown for shown, _ in navs(outside[name])]
        assert "◀ " + t.gettext("Back") in labels and "🏠 " + t.gettext("Home") in labels, name


def test_consent_says_who_reads_who_does_not_see_and_when_it_goes() -> None:
    view = screens.consent(Texts("en"), FROM_LIST, idle_hours=5)
    text = plain(view.text)
    assert "volunteer" in text and "does not see your name, username, phone number" in text
    assert "deleted on both sides" in text and "after 5 hours without a message" in text
    assert "Telegram itself can see" in text and "Erase" in text
    start = target(view, "Start")
    assert start.screen is Screen.TALK_START and (start.place, start.need) == ("CN", "shelter")
    back = target(view, "Back")  # to the list she came from, on its page
    assert (back.screen, back.place, back.need, back.page) == (Screen.LIST, "CN", "shelter", 2)
    one = screens.consent(Texts("en"), FROM_LIST, idle_hours=1)
    assert "after 1 hour without" in plain(one.text)


def test_back_from_the_needs_menu_and_from_talk_typed_as_a_command() -> None:
    from_needs = Nav(Screen.TALK, "en", "KR", origin=Screen.NEEDS)
    back = target(screens.consent(Texts("en"), from_needs, idle_hours=24), "Back")
    assert (back.screen, back.place) == (Screen.NEEDS, "KR")
    typed = Nav(Screen.TALK, "en")  # /talk: nothing known
    assert target(screens.consent(Texts("en"), typed, idle_hours=24), "Back").screen is (
        Screen.PLACES
    )


def test_nobody_on_duty_is_honest_and_offers_her_contacts_and_a_message() -> None:
    view = screens.nobody_on_duty(Texts("en"), FROM_LIST, idle_hours=24)
    text = plain(view.text)
    assert "Nobody is on duty" in text and "do not know when" in text
    assert target(view, "Leave a message").screen is Screen.TALK_LEAVE
    contacts = target(view, "Contacts for your need")
    assert (contacts.screen, contacts.place, contacts.need) == (Screen.LIST, "CN", "shelter")


def test_the_conversation_screen_has_end_one_tap_away_and_erase() -> None:
    view = screens.during(Texts("en"), FROM_LIST, waiting=False)
    assert target(view, "End conversation").screen is Screen.TALK_END
    assert target(view, "keep the messages").screen is Screen.TALK_KEEP
    erase = target(view, "Erase")
    assert (erase.screen, erase.origin) == (Screen.ERASE, Screen.TALK_START)
    assert "location" in plain(view.text)


def test_what_is_not_passed_on_says_why() -> None:
    t = Texts("en")
    assert "where you are" in plain(screens.not_passed_on(t, FROM_LIST, "location").text)
    assert "who you" in plain(screens.not_passed_on(t, FROM_LIST, "contact").text)
    assert "cannot be passed on" in plain(screens.not_passed_on(t, FROM_LIST, "other").text)


@pytest.mark.parametrize(
    ("keys", "kind"),
    [
        ({"text"}, "text"),
        ({"photo"}, "photo"),
        ({"venue", "location"}, "location"),
        ({"contact"}, "contact"),
        ({"document"}, "document"),
        ({"dice"}, "other"),
        (set(), "other"),
    ],
)
def test_kinds_of_messages(keys: set[str], kind: str) -> None:
    assert screens.kind_of(keys) == kind


def test_talk_to_a_person_shows_only_where_the_relay_is_on() -> None:
    t, nav = Texts("en"), Nav(Screen.NEEDS, "en", "CN")
    labels = [label for row in topics.needs(t, nav).rows for label, _ in row]
    assert not any("Talk to a person" in label for label in labels)
    on = topics.needs(t, nav, talk=True)
    assert target(on, "Talk to a person") == nav.to(Screen.TALK, origin=Screen.NEEDS)
    page = Page(entries=[], page=0, pages=1, total=0)
    listed = menu_screens.entry_list(
        t, Nav(Screen.LIST, "en", "CN", "emergency"), page, fallback=True
    )
    assert not any("Talk" in label for label, _ in navs(listed))
    listed = menu_screens.entry_list(
        t, Nav(Screen.LIST, "en", "CN", "emergency"), page, fallback=True, talk=True
    )
    labels = [label for label, _ in navs(listed)]
    # Below the contacts, above Back, Home, More and Erase: never instead of them.
    assert labels.index("💬 Talk to a person") == len(labels) - 5


@pytest.mark.parametrize("lang", USER_LANGUAGES)
def test_the_topic_header_names_only_code_language_place_and_need(lang: str) -> None:
    view = topic.header(Texts(lang), "K7F3", "CN", "shelter", idle_hours=24)
    taps = [staff_callback.decode(data) for row in view.rows for _, data in row]
    assert [tap.act for tap in taps] == [
        staff_callback.Act.RELAY_END,
        staff_callback.Act.RELAY_BLOCK,
    ]
    assert all(tap.arg == "k7f3" for tap in taps)
    assert "K7F3" in view.text
    unknown = topic.header(Texts("en"), "K7F3", "", "", idle_hours=24)
    assert plain(unknown.text).count("not given") == 2


def test_the_ping_says_only_the_language() -> None:
    assert plain(topic.ping(Texts("en"), "ko").text) == "A new conversation in Korean is waiting."
    assert "한국어" in plain(topic.ping(Texts("ko"), "ko").text)
