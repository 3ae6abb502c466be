"""Screens as data, without Telegram or a database."""

from __future__ import annotations

import datetime as dt

from bot.directory.queries import Page
from bot.directory.schema import EntryModel
from bot.i18n import Texts
from bot.menus import screens
from bot.menus.callback import Nav, Screen, decode
from tests.harness import telegram_length


def model(**fields: object) -> EntryModel:
    data: dict[str, object] = {
        "id": "x-entry",
        "status": "verified",
        "verified_on": dt.date(2026, 11, 1),
        "categories": ["health"],
        "regions": ["CN"],
        "languages": ["zh"],
        "name": {"zh": "某某诊所"},
        "contacts": [{"type": "email", "value": "a@example.org"}],
    }
    data.update(fields)
    return EntryModel.model_validate(data)


NAV = Nav(Screen.CARD, "ko", "CN", "health", 0, "x-entry")


def test_text_in_another_language_is_marked() -> None:
    view = screens.card(Texts("ko"), NAV, model())
    first = view.text.splitlines()[0]
    assert first == "<b>某某诊所</b> <i>(중국어)</i>"
    english = screens.card(Texts("ko"), NAV, model(name={"en": "Clinic", "zh": "某某诊所"}))
    assert english.text.splitlines()[0] == "<b>Clinic</b> <i>(영어)</i>"
    own = screens.card(Texts("zh"), NAV, model())
    assert own.text.splitlines()[0] == "<b>某某诊所</b>"


def test_the_longest_card_fits_one_message() -> None:
    worst = model(
        name={"en": "&" * 200},
        description={"en": "<" * 4000},
        hours={"en": ">" * 500},
        languages=["ko", "zh", "en", "ru", "th", "lo", "vi", "km", "mn"],
        contacts=[{"type": "website", "value": "https://a.example.org/" + "&" * 170}] * 12,
    )
    for lang in ("ko", "zh", "en"):
        view = screens.card(Texts(lang), NAV, worst)
        assert telegram_length(view.text) <= 4096
        assert "&amp;" * 200 in view.text  # the name and contacts are never cut
        assert view.text.count("a.example.org") == 12
        assert "…" in view.text


def test_opening_hours_are_escaped_in_every_language() -> None:
    """The validator lets `<`, `>` and `&` through: hours are free text."""
    hours = "<a href='x'>9-5</a> & <b"
    escaped = "&lt;a href=&#x27;x&#x27;&gt;9-5&lt;/a&gt; &amp; &lt;b"
    for lang in ("ko", "zh", "en"):
        text = screens.card(Texts(lang), NAV, model(hours={lang: hours})).text
        assert [line for line in text.splitlines() if line.endswith(escaped)], text
        assert "<a" not in text and "& " not in text


def test_contacts_are_set_so_that_one_tap_acts_on_them() -> None:
    """Messages are sent with protect_content, and in a protected message Android's Telegram
    does nothing when a `<code>` span is tapped (no copy, no word why), while a phone number,
    an @handle, an address or a link that Telegram recognises stays one tap from a call, the
    chat, the mail or the page. So a contact is plain text, never code; an id that no link
    can open (KakaoTalk, WeChat) is set in bold, to be read and typed."""
    values = {
        "phone": "+82 2 1234 5678",
        "signal": "+82 10 1234 5678",
        "telegram": "@example_handle",
        "website": "https://example.org/help?a=1&b=2",
        "email": "help@example.org",
        "kakaotalk": "example_kakao",
        "wechat": "example_wechat",
    }
    entry = model(contacts=[{"type": kind, "value": value} for kind, value in values.items()])
    for lang in ("ko", "zh", "en"):
        text = screens.card(Texts(lang), NAV, entry).text
        assert "<code>" not in text
        lines = text.splitlines()
        for kind in ("phone", "signal", "telegram", "email"):
            assert any(line.endswith(": " + values[kind]) for line in lines), (kind, text)
        assert any(line.endswith(": https://example.org/help?a=1&amp;b=2") for line in lines)
        for kind in ("kakaotalk", "wechat"):
            assert any(line.endswith(f": <b>{values[kind]}</b>") for line in lines), (kind, text)


def test_card_back_returns_to_the_same_list_page() -> None:
    nav = Nav(Screen.CARD, "en", "KR", "legal", 3, "x-entry")
    view = screens.card(Texts("en"), nav, model())
    back, home, more = (decode(data) for _, data in view.rows[-2])
    (erase,) = (decode(data) for _, data in view.rows[-1])
    assert back == Nav(Screen.LIST, "en", "KR", "legal", 3)
    assert home == Nav(Screen.NEEDS, "en", "KR")
    assert more == Nav(Screen.MORE, "en", "KR", "legal", 3, "x-entry", origin=Screen.CARD)
    assert erase.back_from_erase() == nav


def test_empty_fallback_is_kind_and_leads_to_other_needs() -> None:
    """With nothing for her need here, Back leads to the other needs of its topic and Home to
    every topic; the list offers no button of its own for that (a small phone shows less)."""
    nav = Nav(Screen.LIST, "en", "OTHER", "testimony")
    view = screens.entry_list(Texts("en"), nav, Page([], 0, 1, 0), fallback=True)
    assert "Sorry" in view.text
    back, home, _more = (decode(data) for _, data in view.rows[0])
    assert back.screen is Screen.TOPIC and back.place == "OTHER"
    assert home == Nav(Screen.NEEDS, "en", "OTHER")


def test_long_names_are_cut_on_buttons() -> None:
    nav = Nav(Screen.LIST, "en", "CN", "health")
    view = screens.entry_list(
        Texts("en"), nav, Page([model(name={"en": "N" * 150})], 0, 1, 1), fallback=False
    )
    label = view.rows[0][0][0]
    assert len(label) <= screens.MAX_LABEL and label.endswith("…")
