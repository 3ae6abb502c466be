"""The relay's settings: on only with both the group and the key, each checked, one line
naming the bad one; the key in no message and blanked from logs; the Core's keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core import Core
from bot.db import database
from bot.relay.keys import RelayKeys
from bot.settings import Settings, SettingsError, load_settings
from tests.test_relay_route import SECRET

GROUP = "-1001234567890"


def refusal(**given: object) -> str:
    with pytest.raises(SettingsError) as refused:
        load_settings(**given)
    message = str(refused.value)
    assert "\n" not in message
    return message


def test_off_by_default() -> None:
    settings = load_settings()
    assert not settings.relay_on
    assert (settings.relay_chat_id, settings.relay_key) == (None, None)
    assert (settings.relay_idle_hours, settings.relay_block_days) == (24, 7)


def test_on_with_both(tmp_path: Path) -> None:
    settings = load_settings(relay_chat_id=GROUP, relay_key=SECRET)
    assert settings.relay_on and settings.relay_chat_id == int(GROUP)
    assert SECRET in settings.secrets()  # blanked from every log line like the token


def test_read_from_a_settings_file(tmp_path: Path) -> None:
    from bot.settings import EnvFile

    file = tmp_path / "relay.env"
    file.write_text(f"RELAY_CHAT_ID={GROUP}\nRELAY_KEY={SECRET}\nRELAY_IDLE_HOURS=47\n")
    settings = load_settings(EnvFile(file, "--env-file"))
    assert settings.relay_on and settings.relay_idle_hours == 47
    empty = tmp_path / "empty.env"
    empty.write_text("RELAY_CHAT_ID=\nRELAY_KEY=\n")
    assert not load_settings(EnvFile(empty, "--env-file")).relay_on


def test_one_without_the_other_is_named() -> None:
    assert refusal(relay_chat_id=GROUP).startswith("RELAY_KEY is not set")
    assert refusal(relay_key=SECRET).startswith("RELAY_CHAT_ID is not set")


@pytest.mark.parametrize("value", ["1234567890", "-1234567890", "-100", "-100abc", "group"])
def test_a_chat_id_that_is_not_a_supergroup_is_named(value: str) -> None:
    assert refusal(relay_chat_id=value, relay_key=SECRET).startswith("RELAY_CHAT_ID ")


@pytest.mark.parametrize(
    "value",
    ["short", "x" * 42 + "!", "c2VjcmV0", "A" * 41],  # 41 chars: 30 bytes
)
def test_a_weak_key_is_named_and_never_repeated(value: str) -> None:
    message = refusal(relay_chat_id=GROUP, relay_key=value)
    assert message.startswith("RELAY_KEY ") and value not in message


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("relay_idle_hours", 0),
        ("relay_idle_hours", 48),
        ("relay_block_days", 0),
        ("relay_block_days", 366),
    ],
)
def test_limits_are_named(name: str, value: int) -> None:
    assert refusal(**{name: value}).startswith(name.upper() + " ")


def test_the_core_has_keys_only_when_on(tmp_path: Path) -> None:
    engine = database.make_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    sessions = database.make_sessionmaker(engine)
    assert Core(Settings(), sessions).relay_keys is None
    on = Core(load_settings(relay_chat_id=GROUP, relay_key=SECRET), sessions)
    assert on.relay_keys == RelayKeys.from_secret(SECRET)
