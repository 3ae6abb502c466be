"""Hypothesis strategies for Bot API updates of every kind, and for button data.

Each update is well-formed as Telegram would send it (the fields each type requires are there),
with everything else random: who sends it, from which kind of chat, what it carries, what its
buttons say. Bot API types change; these cover what the Bot API defines today for updates.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st

from bot.desk.callback import Act
from bot.menus.callback import AUTO_ERASE_MINUTES, Nav, Screen, encode
from bot.taxonomy import NEEDS, PLACES, USER_LANGUAGES

_ids = itertools.count(1)
NOW = int(time.time())

texts = st.text(max_size=200)
short_texts = st.text(min_size=1, max_size=40)
file_ids = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_-", min_size=1, max_size=30)
language_codes = st.one_of(
    st.none(),
    st.sampled_from(["ko", "ko-KR", "zh-hans", "zh-hant", "en", "ru", ""]),
    st.text(max_size=8),
)

users = st.fixed_dictionaries(
    {
        "id": st.integers(min_value=1, max_value=2**52),
        "is_bot": st.booleans(),
        "first_name": short_texts,
    },
    optional={
        "last_name": texts,
        "username": st.from_regex(r"[A-Za-z][A-Za-z0-9_]{4,31}", fullmatch=True),
        "language_code": language_codes,
        "is_premium": st.booleans(),
    },
)


def chat_of(user: dict[str, Any], kind: str) -> dict[str, Any]:
    if kind == "private":
        return {"id": user["id"], "type": "private", "first_name": user["first_name"]}
    # A new group each time: the rate limiter rightly paces calls into one group (20 a
    # minute), and a fuzzer that kept drawing the same group would measure only that.
    return {"id": -(10**12) - next(_ids), "type": kind, "title": "A chat"}


chat_kinds = st.sampled_from(["private", "private", "private", "group", "supergroup", "channel"])


def _file(**extra: Any) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({"file_id": file_ids, "file_unique_id": file_ids, **extra})


sizes = st.integers(min_value=1, max_value=5000)
durations = st.integers(min_value=0, max_value=10_000)
entities = st.lists(
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(
                ["bold", "italic", "url", "mention", "bot_command", "hashtag", "code", "spoiler"]
            ),
            "offset": st.integers(0, 50),
            "length": st.integers(1, 50),
        }
    ),
    max_size=3,
)

# What a message can carry, as (field, strategy): every content type of the Bot API's Message.
CONTENTS: dict[str, st.SearchStrategy[Any]] = {
    "text": texts,
    "command": st.sampled_from(
        [
            "/start",
            "/help",
            "/about",
            "/language",
            "/safety",
            "/erase",
            "/stats",
            "/volunteer",
            "/history",
            "/history cn-shelter-ko",
            "/start payload",
            "/erase@other_bot",
            "/unknown",
        ]
    ),
    "photo": st.lists(_file(width=sizes, height=sizes), min_size=1, max_size=3),
    "sticker": _file(
        type=st.sampled_from(["regular", "mask", "custom_emoji"]),
        width=sizes,
        height=sizes,
        is_animated=st.booleans(),
        is_video=st.booleans(),
    ),
    "voice": _file(duration=durations),
    "video": _file(width=sizes, height=sizes, duration=durations),
    "video_note": _file(length=sizes, duration=durations),
    "audio": _file(duration=durations),
    "animation": _file(width=sizes, height=sizes, duration=durations),
    "document": _file(file_name=texts),
    "location": st.fixed_dictionaries(
        {"latitude": st.floats(-90, 90), "longitude": st.floats(-180, 180)}
    ),
    "venue": st.fixed_dictionaries(
        {
            "location": st.fixed_dictionaries(
                {"latitude": st.floats(-90, 90), "longitude": st.floats(-180, 180)}
            ),
            "title": short_texts,
            "address": short_texts,
        }
    ),
    "contact": st.fixed_dictionaries(
        {
            "phone_number": st.from_regex(r"\+?[0-9]{5,15}", fullmatch=True),
            "first_name": short_texts,
        }
    ),
    "dice": st.fixed_dictionaries(
        {"emoji": st.sampled_from(["🎲", "🎯", "🏀"]), "value": st.integers(1, 6)}
    ),
    "poll": st.fixed_dictionaries(
        {
            "id": file_ids,
            "question": short_texts,
            "options": st.lists(
                st.fixed_dictionaries(
                    {
                        "text": short_texts,
                        "voter_count": st.integers(0, 9),
                        "persistent_id": file_ids,
                    }
                ),
                min_size=2,
                max_size=4,
            ),
            "total_voter_count": st.integers(0, 9),
            "is_closed": st.booleans(),
            "is_anonymous": st.booleans(),
            "type": st.sampled_from(["regular", "quiz"]),
            "allows_multiple_answers": st.booleans(),
            "allows_revoting": st.booleans(),
            "members_only": st.booleans(),
        }
    ),
    "new_chat_members": st.lists(users, min_size=1, max_size=2),
    "left_chat_member": users,
    "new_chat_title": short_texts,
    "pinned_message": st.just({"message_id": 1, "date": NOW, "chat": {"id": 1, "type": "private"}}),
    "caption": texts,
}


@st.composite
def messages(draw: st.DrawFn, user: dict[str, Any] | None = None) -> dict[str, Any]:
    sender = user if user is not None else draw(users)
    kind = draw(chat_kinds)
    message: dict[str, Any] = {
        "message_id": draw(st.integers(1, 10**6)),
        "date": NOW,
        "chat": chat_of(sender, kind),
    }
    if kind != "channel":
        message["from"] = sender
    content = draw(st.sampled_from(sorted(CONTENTS)))
    value = draw(CONTENTS[content])
    if content == "command":
        message["text"] = value
        word = value.split()[0]
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(word)}]
    elif content == "text":
        message["text"] = value or "."
        message["entities"] = [e for e in draw(entities) if e["offset"] + e["length"] <= len(value)]
    elif content == "caption":
        message["photo"] = draw(CONTENTS["photo"])
        message["caption"] = value
    else:
        message[content] = value
    return message


@st.composite
def navs(draw: st.DrawFn) -> str:
    """Button data this version made: any screen, any position."""
    screen = draw(st.sampled_from(list(Screen)))
    place = draw(st.one_of(st.none(), st.sampled_from(PLACES)))
    need = draw(st.one_of(st.none(), st.sampled_from(NEEDS)))
    entry = draw(st.one_of(st.none(), st.sampled_from(["cn-shelter-ko", "any-hotline", "nope-0"])))
    origin = draw(st.one_of(st.none(), st.sampled_from(list(Screen))))
    nav = Nav(
        screen,
        draw(st.sampled_from(USER_LANGUAGES)),
        place,
        need,
        draw(st.integers(0, 999)),
        entry,
        draw(st.sampled_from(AUTO_ERASE_MINUTES)),
        origin,
    )
    try:
        return encode(nav)
    except ValueError:  # a combination no screen makes; sent anyway, as a forger would
        return ".".join(["2", screen.value, nav.lang, "-", "-", "0", "0", "-", "-"])


staff_taps = st.builds(  # as the codec writes them, whether or not it would decode them again
    lambda act, lang, number, arg: f"v.{act.value}.{lang}.{number}.{arg or '-'}",
    st.sampled_from(list(Act)),
    st.sampled_from(USER_LANGUAGES),
    st.integers(0, 999_999_999),
    st.one_of(st.just(""), st.from_regex(r"[a-z0-9-]{1,40}", fullmatch=True)),
)


def _mutate(data: str, position: int, replacement: str) -> str:
    fields = data.split(".")
    fields[position % len(fields)] = replacement
    return ".".join(fields)


callback_data = st.one_of(
    st.none(),
    st.just(""),
    texts,
    st.binary(max_size=80).map(lambda b: b.decode("latin-1")),
    st.text(min_size=65, max_size=300),
    navs(),
    staff_taps,
    st.builds(_mutate, navs(), st.integers(0, 8), st.text(max_size=6)),
    st.builds(_mutate, staff_taps, st.integers(0, 4), st.text(max_size=6)),
    navs().map(lambda d: d + "\n"),
)


@st.composite
def callback_queries(draw: st.DrawFn) -> dict[str, Any]:
    sender = draw(users)
    query: dict[str, Any] = {
        "id": f"q{next(_ids)}",
        "from": sender,
        "chat_instance": "1",
    }
    data = draw(callback_data)
    if data is not None:
        query["data"] = data
    if draw(st.integers(0, 9)) == 0:
        query["inline_message_id"] = draw(file_ids)
    else:
        query["message"] = {
            "message_id": draw(st.integers(1, 10**6)),
            "date": draw(st.sampled_from([NOW, 0])),  # 0: an inaccessible message
            "chat": chat_of(sender, draw(chat_kinds)),
            "text": "a screen",
        }
    return query


def _member(user: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        st.fixed_dictionaries({"status": st.sampled_from(["member", "left"]), "user": user}),
        st.fixed_dictionaries(
            {"status": st.just("kicked"), "user": user, "until_date": st.just(0)}
        ),
    )


@st.composite
def member_updates(draw: st.DrawFn) -> dict[str, Any]:
    sender = draw(users)
    return {
        "chat": chat_of(sender, draw(chat_kinds)),
        "from": sender,
        "date": NOW,
        "old_chat_member": draw(_member(users)),
        "new_chat_member": draw(_member(users)),
    }


@st.composite
def reactions(draw: st.DrawFn) -> dict[str, Any]:
    sender = draw(users)
    emoji = st.fixed_dictionaries({"type": st.just("emoji"), "emoji": st.sampled_from(["👍", "❤"])})
    return {
        "chat": chat_of(sender, "private"),
        "message_id": draw(st.integers(1, 10**6)),
        "user": sender,
        "date": NOW,
        "old_reaction": draw(st.lists(emoji, max_size=1)),
        "new_reaction": draw(st.lists(emoji, max_size=1)),
    }


UPDATE_KINDS: dict[str, st.SearchStrategy[Any]] = {
    "message": messages(),
    "edited_message": messages().map(lambda m: {**m, "edit_date": NOW}),
    "channel_post": messages().map(lambda m: {**m, "chat": {**m["chat"], "type": "channel"}}),
    "edited_channel_post": messages().map(
        lambda m: {**m, "chat": {**m["chat"], "type": "channel"}, "edit_date": NOW}
    ),
    "callback_query": callback_queries(),
    "inline_query": st.fixed_dictionaries(
        {"id": file_ids, "from": users, "query": texts, "offset": st.just("")}
    ),
    "chosen_inline_result": st.fixed_dictionaries(
        {"result_id": file_ids, "from": users, "query": texts}
    ),
    "poll": CONTENTS["poll"],
    "poll_answer": st.fixed_dictionaries(
        {
            "poll_id": file_ids,
            "user": users,
            "option_ids": st.lists(st.integers(0, 3), max_size=2),
            "option_persistent_ids": st.lists(file_ids, max_size=2),
        }
    ),
    "my_chat_member": member_updates(),
    "chat_member": member_updates(),
    "chat_join_request": st.builds(
        lambda u, kind: {"chat": chat_of(u, kind), "from": u, "user_chat_id": u["id"], "date": NOW},
        users,
        st.sampled_from(["group", "supergroup", "channel"]),
    ),
    "message_reaction": reactions(),
    "message_reaction_count": st.builds(
        lambda u: {"chat": chat_of(u, "group"), "message_id": 1, "date": NOW, "reactions": []},
        users,
    ),
    "shipping_query": st.fixed_dictionaries(
        {
            "id": file_ids,
            "from": users,
            "invoice_payload": texts,
            "shipping_address": st.just(
                {
                    "country_code": "KR",
                    "state": "",
                    "city": "Seoul",
                    "street_line1": "1",
                    "street_line2": "",
                    "post_code": "1",
                }
            ),
        }
    ),
    "pre_checkout_query": st.fixed_dictionaries(
        {
            "id": file_ids,
            "from": users,
            "currency": st.just("KRW"),
            "total_amount": st.integers(1, 10**6),
            "invoice_payload": texts,
        }
    ),
}


@st.composite
def updates(draw: st.DrawFn, kinds: Sequence[str] = ()) -> tuple[str, dict[str, Any]]:
    """(kind, update) for any kind of update the Bot API defines, or one of `kinds`."""
    kind = draw(st.sampled_from(sorted(kinds or UPDATE_KINDS)))
    return kind, {"update_id": next(_ids), kind: draw(UPDATE_KINDS[kind])}
