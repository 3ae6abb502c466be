"""An in-memory stand-in for the Telegram Bot API: enough of it for the demo and the tests.

It keeps the chats' messages the way Telegram would (ids rising per chat, edits in place,
deletions), answers the methods the bot calls, and builds incoming updates. The demo reaches it
through PTB's request hook; the tests put it behind a real HTTP server on loopback.
"""

from __future__ import annotations

import html
import itertools
import re
import time
from dataclasses import dataclass, field
from typing import Any


def visible_length(text: str) -> int:
    """Message length as Telegram counts it: HTML parsed, in UTF-16 code units.

    Written here on its own rather than taken from the screens, so that the fake checks the
    bot's arithmetic instead of repeating it."""
    plain = html.unescape(re.sub(r"<[^>]+>", "", text))
    return len(plain.encode("utf-16-le")) // 2


BOT_USER = {
    "id": 1000001,
    "is_bot": True,
    "first_name": "Helpline",
    "username": "helpline_demo_bot",
}


# The methods that put something into a chat.
_WRITES = frozenset({"sendmessage", "sendphoto", "copymessage", "createforumtopic"})


class ApiError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


@dataclass
class Sent:
    """A message in a chat as Telegram holds it."""

    chat_id: int
    message_id: int
    text: str
    reply_markup: dict[str, Any] | None
    from_bot: bool
    protect_content: bool = False
    parse_mode: str | None = None
    edits: int = 0
    photo: bytes | None = None
    thread_id: int | None = None  # the forum topic it is in, in a supergroup
    content: dict[str, Any] = field(default_factory=dict)  # a user's photo, voice, sticker...
    copied_from: tuple[int, int] | None = None  # (chat, message) of a copyMessage's source

    def buttons(self) -> list[list[tuple[str, str]]]:
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [[(b["text"], b.get("callback_data", "")) for b in row] for row in rows]


@dataclass
class LocalBotApi:
    """Bot API state: messages by chat, a log of calls, and the queue of pending updates."""

    messages: dict[int, dict[int, Sent]] = field(default_factory=dict)
    made_by_bot: list[Sent] = field(default_factory=list)  # every one, deleted ones too
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    answered_queries: dict[str, dict[str, Any]] = field(default_factory=dict)
    left_chats: list[int] = field(default_factory=list)
    commands: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)  # what users sent, by file path
    webhook: dict[str, Any] | None = None  # setWebhook's parameters, while one is set
    topics: dict[int, dict[int, str]] = field(default_factory=dict)  # chat -> thread -> name
    deleted_topics: list[tuple[int, int]] = field(default_factory=list)  # (chat, thread)
    # Every copyMessage: the call's parameters, and the new message's (chat, id).
    copies: list[tuple[dict[str, Any], tuple[int, int]]] = field(default_factory=list)
    # Chats the bot may no longer write to (she blocked it, the group is gone): every message
    # to one is refused, as Telegram refuses it.
    blocked: set[int] = field(default_factory=set)
    _next_message: dict[int, int] = field(default_factory=dict)
    _update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _query_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    # --- what the bot calls ---------------------------------------------------------------

    def call(self, method: str, params: dict[str, Any]) -> Any:
        self.calls.append((method, params))
        if method.lower() in _WRITES and int(params.get("chat_id", 0)) in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        handler = getattr(self, f"_m_{method.lower()}", None)
        if handler is None:
            raise ApiError(404, f"Not Found: method {method} is not supported here")
        return handler(params)

    def _m_getme(self, _params: dict[str, Any]) -> Any:
        return BOT_USER

    def _m_setmycommands(self, params: dict[str, Any]) -> Any:
        self.commands[str(params.get("language_code", ""))] = list(params["commands"])
        return True

    def _m_deletewebhook(self, _params: dict[str, Any]) -> Any:
        self.webhook = None
        return True

    def _m_setwebhook(self, params: dict[str, Any]) -> Any:
        self.webhook = params
        return True

    def _m_sendmessage(self, params: dict[str, Any]) -> Any:
        chat_id = int(params["chat_id"])
        text = str(params["text"])
        if not text.strip() or visible_length(text) > 4096:
            raise ApiError(400, "Bad Request: message text is empty or too long")
        return self.message_json(self._store(chat_id, text, params))

    def _m_createforumtopic(self, params: dict[str, Any]) -> Any:
        chat_id = int(params["chat_id"])
        name = str(params.get("name", ""))
        if chat_id >= 0:
            raise ApiError(400, "Bad Request: the chat is not a forum")
        if not 1 <= len(name) <= 128:
            raise ApiError(400, "Bad Request: TOPIC_NAME_INVALID")
        thread_id = self._new_message_id(chat_id)  # as Telegram: the id of the service message
        self.topics.setdefault(chat_id, {})[thread_id] = name
        color = int(params.get("icon_color") or 7322096)
        return {"message_thread_id": thread_id, "name": name, "icon_color": color}

    def _m_deleteforumtopic(self, params: dict[str, Any]) -> Any:
        """The topic goes with every message in it, as Telegram deletes them."""
        chat_id, thread_id = int(params["chat_id"]), int(params["message_thread_id"])
        if thread_id not in self.topics.get(chat_id, {}):
            raise ApiError(400, "Bad Request: TOPIC_ID_INVALID")
        del self.topics[chat_id][thread_id]
        self.deleted_topics.append((chat_id, thread_id))
        chat = self.messages.get(chat_id, {})
        for message_id in [i for i, m in chat.items() if m.thread_id == thread_id]:
            del chat[message_id]
        return True

    def _m_copymessage(self, params: dict[str, Any]) -> Any:
        """A copy without a link to the original (unlike a forward): the source's text or
        caption (or the caption given) and its content, as a new message of the bot."""
        source = self.messages.get(int(params["from_chat_id"]), {}).get(int(params["message_id"]))
        if source is None:
            raise ApiError(400, "Bad Request: message to copy not found")
        chat_id = int(params["chat_id"])
        text = str(params["caption"]) if "caption" in params else source.text
        message = self._store(chat_id, text, params, source.photo)
        message.content = dict(source.content)
        message.copied_from = (source.chat_id, source.message_id)
        self.copies.append((params, (chat_id, message.message_id)))
        return {"message_id": message.message_id}

    def _m_sendphoto(self, params: dict[str, Any]) -> Any:
        chat_id = int(params["chat_id"])
        photo = params.get("photo")
        if not isinstance(photo, bytes) or not photo:
            raise ApiError(400, "Bad Request: there is no photo in the request")
        message = self._store(chat_id, str(params.get("caption", "")), params, photo)
        return {
            **self.message_json(message),
            "photo": [{"file_id": "p", "file_unique_id": "p", "width": 800, "height": 700}],
        }

    def _m_editmessagetext(self, params: dict[str, Any]) -> Any:
        message = self._find(params)
        text = str(params["text"])
        if visible_length(text) > 4096:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        markup = params.get("reply_markup")
        if text == message.text and markup == message.reply_markup:
            raise ApiError(400, "Bad Request: message is not modified")
        message.text, message.reply_markup = text, markup
        message.parse_mode = params.get("parse_mode")
        message.edits += 1
        return self.message_json(message)

    def _m_answercallbackquery(self, params: dict[str, Any]) -> Any:
        query_id = str(params["callback_query_id"])
        if query_id in self.answered_queries:
            raise ApiError(400, "Bad Request: query is too old and response timeout expired")
        self.answered_queries[query_id] = params
        return True

    def _m_deletemessage(self, params: dict[str, Any]) -> Any:
        self._find(params)
        del self.messages[int(params["chat_id"])][int(params["message_id"])]
        return True

    def _m_deletemessages(self, params: dict[str, Any]) -> Any:
        chat = self.messages.get(int(params["chat_id"]), {})
        for message_id in params["message_ids"]:
            chat.pop(int(message_id), None)
        return True

    def _m_getfile(self, params: dict[str, Any]) -> Any:
        file_id = str(params["file_id"])
        path = f"documents/{file_id}"
        if path not in self.files:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_size": len(self.files[path]),
            "file_path": path,
        }

    def _m_leavechat(self, params: dict[str, Any]) -> Any:
        self.left_chats.append(int(params["chat_id"]))
        return True

    def _store(
        self, chat_id: int, text: str, params: dict[str, Any], photo: bytes | None = None
    ) -> Sent:
        """A new message from the bot, as sendMessage and sendPhoto leave it in the chat."""
        thread_id = params.get("message_thread_id")
        if thread_id is not None and int(thread_id) not in self.topics.get(chat_id, {}):
            raise ApiError(400, "Bad Request: message thread not found")
        message = Sent(
            chat_id,
            self._new_message_id(chat_id),
            text,
            params.get("reply_markup"),
            from_bot=True,
            protect_content=bool(params.get("protect_content", False)),
            parse_mode=params.get("parse_mode"),
            photo=photo,
            thread_id=None if thread_id is None else int(thread_id),
        )
        self.messages.setdefault(chat_id, {})[message.message_id] = message
        self.made_by_bot.append(message)
        return message

    def _find(self, params: dict[str, Any]) -> Sent:
        chat = self.messages.get(int(params["chat_id"]), {})
        message = chat.get(int(params["message_id"]))
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        return message

    def _new_message_id(self, chat_id: int) -> int:
        number = self._next_message.get(chat_id, 1)
        self._next_message[chat_id] = number + 1
        return number

    # --- what a user does -------------------------------------------------------------

    def message_json(self, message: Sent, user: dict[str, Any] | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "message_id": message.message_id,
            "date": int(time.time()),
            "chat": self._chat_json(message.chat_id, user),
            "from": BOT_USER if message.from_bot else user,
            "text": message.text,
        }
        if message.edits:
            data["edit_date"] = int(time.time())
        if message.reply_markup:
            data["reply_markup"] = message.reply_markup
        if message.thread_id is not None:
            data.update(message_thread_id=message.thread_id, is_topic_message=True)
        return data

    def _chat_json(self, chat_id: int, user: dict[str, Any] | None) -> dict[str, Any]:
        if chat_id < 0:
            group = {"id": chat_id, "type": "supergroup", "title": "A group"}
            return {**group, "is_forum": True} if chat_id in self.topics else group
        chat: dict[str, Any] = {"id": chat_id, "type": "private"}
        if user:
            chat.update({k: user[k] for k in ("first_name", "last_name", "username") if k in user})
        return chat

    def user_sends(
        self,
        user: dict[str, Any],
        text: str | None = None,
        *,
        chat_id: int | None = None,
        thread_id: int | None = None,
        **content: Any,
    ) -> dict[str, Any]:
        """A message from `user` (text, or other content such as `sticker={...}`), queued;
        in a group's forum topic with `chat_id` and `thread_id`."""
        chat = chat_id if chat_id is not None else int(user["id"])
        message = Sent(
            chat,
            self._new_message_id(chat),
            text if text is not None else str(content.get("caption", "")),
            None,
            from_bot=False,
            thread_id=thread_id,
            content={k: v for k, v in content.items() if k != "caption"},
        )
        self.messages.setdefault(chat, {})[message.message_id] = message
        data = self.message_json(message, user)
        data["from"] = user
        if text is None:
            del data["text"]
        elif text.startswith("/"):
            data["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
            ]
        data.update(content)
        return self.queue({"message": data})

    def user_sends_file(
        self, user: dict[str, Any], name: str, content: bytes, **document: Any
    ) -> dict[str, Any]:
        """A document from `user`; the bot can fetch it with getFile and a download. A field
        given as None is left out, as Telegram leaves out what it does not know (file_size)."""
        file_id = f"doc{len(self.files) + 1}"
        self.files[f"documents/{file_id}"] = content
        meta: dict[str, Any] = {"file_id": file_id, "file_unique_id": file_id, "file_name": name}
        meta.update({"file_size": len(content), **document})
        meta = {key: value for key, value in meta.items() if value is not None}
        return self.user_sends(user, document=meta)

    def user_taps(self, user: dict[str, Any], message: Sent, data: str | None) -> dict[str, Any]:
        """A tap on a button under `message`, with any callback data (forged data included)."""
        query: dict[str, Any] = {
            "id": str(next(self._query_ids)),
            "from": user,
            "chat_instance": "1",
            "message": self.message_json(message, user),
        }
        if data is not None:
            query["data"] = data
        return self.queue({"callback_query": query})

    def queue(self, update: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": next(self._update_ids), **update}
        self.updates.append(update)
        return update

    def take_updates(self, offset: int) -> list[dict[str, Any]]:
        """getUpdates semantics: drop confirmed updates (id < offset), return the rest."""
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        return list(self.updates)

    def last_bot_message(self, chat_id: int) -> Sent | None:
        mine = [m for m in self.messages.get(chat_id, {}).values() if m.from_bot]
        return max(mine, key=lambda m: m.message_id) if mine else None
