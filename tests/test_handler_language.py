"""Her language, read from an update the one way every handler reads it."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Update

from handlers.context import language_of


def update_from(user: dict[str, Any] | None) -> Update:
    message: dict[str, Any] = {
        "message_id": 1,
        "date": 0,
        "chat": {"id": 5, "type": "private"},
        "text": "hello",
    }
    if user is not None:
        message["from"] = user
    return Update.de_json({"update_id": 1, "message": message}, None)


@pytest.mark.parametrize(
    ("code", "lang"),
    [("ko", "ko"), ("ko-KR", "ko"), ("zh-hans", "zh"), ("ZH-TW", "zh"), ("en", "en"), ("ru", "en")],
)
def test_her_telegram_language_picks_the_bots(code: str, lang: str) -> None:
    user = {"id": 5, "is_bot": False, "first_name": "A", "language_code": code}
    assert language_of(update_from(user)) == lang


def test_without_a_language_or_a_sender_it_is_english() -> None:
    assert language_of(update_from({"id": 5, "is_bot": False, "first_name": "A"})) == "en"
    assert language_of(update_from(None)) == "en"
