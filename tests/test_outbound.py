"""Every message the bot makes goes out through handlers/outbound.py, which remembers it for
Erase: checked in the source (no other call that sends) and through the real bot (every
message it made in a chat is known to that chat's erase memory, or deleted)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import telegram
from hypothesis import given
from hypothesis import strategies as st

from bot.menus.erase_memory import EraseMemory
from bot.menus.flood import FloodGuard
from tests.harness import Harness, Person, standard_directory
from tests.processes import PROJECT
from tests.test_safety_e2e import Clock
from tests.test_stats import backdate, flush, journey

# The functions allowed to make a message: (file, function). `relay_copy` makes the relay's copies.
THE_WAY_OUT = {("handlers/outbound.py", "send"), ("handlers/outbound.py", "relay_copy")}
_SENDING = re.compile(r"(send|reply|copy|forward)(_|[A-Z]|$)")


def sending_methods() -> set[str]:
    """Every method of python-telegram-bot's Bot, Chat, User and Message that makes a message
    in a chat (send_*, reply_*, copy_*, forward_*, their camelCase twins), read from the
    library itself so that a method added in a new version is covered too; and the one that
    calls any Bot API method by its name."""
    classes = (telegram.Bot, telegram.Chat, telegram.User, telegram.Message)
    found = {
        name
        for cls in classes
        for name in dir(cls)
        if _SENDING.match(name) and callable(getattr(cls, name))
    }
    return found | {"do_api_request"}


GENERIC = {"copy", "forward"}  # Message.copy(chat_id) and .forward(chat_id); dict.copy() is not


def direct_sends(root: Path, folders: tuple[str, ...] = ("bot", "handlers")) -> list[str]:
    """Each use of a sending method outside THE_WAY_OUT, as `file:line function .method`.

    A use, not only a call: `say = chat.send_message` is as much a way round as calling it."""
    methods = sending_methods()
    found: list[str] = []
    for folder in folders:
        for path in sorted((root / folder).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            for node, function in _attributes(ast.parse(path.read_text("utf-8"))):
                if node.attr not in methods or (relative, function) in THE_WAY_OUT:
                    continue
                found.append(f"{relative}:{node.lineno} {function} .{node.attr}")
    return found


def _attributes(tree: ast.Module) -> list[tuple[ast.Attribute, str]]:
    """Every attribute used in the module, with the function it is used in ("" at the top);
    `x.copy` and `x.forward` only when called with a chat to copy or forward to."""
    found: list[tuple[ast.Attribute, str]] = []

    def walk(node: ast.AST, function: str) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            function = node.name
        if isinstance(node, ast.Attribute) and node.attr not in GENERIC:
            found.append((node, function))
        if _copies_or_forwards(node):
            found.append((node.func, function))  # type: ignore[attr-defined]
        for child in ast.iter_child_nodes(node):
            walk(child, function)

    walk(tree, "")
    return found


def _copies_or_forwards(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in GENERIC
        and bool(node.args or node.keywords)
    )


def where(found: str) -> tuple[str, str]:
    place, function, _method = found.split(" ")
    return place.split(":")[0], function


def test_no_message_leaves_the_bot_except_through_the_one_way_out() -> None:
    found = direct_sends(PROJECT)
    assert found == [], "send through handlers/outbound.py `send`, which remembers it"


def test_the_methods_looked_for_include_every_way_to_make_a_message() -> None:
    methods = sending_methods()
    assert {"send_message", "send_photo", "send_document", "sendMessage", "copy_message"} <= methods
    assert {"copy_messages", "forward_message", "forward_messages", "reply_text"} <= methods
    assert {"reply_photo", "reply_html", "send_media_group", "do_api_request"} <= methods
    assert not methods & {"edit_message_text", "delete_message", "answer_callback_query"}


def test_a_direct_send_anywhere_is_found(tmp_path: Path) -> None:
    """Planted: what a hurried change might write. Each is found; the way out is not."""
    (tmp_path / "handlers").mkdir()
    (tmp_path / "bot" / "jobs").mkdir(parents=True)
    (tmp_path / "handlers" / "outbound.py").write_text(
        "async def send(context, chat_id, view):\n"
        "    return await context.bot.send_message(chat_id, view.text)\n"
    )
    (tmp_path / "handlers" / "planted.py").write_text(
        "async def hello(update, context):\n"
        "    await update.effective_chat.send_message('hello')\n"
        "    await update.message.reply_text('hi')\n"
        "    say = context.bot.sendPhoto\n"
        "    await update.message.copy(update.effective_chat.id)\n"
        "    kept = {'a': 1}.copy()\n"
    )
    (tmp_path / "bot" / "jobs" / "nightly.py").write_text(
        "async def nightly(context):\n"
        "    await context.bot.forward_message(1, 2, 3)\n"
        "    await context.bot.do_api_request('sendMessage', {'chat_id': 1, 'text': 'x'})\n"
    )
    assert direct_sends(tmp_path) == [
        "bot/jobs/nightly.py:2 nightly .forward_message",
        "bot/jobs/nightly.py:3 nightly .do_api_request",
        "handlers/planted.py:2 hello .send_message",
        "handlers/planted.py:3 hello .reply_text",
        "handlers/planted.py:4 hello .sendPhoto",
        "handlers/planted.py:5 hello .copy",
    ]


class Remembering(EraseMemory):
    """The bot's own erase memory, also keeping the exact ids it was told of and not told to
    forget since, so that the test can ask about one message."""

    def __init__(self) -> None:
        super().__init__()
        self.known: dict[int, set[int]] = {}

    def saw(self, chat_id: int, message_id: int, sent_at: float | None = None) -> None:
        super().saw(chat_id, message_id, sent_at)
        self.known.setdefault(chat_id, set()).add(message_id)

    def forget(self, chat_id: int) -> None:
        super().forget(chat_id)
        self.known.pop(chat_id, None)


def unerasable(harness: Harness, memory: Remembering) -> list[str]:
    """Messages the bot made that are still in their chat and that Erase would not know of."""
    api = harness.fake.api
    return [
        f"chat {m.chat_id} message {m.message_id}: {m.text[:40]!r}"
        for m in api.made_by_bot
        if m.message_id in api.messages.get(m.chat_id, {})
        and m.message_id not in memory.known.get(m.chat_id, set())
    ]


ADMIN = 434343


async def erase_chat(who: Person) -> None:
    await who.send("/erase")
    await who.press(who.screen.buttons()[0][0][1])  # Yes, erase now


async def test_every_message_the_bot_made_can_be_erased(tmp_path: Path) -> None:
    """Menus, a card, typed text, a language change, a failed send and its calm line, the
    flood notice, statistics with their chart, and erasing: after each, nothing the bot made
    is left in a chat unknown to that chat's erase memory."""
    async with Harness(
        tmp_path, flood_guard=True, admin_ids=(ADMIN,), directory=standard_directory()
    ) as harness:
        memory, clock = Remembering(), Clock()
        harness.core.erase_memory = memory
        harness.core.flood = FloodGuard(clock=clock)
        backdate(harness)
        for _ in range(12):  # enough people for the week's figures to be shown
            await journey(harness.person("zh"), "CN", "health", open_card=True)
        await flush(harness)

        her = harness.person("en")
        await her.send("/start")
        await her.tap("In China")
        await her.press(her.screen.buttons()[0][0][1])  # the first need
        await her.send("my name is Kim")  # typed: answered on her screen, edited
        await her.send("/language")
        await her.tap("한국어")
        harness.fake.faults = {"sendMessage": ["502"]}  # /help is lost; a calm line follows
        await her.send("/help")
        assert [p["text"] for p in harness.sent()][-1].startswith("Sorry, something went wrong")
        # A flood of text: forty answers (the first in a new message, as the calm line is
        # below her screen; then on that message), one "please wait", then silence.
        for i in range(45):
            await her.send(f"spam {i}")
        assert "Please wait" in harness.sent()[-1]["text"]

        admin = harness.person("en", user_id=ADMIN)
        await admin.send("/stats")
        assert len(harness.sent("sendPhoto")) == 1  # the chart, under the figures
        figures = next(m for m in harness.fake.api.messages[ADMIN].values() if m.buttons())
        await admin.press(figures.buttons()[0][1][1], message=figures)  # months

        assert len(harness.fake.api.made_by_bot) > 15
        assert unerasable(harness, memory) == []

        clock.now += 60  # the flood is over
        await erase_chat(her)
        await erase_chat(admin)
        # Erasing forgets the chat, and leaves nothing in it: not even the line it sent to
        # learn the newest id, deleted with the rest.
        assert unerasable(harness, memory) == []
        assert harness.fake.api.messages[her.chat_id] == {}
        assert harness.fake.api.messages[ADMIN] == {}


@given(
    seen=st.lists(st.integers(1, 3000), max_size=6),
    newest=st.integers(1, 3000),
)
def test_the_erase_walk_starts_at_its_marker(seen: list[int], newest: int) -> None:
    """The marker erase sends is remembered as it is sent, and the walk from it takes it
    first, with every id seen, 100 to a call."""
    memory = EraseMemory()
    for message_id in seen:
        memory.saw(1, message_id)
    marker = max([newest, *seen]) + 1
    memory.saw(1, marker)
    batches = memory.batches(1, marker)
    walked = [i for batch in batches for i in batch]
    assert walked[0] == marker and set(seen) <= set(walked)
    assert all(0 < len(batch) <= 100 for batch in batches)
