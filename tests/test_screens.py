"""Screens as data, without Telegram or a database."""

from __future__ import annotations

import datetime as dt
import html
import re

from bot.directory.queries import Page
from bot.directory.schema import EntryModel
from bot.i18n import Texts
from bot.menus import screens
from bot.menus.callback import Nav, Screen, decode
from bot.ui.view import visible_length
from tests.harness import telegram_length

HANGUL = re.compile(r"[\uac00-\ud7a3]")
HAN = re.compile(r"[\u4e00-\u9fff]")
# What comes between a contact's channel and its value: Chinese puts a full-width colon.
AFTER_LABEL = {"ko": ": ", "zh": "：", "en": ": "}


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
        after = AFTER_LABEL[lang]
        for kind in ("phone", "signal", "telegram", "email"):
            assert any(line.endswith(after + values[kind]) for line in lines), (kind, text)
        assert any(line.endswith(after + "https://example.org/help?a=1&amp;b=2") for line in lines)
        for kind in ("kakaotalk", "wechat"):
            bold_id = f"{after}<b>{values[kind]}</b>"
            assert any(line.endswith(bold_id) for line in lines), (kind, text)


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


# Every kind of contact, in an order no table uses.
EVERY_CHANNEL = [
    {"type": "phone", "value": "+86 10 1234 5678"},
    {"type": "wechat", "value": "example_wechat"},
    {"type": "email", "value": "help@example.org"},
    {"type": "kakaotalk", "value": "example_kakao"},
    {"type": "website", "value": "https://example.org"},
    {"type": "telegram", "value": "@example_handle"},
    {"type": "signal", "value": "+82 10 1234 5678"},
]
VALUE_OF = {c["value"]: c["type"] for c in EVERY_CHANNEL}
CALL_LOG_EN = "A call stays in the phone's call log and on the phone bill."


def contact_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("• ")]


def split_contact(line: str) -> tuple[str, str]:
    """A contact line's channel (with its tag) and its value, in any of the languages: the
    value follows the last ": " (Korean, English) or "：" (Chinese)."""
    where = max(line.rfind(": "), line.rfind("："))
    after = 2 if line.startswith(": ", where) else 1
    return line[:where], line[where + after :]


def channel_order(text: str) -> list[str]:
    found = []
    for line in contact_lines(text):
        value = split_contact(line)[1].removeprefix("<b>").removesuffix("</b>")
        found.append(VALUE_OF[value])
    return found


def card_in(place: str, lang: str = "en", **fields: object) -> str:
    nav = Nav(Screen.CARD, lang, place, "health", 0, "x-entry")
    return screens.card(Texts(lang), nav, model(contacts=EVERY_CHANNEL, **fields)).text


def test_contacts_are_ordered_safest_first_for_her_place() -> None:
    """In China, Telegram (it already works for her) before Signal; elsewhere Signal first;
    WeChat and the phone last everywhere. The file's order never decides."""
    in_china = ["telegram", "signal", "website", "email", "kakaotalk", "phone", "wechat"]
    elsewhere = ["signal", "telegram", "website", "email", "kakaotalk", "phone", "wechat"]
    for lang in ("ko", "zh", "en"):
        assert channel_order(card_in("CN", lang)) == in_china
        for place in ("KR", "TRANSIT", "OTHER"):
            assert channel_order(card_in(place, lang)) == elsewhere, place
    backwards = model(contacts=list(reversed(EVERY_CHANNEL)))
    nav = Nav(Screen.CARD, "en", "CN", "health", 0, "x-entry")
    assert channel_order(screens.card(Texts("en"), nav, backwards).text) == in_china


def test_each_channel_has_its_tag_for_her_place() -> None:
    def tags(text: str) -> dict[str, str]:
        found = {}
        for line, kind in zip(contact_lines(text), channel_order(text), strict=True):
            head = split_contact(line)[0]
            found[kind] = head.split("<i>", 1)[1].split("</i>", 1)[0] if "<i>" in head else ""
        return found

    vpn, watched = "needs a VPN in China", "⚠️ watched in China"
    assert tags(card_in("CN")) == {
        "telegram": vpn,
        "signal": vpn,
        "kakaotalk": vpn,
        "email": "use a mail account from outside China",
        "website": "",
        "phone": watched,
        "wechat": watched,
    }
    for place in ("KR", "TRANSIT", "OTHER"):
        found = tags(card_in(place))
        assert found.pop("wechat") == "⚠️ read by the Chinese authorities"
        assert set(found.values()) == {""}, place
    assert "• Signal (<i>needs a VPN in China</i>): +82 10 1234 5678" in card_in("CN")
    korean, chinese = tags(card_in("CN", "ko")), tags(card_in("CN", "zh"))
    for kind in ("telegram", "phone", "wechat"):
        assert HANGUL.search(korean[kind]) and HAN.search(chinese[kind]), kind
        assert not HANGUL.search(chinese[kind])
    assert korean["phone"].startswith("⚠️ ") and chinese["wechat"].startswith("⚠️ ")
    assert "VPN" in korean["signal"] and "VPN" in chinese["signal"]


def test_a_phone_number_has_the_call_log_line_under_it_everywhere() -> None:
    for place in ("CN", "KR", "TRANSIT", "OTHER"):
        lines = card_in(place).splitlines()
        phone = next(i for i, line in enumerate(lines) if "+86 10 1234 5678" in line)
        assert lines[phone + 1] == f"  <i>{html.escape(CALL_LOG_EN)}</i>", place
        assert sum("call log" in line for line in lines) == 1
    for lang, word in (("ko", "통화 기록"), ("zh", "通话记录")):
        lines = card_in("KR", lang).splitlines()
        phone = next(i for i, line in enumerate(lines) if "+86 10 1234 5678" in line)
        assert lines[phone + 1].startswith("  <i>") and word in lines[phone + 1]
    no_phone = model(contacts=[{"type": "signal", "value": "+82 10 1234 5678"}])
    assert "call log" not in screens.card(Texts("en"), NAV, no_phone).text


def test_what_to_expect_comes_under_the_description_escaped() -> None:
    expect = "<a href='x'>They</a> answer & never call first <b"
    escaped = "&lt;a href=&#x27;x&#x27;&gt;They&lt;/a&gt; answer &amp; never call first &lt;b"
    entry = model(description={"en": "About them."}, expect={"en": expect})
    for lang in ("ko", "zh", "en"):
        lines = screens.card(Texts(lang), NAV, entry).text.splitlines()
        described = next(i for i, line in enumerate(lines) if line.startswith("About them."))
        assert lines[described + 1] == ""
        assert re.fullmatch(r"<b>[^<]+[:：]</b>", lines[described + 2])
        assert lines[described + 3].startswith(escaped)
        assert "<a" not in "\n".join(lines)
    own = screens.card(Texts("ko"), NAV, model(expect={"ko": "봉사자가 받습니다.", "en": "x"}))
    assert "봉사자가 받습니다." in own.text.splitlines()


def run_of(char: str, text: str) -> int:
    """How much is left of a text made of one letter repeated."""
    return max((len(run) for run in re.findall(f"{char}{{20,}}", text)), default=0)


def test_a_long_card_is_cut_description_first_then_expect_then_hours() -> None:
    entry = model(
        description={"en": "d" * 4000},
        expect={"en": "e" * 1000},
        hours={"en": "h" * 500},
        contacts=EVERY_CHANNEL,
    )
    t = Texts("en")

    def runs(room: int) -> tuple[str, int, int, int]:
        text = screens.card_text(t, entry, "CN", room=room)
        assert visible_length(text) <= room
        assert channel_order(text) == [
            "telegram", "signal", "website", "email", "kakaotalk", "phone", "wechat"
        ]  # fmt: skip
        return text, run_of("d", text), run_of("e", text), run_of("h", text)

    whole, description, expect, hours = runs(10_000)
    assert (description, expect, hours) == (4000, 1000, 500)
    base = visible_length(whole) - 5500
    text, description, expect, hours = runs(base + 1500 + 2000)
    assert 0 < description < 4000 and (expect, hours) == (1000, 500) and "d…" in text
    text, description, expect, hours = runs(base + 900)
    assert description < 10 and 0 < expect < 1000 and hours == 500 and "e…" in text
    text, description, expect, hours = runs(base + 300)
    assert expect == 0 and 0 < hours < 500 and "h…" in text


def test_did_not_work_sits_just_above_back_and_home_in_plain_words() -> None:
    view = screens.card(Texts("en"), NAV, model())
    (report,) = view.rows[-3]
    assert report[0] == "This contact did not work"
    assert decode(report[1]) == NAV.to(Screen.REPORT_ASK)
    for lang in ("ko", "zh"):
        (label, _data) = screens.card(Texts(lang), NAV, model()).rows[-3][0]
        assert "⚠" not in label and script_ok(label, lang)


def script_ok(label: str, lang: str) -> bool:
    return bool(HANGUL.search(label)) if lang == "ko" else bool(HAN.search(label))


def test_a_report_is_asked_once_more_and_a_second_tap_on_the_spot_goes_back() -> None:
    """From the bottom, where a thumb is: a tap twice on the spot of the card's report button
    lands on "No, go back", never on "Yes"."""
    nav = Nav(Screen.REPORT_ASK, "en", "CN", "health", 3, "x-entry")
    view = screens.report_question(Texts("en"), nav)
    targets = {label: decode(data) for row in view.rows for label, data in row}
    assert targets["Yes, report"] == Nav(Screen.REPORT, "en", "CN", "health", 3, "x-entry")
    assert targets["No, go back"] == Nav(Screen.CARD, "en", "CN", "health", 3, "x-entry")
    card = screens.card(Texts("en"), nav.to(Screen.CARD), model())
    spot = len(card.rows) - next(
        i for i, row in enumerate(card.rows) if "did not work" in row[0][0]
    )
    assert [label for label, _ in view.rows[len(view.rows) - spot]] == ["No, go back"]
    assert [decode(d).screen for _, d in view.rows[-1]] == [Screen.ERASE]
    assert [decode(d).screen for _, d in view.rows[-2]] == [Screen.CARD, Screen.NEEDS, Screen.MORE]
    for lang in ("ko", "zh"):
        asked = screens.report_question(Texts(lang), nav.to(Screen.REPORT_ASK, lang=lang))
        assert script_ok(asked.text, lang) and ("?" in asked.text or "？" in asked.text)
