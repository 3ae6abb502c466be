"""The real bot over loopback HTTP: a user's way through every screen, in three languages."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import deque
from pathlib import Path

import pytest
from babel.dates import format_date
from sqlalchemy import text

from bot.db import database
from bot.menus.callback import Nav, Screen, decode, encode
from bot.taxonomy import NEEDS, PLACES
from tests import telegram_html
from tests.directory_data import (
    RECENT,
    STAFF_NOTE_MARK,
    STANDARD_VISIBLE,
    as_yaml,
    entry,
    standard_entries,
)
from tests.harness import Harness, Person, telegram_length

HANGUL = re.compile(r"[\uac00-\ud7a3]")
HAN = re.compile(r"[\u4e00-\u9fff]")
ALLOWED_TAGS = {"b", "i", "code"}


def script_of(text: str) -> str:
    """Which user language a screen is written in, judged by its script alone."""
    if HANGUL.search(text):
        return "ko"
    if HAN.search(text):
        return "zh"
    return "en"


def expected_ids(need: str, place: str) -> set[str]:
    """The spec's rule, computed from the test data, independent of the bot's query."""
    fresh_since = dt.date.today() - dt.timedelta(days=180)
    return {
        e["id"]
        for e in standard_entries()
        if e["status"] == "verified"
        and e["verified_on"] >= fresh_since
        and need in e["categories"]
        and (place in e["regions"] or "ANY" in e["regions"])
    }


def entry_buttons(her: Person) -> list[tuple[str, str]]:
    found = []
    for row in her.screen.buttons():
        for label, data in row:
            nav = decode(data)
            if nav.screen is Screen.CARD and nav.entry:
                found.append((label, nav.entry))
    return found


def place_buttons(her: Person) -> int:
    """How many of the four place choices the screen offers."""
    return sum(
        1 for row in her.screen.buttons() for _, d in row if decode(d).screen is Screen.NEEDS
    )


def has_nav_row(her: Person) -> bool:
    """A row holds Back and Home."""
    rows = [" ".join(label for label, _ in row) for row in her.screen.buttons()]
    return any("◀" in row and "🏠" in row for row in rows)


def erase_is_alone_on_the_last_row(her: Person) -> bool:
    """Erase is in the same place on every screen: the whole last row."""
    last = her.screen.buttons()[-1]
    return (
        len(last) == 1 and last[0][0].startswith("🗑") and decode(last[0][1]).screen is Screen.ERASE
    )


def assert_markup_is_safe(text: str) -> None:
    tags = set(telegram_html.parse(text).tags)  # HTML that Telegram takes
    assert tags <= ALLOWED_TAGS, f"unexpected tags {tags - ALLOWED_TAGS}"
    assert telegram_length(text) <= 4096


@pytest.mark.parametrize(
    ("code", "lang"),
    [
        ("ko", "ko"),
        ("ko-KR", "ko"),
        ("zh-hans", "zh"),
        ("zh-TW", "zh"),
        ("en", "en"),
        ("ru", "en"),
        (None, "en"),
    ],
)
async def test_first_language_follows_telegram_language(bot: Harness, code: str, lang: str) -> None:
    her = bot.person(code)
    await her.send("/start")
    assert script_of(her.screen.text + " ".join(her.labels())) == lang
    assert place_buttons(her) == 4


@pytest.mark.parametrize("lang", ["ko", "zh", "en"])
async def test_walk_every_screen(bot: Harness, lang: str) -> None:
    """Press every button reachable from /start in one language, checking each screen."""
    her = bot.person(lang)
    await her.send("/start")
    seen: set[str] = set()
    queue = deque(d for row in her.screen.buttons() for _, d in row)
    shown_entries: dict[tuple[str, str], set[str]] = {}
    screens = 0
    while queue:
        data = queue.popleft()
        if data in seen:
            continue
        seen.add(data)
        assert data.isascii() and len(data.encode()) <= 64
        nav = decode(data)
        if nav.lang != lang or nav.auto or nav.screen is Screen.ERASE_NOW:
            continue  # other languages, auto-erase and erasing have walks and tests of their own
        await her.press(data)
        screens += 1
        assert her.answer is not None, f"tap {data} was not answered"
        assert "text" not in her.answer, f"tap {data} got a warning: {her.answer}"
        text = her.screen.text
        assert_markup_is_safe(text)
        assert STAFF_NOTE_MARK not in text  # staff notes never reach a user
        assert script_of(text) == lang or nav.screen is Screen.CARD
        if place_buttons(her) != 4:  # not the first screen, which has nothing to go back to
            assert has_nav_row(her), f"no Back/Home on {data}"
        count = sum(len(row) for row in her.screen.buttons())
        assert count <= 12, f"{count} buttons on {data}"  # a small phone shows them all
        if nav.screen is not Screen.ERASE:
            assert erase_is_alone_on_the_last_row(her), f"Erase is not the last row on {data}"
            leads_to = {decode(d).screen for row in her.screen.buttons() for _, d in row}
            assert leads_to & {Screen.MORE, Screen.LANGUAGES}, f"no Language from {data}"
        if nav.screen is Screen.LIST:
            assert nav.place and nav.need
            shown_entries.setdefault((nav.need, nav.place), set()).update(
                entry for _, entry in entry_buttons(her)
            )
        if nav.screen is Screen.CARD:
            assert nav.entry in STANDARD_VISIBLE
        queue.extend(d for row in her.screen.buttons() for _, d in row)
    assert screens > 60
    # Every need can be reached in every place, but a new life in South Korea from China.
    hidden = {("settlement", "CN")}
    assert set(shown_entries) == {(n, p) for n in NEEDS for p in PLACES} - hidden
    for (need, place), got in shown_entries.items():
        want = expected_ids(need, place)
        if want:
            assert got == want, (need, place)
        else:  # the kind fallback offers what serves anywhere
            assert got == {"any-hotline"}, (need, place)
    assert len([m for m in bot.fake.api.messages[her.chat_id].values() if m.from_bot]) == 1


async def test_language_match_first_then_name(bot: Harness) -> None:
    orders = {}
    for lang in ("ko", "zh", "en"):
        her = bot.person(lang)
        await her.send("/start")
        await her.press(encode(Nav(Screen.LIST, lang, "CN", "shelter")))
        orders[lang] = [label for label, _ in entry_buttons(her)]
    assert orders["ko"] == ["나 쉼터", "세 언어 쉼터", "Alpha Shelter"]
    assert orders["zh"] == ["三语庇护所", "甲庇护所", "Bravo Shelter"]
    assert orders["en"] == ["Three Language Shelter", "Alpha Shelter", "Bravo Shelter"]


async def test_pages_of_five(bot: Harness) -> None:
    her = bot.person("en")
    await her.send("/start")
    await her.tap("another country")
    await her.tap("Papers and legal help")
    await her.tap("Legal help")
    first = entry_buttons(her)
    assert len(first) == 5 and "Page 1 of 2" in her.screen.text
    assert not [lb for lb in her.labels() if "Previous" in lb]
    await her.tap("Next")
    second = entry_buttons(her)
    assert len(second) == 2 and "Page 2 of 2" in her.screen.text
    assert {e for _, e in first} | {e for _, e in second} == expected_ids("legal", "TRANSIT")
    await her.tap(second[0][0])
    await her.tap("Back")
    assert entry_buttons(her) == second
    await her.tap("Previous")
    assert entry_buttons(her) == first


async def test_card_in_korean(bot: Harness) -> None:
    her = bot.person("ko")
    await her.send("/start")
    await her.press(encode(Nav(Screen.CARD, "ko", "CN", "shelter", 0, "cn-shelter-all")))
    lines = her.screen.text.splitlines()
    text = her.screen.text
    assert lines[0] == "<b>세 언어 쉼터</b>"
    described = lines.index("누구나 옵니다.")
    assert lines[described + 3] == "봉사자가 받습니다. 먼저 전화하지 않습니다."  # what to expect
    assert "Weekdays <i>(영어)</i>" in text  # hours only in English: marked as such
    assert "한국어(조선말), 중국어, 영어" in text  # as a reader from the North names it
    assert format_date(RECENT, format="long", locale="ko") in text
    phone = next(i for i, line in enumerate(lines) if "+86 10 0000 0000" in line)
    wechat = next(i for i, line in enumerate(lines) if "example_wechat" in line)
    telegram = next(i for i, line in enumerate(lines) if "@example_tg_handle" in line)
    assert telegram < phone < wechat  # safest first in China: WeChat and the phone last
    assert "⚠️" in lines[phone] and "⚠️" in lines[wechat]  # tagged as watched, beside them
    assert "⚠️" not in lines[telegram] and "VPN" in lines[telegram]
    assert "통화 기록" in lines[phone + 1]  # a call stays in the call log


def reports(harness: Harness, entry_id: str) -> int:
    """ "Did not work" reports for the entry in the counter's memory today."""
    counter = harness.core.counter
    batch = counter.take(everything=True)
    counter.put_back(batch)
    return sum(
        n
        for (_day, metric, key), n in batch.daily.items()
        if metric == "not_working" and key == entry_id
    )


@pytest.mark.parametrize("lang", ["ko", "zh", "en"])
async def test_a_report_needs_its_confirm_and_counts_once(bot: Harness, lang: str) -> None:
    """The card's button only asks; "No, go back" returns to the card and counts nothing;
    "Yes, report" counts, once per person and day however often she says it."""
    her = bot.person(lang)
    await her.send("/start")
    card = Nav(Screen.CARD, lang, "CN", "shelter", 0, "cn-shelter-all")
    await her.press(encode(card))
    on_card = her.screen.buttons()
    report = next(d for row in on_card for _, d in row if decode(d).screen is Screen.REPORT_ASK)
    assert [d for _, d in on_card[-3]] == [report]  # just above Back and Home
    await her.press(report)
    asked = {decode(d).screen: label for row in her.screen.buttons() for label, d in row}
    assert Screen.REPORT in asked and "⚠" not in asked[Screen.REPORT]
    assert script_of(her.screen.text) == lang
    assert reports(bot, "cn-shelter-all") == 0
    no = next(d for row in her.screen.buttons() for _, d in row if decode(d) == card)
    await her.press(no)
    assert her.screen.text.startswith("<b>세 언어 쉼터</b>" if lang == "ko" else "<b>")
    assert reports(bot, "cn-shelter-all") == 0
    for _ in range(2):
        await her.press(encode(card))
        await her.press(report)
        await her.press(encode(card.to(Screen.REPORT)))
        assert {e for _, e in entry_buttons(her)} == expected_ids("shelter", "CN")  # the list
        assert reports(bot, "cn-shelter-all") == 1
    someone = bot.person(lang)
    await someone.send("/start")
    await someone.press(report)
    await someone.tap({"ko": "예, 알립니다", "zh": "是，告诉他们", "en": "Yes, report"}[lang])
    assert reports(bot, "cn-shelter-all") == 2


async def test_directory_text_cannot_inject_markup(bot: Harness) -> None:
    her = bot.person("en")
    await her.send("/start")
    await her.press(encode(Nav(Screen.CARD, "en", "CN", "health", 0, "cn-markup")))
    text = her.screen.text
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; &lt;a title=&#x27;t&#x27;&gt;link&lt;/a&gt;" in text
    assert_markup_is_safe(text)
    assert "…" in text  # the long description was cut to fit
    assert "https://clinic.example.org/?a=1&amp;b=2" in text


# Every text field of an entry, with what Telegram would refuse (tags it does not know, a tag
# left open, a bare `&`) or would obey (its own tags, an entity): the validator lets all of
# these through, so only escaping stands between them and her screen.
HOSTILE = {
    "name": "<script>alert(1)</script> & Co <b",
    "description": "<a href='x'>tap</a> &amp; <tg-spoiler>s</tg-spoiler> &#60; <i>it",
    "expect": "<u>They</u> answer &lt; <pre>never</pre> call first & <i",
    "hours": "<a href='x'>9-5</a> & <b",
    "internal_note": '<pre>ask</pre> <span class="tg-spoiler">Min</span> & <code',
}
STAFF_ADMIN = 620001


def hostile_entry() -> dict[str, object]:
    return entry(
        "cn-hostile",
        categories=["health"],
        name={"en": HOSTILE["name"]},
        description={"en": HOSTILE["description"]},
        expect={"en": HOSTILE["expect"]},
        hours={"en": HOSTILE["hours"]},
        internal_note=HOSTILE["internal_note"],
    )


def shown_as_sent(text: str) -> list[str]:
    """The lines she sees, once Telegram has parsed the HTML; the bot's own tags only."""
    parsed = telegram_html.parse(text)
    assert set(parsed.tags) <= {*ALLOWED_TAGS, "pre"}, parsed.tags
    return parsed.lines


async def test_no_text_field_can_inject_markup_on_any_screen(tmp_path: Path) -> None:
    """The card users see and the staff screens (the entry with its note, the note being
    changed): each field is shown exactly as written, and the message is HTML Telegram takes."""
    async with Harness(
        tmp_path,
        admin_ids=str(STAFF_ADMIN),
        directory=as_yaml([*standard_entries(), hostile_entry()]),
    ) as harness:
        her = harness.person("en")
        await her.send("/start")
        await her.tap("In China")
        await her.tap("Health and feelings")
        await her.tap("Health, pregnancy")
        await her.tap(HOSTILE["name"][:20])  # a button's label is plain text
        card = shown_as_sent(her.screen.text)
        assert card[0] == HOSTILE["name"]
        assert HOSTILE["description"] in card
        assert HOSTILE["expect"] in card
        assert "Hours: " + HOSTILE["hours"] in card
        assert not any(HOSTILE["internal_note"] in line for line in card)

        admin = harness.person("en", user_id=STAFF_ADMIN)
        await admin.send("/volunteer")
        await admin.tap("Find by id")
        await admin.send("cn-hostile")
        staff = shown_as_sent(admin.screen.text)
        assert "Staff note: " + HOSTILE["internal_note"] in staff
        assert HOSTILE["name"] in staff and HOSTILE["description"] in staff
        assert HOSTILE["expect"] in staff
        assert "Hours: " + HOSTILE["hours"] in staff
        await admin.tap("Needs a change")
        shown_as_sent(admin.screen.text)
        await admin.tap("Staff note")
        assert HOSTILE["internal_note"] in shown_as_sent(admin.screen.text)


@pytest.mark.parametrize(
    ("sent", "visible"),
    [
        ("<b>a &amp; b</b> &#60;&#x3E;&quot;", 'a & b <>"'),
        ('<pre><code class="language-x">c</code></pre><a href="x">d</a>', "cd"),
        ("<tg-spoiler>e</tg-spoiler>", "e"),
    ],
)
def test_the_html_check_reads_what_telegram_reads(sent: str, visible: str) -> None:
    assert telegram_html.parse(sent).visible == visible


@pytest.mark.parametrize(
    "sent",
    [
        "<script>x</script>",
        "<b",
        "a < b",
        "a > b",
        "a & b",
        "&nbsp;",
        "&#x27",
        "<b>x",
        "</b>",
        "<b><i>x</b></i>",
        "<i title='t'>x</i>",
        "<span onclick='x'>y</span>",
    ],
)
def test_the_html_check_refuses_what_telegram_refuses(sent: str) -> None:
    with pytest.raises(telegram_html.TelegramRefuses):
        telegram_html.parse(sent)


@pytest.mark.parametrize(
    "data",
    [
        "",
        "garbage",
        "1.p.en.-.-.0.-",
        "3.p.en.-.-.0.0.-.-",
        "2.l.en.CN.-.0.0.-.-",
        "2.c.en.CN.2.0.0.-.-",
        "2.n.en.XX.-.0.0.-.-",
        "2.l.en.CN.12.0.0.-.-",
        "2.l.en.CN.2.1000.0.-.-",
        "2.l.en.CN.2.0.9.-.-",
        "2.p.fr.-.-.0.0.-.-",
        "2.c.en.CN.2.0.0.-.UPPER",
        "2.e.en.CN.2.0.0.c.-",
        "2.e.en.-.-.0.0.x.-",
        "2.p.en.-.-.0.0.-.-" + "x" * 50,
        "２.p.en.-.-.0.0.-.-",
        "2.p.en.-.-.0.0.-.-\n",
        None,
    ],
)
async def test_forged_buttons_get_a_calm_answer(
    bot: Harness, data: str | None, caplog: pytest.LogCaptureFixture
) -> None:
    her = bot.person("zh")
    await her.send("/start")
    await her.tap("在中国")
    with caplog.at_level(logging.WARNING):
        await her.press(data)
    assert her.answer is not None and script_of(her.answer["text"]) == "zh"
    assert place_buttons(her) == 4
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    await her.send("/start")  # and the bot keeps answering
    assert "/start" not in her.screen.text


@pytest.mark.parametrize("entry_id", ["cn-draft", "cn-archived", "cn-stale", "no-such-entry"])
async def test_hidden_entries_cannot_be_opened(bot: Harness, entry_id: str) -> None:
    her = bot.person("en")
    await her.send("/start")
    await her.press(encode(Nav(Screen.CARD, "en", "CN", "shelter", 0, entry_id)))
    assert her.answer is not None
    assert "Shelter" not in her.screen.text and "@example.org" not in her.screen.text
    assert "◀" in her.labels()[0]


@pytest.mark.parametrize(
    "content",
    [
        {"text": "my name is Kim and I am in Yanji"},
        {
            "sticker": {
                "file_id": "s",
                "file_unique_id": "u",
                "width": 1,
                "height": 1,
                "is_animated": False,
                "is_video": False,
                "type": "regular",
            }
        },
        {"photo": [{"file_id": "p", "file_unique_id": "u", "width": 1, "height": 1}]},
        {"voice": {"file_id": "v", "file_unique_id": "u", "duration": 1}},
        {"location": {"latitude": 42.9, "longitude": 129.5}},
        {"contact": {"phone_number": "+8613800000000", "first_name": "X"}},
        {"document": {"file_id": "d", "file_unique_id": "u"}},
    ],
)
async def test_anything_else_gets_buttons_and_is_removed(bot: Harness, content: dict) -> None:
    her = bot.person("ko")
    text = content.pop("text", None)
    update = await her.send(text, **content)
    incoming = update["message"]["message_id"]
    assert incoming not in bot.fake.api.messages[her.chat_id]  # her message was deleted
    assert script_of(her.screen.text) == "ko"
    assert place_buttons(her) == 4
    assert "Yanji" not in her.screen.text


async def test_language_switch_keeps_the_place(bot: Harness) -> None:
    her = bot.person("en")
    await her.send("/start")
    await her.tap("In South Korea")
    await her.tap("More")
    await her.tap("Language")
    await her.tap("中文")
    assert script_of(her.screen.text) == "zh"
    assert decode(her.data_of("首页")).place == "KR"
    await her.send("/language")
    assert {"한국어(조선말)", "中文", "English"} <= set(her.labels())


@pytest.mark.parametrize("command", ["/help", "/about"])
@pytest.mark.parametrize("lang", ["ko", "zh", "en"])
async def test_help_and_about(bot: Harness, command: str, lang: str) -> None:
    her = bot.person(lang)
    await her.send(command)
    assert script_of(her.screen.text) == lang
    assert has_nav_row(her)


async def test_about_names_the_real_handle(tmp_path) -> None:  # type: ignore[no-untyped-def]
    async with Harness(tmp_path, bot_public_handle="@real_helpline_bot") as harness:
        her = harness.person("ko")
        await her.send("/about")
        assert "@real_helpline_bot" in her.screen.text


async def test_groups_and_channels_are_left_in_silence(bot: Harness) -> None:
    api = bot.fake.api
    member = bot.person("en")
    await bot.deliver(api.user_sends(member.user, "/start", chat_id=-100123))
    await bot.deliver(
        api.queue(
            {
                "my_chat_member": {
                    "chat": {"id": -100456, "type": "supergroup", "title": "G"},
                    "from": member.user,
                    "date": 0,
                    "old_chat_member": {
                        "status": "left",
                        "user": {"id": 1000001, "is_bot": True, "first_name": "H"},
                    },
                    "new_chat_member": {
                        "status": "member",
                        "user": {"id": 1000001, "is_bot": True, "first_name": "H"},
                    },
                }
            }
        )
    )
    await bot.deliver(
        api.queue(
            {
                "channel_post": {
                    "message_id": 1,
                    "date": 0,
                    "text": "hi",
                    "chat": {"id": -100789, "type": "channel", "title": "C"},
                }
            }
        )
    )
    assert set(api.left_chats) == {-100123, -100456, -100789}
    sent_to = {int(p["chat_id"]) for m, p in api.calls if m == "sendMessage"}
    assert not {c for c in sent_to if c < 0}


async def test_bot_asks_only_for_what_it_handles(bot: Harness) -> None:
    assert bot.fake.allowed_updates
    assert set(bot.fake.allowed_updates[-1]) == {
        "message",
        "callback_query",
        "my_chat_member",
        "channel_post",
    }


async def test_messages_are_protected_html(bot: Harness) -> None:
    her = bot.person("en")
    await her.send("/start")
    await her.send("hello")
    sends = [p for m, p in bot.fake.api.calls if m == "sendMessage"]
    assert sends and all(p["protect_content"] is True for p in sends)
    assert all(p["parse_mode"] == "HTML" for p in sends)
    assert "application/x-www-form-urlencoded" in bot.fake.content_types


async def test_commands_are_set_in_every_language(bot: Harness) -> None:
    commands = bot.fake.api.commands
    assert set(commands) == {"", "ko", "zh", "en"}
    for lang in ("ko", "zh"):
        assert all(script_of(c["description"]) == lang for c in commands[lang])


async def test_a_failure_gets_a_calm_answer_and_a_log_line_without_her(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    her = bot.person("ko", user_id=8123456789, username="zz_error_canary")
    await her.send("/start")
    await her.tap("중국에")
    await her.tap("머물 곳")
    engine = database.make_engine(bot.db_url)  # the database breaks
    async with engine.begin() as connection:
        await connection.execute(text("DROP TABLE listings"))
    await engine.dispose()
    with caplog.at_level(logging.DEBUG):
        update = await her.tap("안전하게 지낼 곳")
    assert her.answer is not None and script_of(her.answer["text"]) == "ko"
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert re.fullmatch(
        rf"update {update['update_id']} failed in bot\.directory\.queries:fetch:\d+"
        r" with (OperationalError|ProgrammingError)",
        errors[0],
    )
    logged = caplog.text
    assert "8123456789" not in logged and "zz_error_canary" not in logged
    await her.send("/start")  # the bot is still there
    assert her.screen.buttons()


async def test_a_tap_telegram_calls_too_old_still_changes_the_screen(bot: Harness) -> None:
    her = bot.person("en")
    await her.send("/start")
    bot.fake.fail_next["answerCallbackQuery"] = 400
    await her.tap("In China")
    assert "What do you need?" in her.screen.text


async def test_her_message_is_deleted_even_when_the_reply_fails(bot: Harness) -> None:
    her = bot.person("en")
    bot.fake.fail_next["sendMessage"] = 500
    update = await her.send("I am at the bus station")
    assert update["message"]["message_id"] not in bot.fake.api.messages[her.chat_id]
