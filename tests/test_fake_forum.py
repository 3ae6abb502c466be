"""The fake Bot API's forum topics and copies behave as Telegram's do, so that the relay's
tests check the bot against Telegram's rules rather than against the fake's leniency."""

from __future__ import annotations

import pytest

from bot.telegram.local_api import ApiError, LocalBotApi

GROUP = -1009876543210
HER = {"id": 5550001, "is_bot": False, "first_name": "Her"}
MEMBER = {"id": 5550002, "is_bot": False, "first_name": "Member"}


def test_a_topic_is_made_in_a_supergroup_only_and_goes_with_its_messages() -> None:
    api = LocalBotApi()
    with pytest.raises(ApiError):
        api.call("createForumTopic", {"chat_id": HER["id"], "name": "K7F3 · ko · CN · shelter"})
    made = api.call("createForumTopic", {"chat_id": GROUP, "name": "K7F3 · ko · CN · shelter"})
    thread = made["message_thread_id"]
    assert made["name"] == "K7F3 · ko · CN · shelter" and isinstance(made["icon_color"], int)
    sent = api.call("sendMessage", {"chat_id": GROUP, "text": "hello", "message_thread_id": thread})
    assert sent["message_thread_id"] == thread and sent["is_topic_message"] is True
    assert sent["chat"]["is_forum"] is True
    outside = api.call("sendMessage", {"chat_id": GROUP, "text": "general"})
    with pytest.raises(ApiError, match="thread not found"):
        api.call("sendMessage", {"chat_id": GROUP, "text": "x", "message_thread_id": thread + 50})
    api.call("deleteForumTopic", {"chat_id": GROUP, "message_thread_id": thread})
    assert list(api.messages[GROUP]) == [outside["message_id"]]
    assert api.deleted_topics == [(GROUP, thread)]
    with pytest.raises(ApiError, match="TOPIC_ID_INVALID"):
        api.call("deleteForumTopic", {"chat_id": GROUP, "message_thread_id": thread})


def test_a_copy_is_a_new_message_of_the_bot_with_the_content_and_is_recorded() -> None:
    api = LocalBotApi()
    thread = api.call("createForumTopic", {"chat_id": GROUP, "name": "AB23 · en · - · -"})[
        "message_thread_id"
    ]
    update = api.user_sends(
        HER, None, voice={"file_id": "v1", "file_unique_id": "v1", "duration": 2}
    )
    source = update["message"]["message_id"]
    params = {
        "chat_id": GROUP,
        "from_chat_id": HER["id"],
        "message_id": source,
        "message_thread_id": thread,
        "protect_content": True,
    }
    copied = api.call("copyMessage", params)
    message = api.messages[GROUP][copied["message_id"]]
    assert message.from_bot and message.thread_id == thread and message.protect_content
    assert message.content == {"voice": {"file_id": "v1", "file_unique_id": "v1", "duration": 2}}
    assert message.copied_from == (HER["id"], source)
    assert api.copies == [(params, (GROUP, copied["message_id"]))]
    with pytest.raises(ApiError, match="not found"):
        api.call("copyMessage", {**params, "message_id": source + 99})


def test_a_member_writes_in_a_topic_as_a_group_update() -> None:
    api = LocalBotApi()
    thread = api.call("createForumTopic", {"chat_id": GROUP, "name": "AB23 · en · - · -"})[
        "message_thread_id"
    ]
    message = api.user_sends(MEMBER, "an answer", chat_id=GROUP, thread_id=thread)["message"]
    assert message["chat"]["type"] == "supergroup" and message["chat"]["id"] == GROUP
    assert message["message_thread_id"] == thread and message["is_topic_message"] is True
    assert message["from"] == MEMBER and message["text"] == "an answer"
    assert api.messages[GROUP][message["message_id"]].thread_id == thread
