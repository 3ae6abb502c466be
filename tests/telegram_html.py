"""Telegram's HTML parse mode, strictly, for checking what the bot sends (Bot API, "HTML
style"): only the tags Telegram knows, each closed in order; every `<`, `>` and `&` that is
not part of a tag or an entity is an error, as Telegram answers "can't parse entities"; the
named entities are only `&lt;`, `&gt;`, `&amp;` and `&quot;`, numeric ones any.

Written here from the Bot API's documentation, independent of the bot's code, so that a test
can say what a message shows and which tags it carries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Tag -> the attributes Telegram reads on it.
TAGS: dict[str, frozenset[str]] = {
    "b": frozenset(),
    "strong": frozenset(),
    "i": frozenset(),
    "em": frozenset(),
    "u": frozenset(),
    "ins": frozenset(),
    "s": frozenset(),
    "strike": frozenset(),
    "del": frozenset(),
    "span": frozenset({"class"}),
    "tg-spoiler": frozenset(),
    "a": frozenset({"href"}),
    "tg-emoji": frozenset({"emoji-id"}),
    "code": frozenset({"class"}),
    "pre": frozenset(),
    "blockquote": frozenset({"expandable"}),
}
NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}

_OPEN = re.compile(
    r"<([a-z][a-z-]*)((?:\s+[a-z-]+(?:\s*=\s*(?:\"[^\"<>]*\"|'[^'<>]*'|[^\s\"'<>=]+))?)*)\s*>"
)
_ATTRIBUTE = re.compile(r"([a-z-]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s\"'<>=]+))?")
_CLOSE = re.compile(r"</([a-z][a-z-]*)\s*>")
_ENTITY = re.compile(r"&(?:([a-z]+)|#([0-9]{1,7})|#x([0-9a-fA-F]{1,6}));")


class TelegramRefuses(AssertionError):
    """What Telegram would answer with "Bad Request: can't parse entities"."""


@dataclass
class Parsed:
    visible: str
    tags: list[str] = field(default_factory=list)  # every opening tag, in order

    @property
    def lines(self) -> list[str]:
        return self.visible.split("\n")


def parse(text: str) -> Parsed:
    visible: list[str] = []
    tags: list[str] = []
    stack: list[str] = []
    at = 0
    while at < len(text):
        char = text[at]
        if char == "<":
            closing = _CLOSE.match(text, at)
            if closing:
                name = closing.group(1)
                if not stack or stack[-1] != name:
                    raise TelegramRefuses(f"unmatched </{name}> at {at}: {text[at : at + 40]!r}")
                stack.pop()
                at = closing.end()
                continue
            opening = _OPEN.match(text, at)
            if not opening or opening.group(1) not in TAGS:
                raise TelegramRefuses(f"not a tag Telegram knows at {at}: {text[at : at + 40]!r}")
            name = opening.group(1)
            names = {a.group(1) for a in _ATTRIBUTE.finditer(opening.group(2))}
            if not names <= TAGS[name]:
                raise TelegramRefuses(f"<{name}> cannot have {sorted(names - TAGS[name])}")
            tags.append(name)
            stack.append(name)
            at = opening.end()
        elif char == "&":
            entity = _ENTITY.match(text, at)
            if not entity or (entity.group(1) and entity.group(1) not in NAMED):
                raise TelegramRefuses(f"not an entity Telegram knows at {at}: {text[at:][:12]!r}")
            name, decimal, hexadecimal = entity.groups()
            if name:
                visible.append(NAMED[name])
            else:
                visible.append(chr(int(decimal) if decimal else int(hexadecimal, 16)))
            at = entity.end()
        elif char == ">":
            raise TelegramRefuses(f"a bare '>' at {at}: {text[max(0, at - 20) : at + 1]!r}")
        else:
            visible.append(char)
            at += 1
    if stack:
        raise TelegramRefuses(f"tags left open: {stack}")
    return Parsed("".join(visible), tags)
