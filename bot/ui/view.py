"""A screen as data, and keeping its text inside what Telegram accepts.

Telegram counts a message's length after parsing its HTML, in UTF-16 code units, and refuses
one over 4096. Screens are built from directory text of any length, so every one is measured
the way Telegram measures it, never by `len()`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

MAX_MESSAGE = 4096
ELLIPSIS = "…"

Button = tuple[str, str]
"""(label, callback data)."""

_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class View:
    """Text in Telegram's HTML and rows of buttons; the handlers turn it into a message."""

    text: str
    rows: list[list[Button]] = field(default_factory=list)


def plain(text: str) -> str:
    """The text as a reader sees it: markup gone, entities read."""
    return html.unescape(_TAG.sub("", text))


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def visible_length(text: str) -> int:
    """Length as Telegram counts it: after parsing the HTML, in UTF-16 code units."""
    return utf16_length(plain(text))


def cut(text: str, limit: int) -> str:
    """At most `limit` characters, an ellipsis marking a cut (for labels and short lines)."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + ELLIPSIS


def cut_utf16(text: str, limit: int) -> str:
    """Plain text of at most `limit` UTF-16 units, an ellipsis marking the cut."""
    if utf16_length(text) <= limit:
        return text
    out = ""
    for char in text:
        if utf16_length(out + char) > limit - 1:
            break
        out += char
    return out + ELLIPSIS


def fit_text(text: str, limit: int = MAX_MESSAGE) -> str:
    """The text if Telegram takes it; else it loses its markup and its tail, escaped again."""
    if visible_length(text) <= limit:
        return text
    return html.escape(cut_utf16(plain(text), limit))


def fit_lines(lines: Sequence[str], limit: int = MAX_MESSAGE) -> str:
    """The lines joined; if Telegram would refuse that, lines are left out from the end, all
    but the last, and an ellipsis line stands where they were. For a screen whose tail is a
    long list that may be shortened, and whose last line says what the list means."""
    kept = list(lines)
    text = "\n".join(kept)
    while visible_length(text) > limit and len(kept) > 1:
        kept.pop(-2)
        text = "\n".join([*kept[:-1], ELLIPSIS, kept[-1]])
    return text


def fit(view: View) -> View:
    return View(fit_text(view.text), view.rows)
