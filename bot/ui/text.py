"""The few pieces of markup screens are made of, escaped in one place.

Every piece of text that reaches a screen may come from a directory file or a member of
staff, so it is escaped here; only the tags Telegram parses are added around it.
"""

from __future__ import annotations

import html


def escape(text: str) -> str:
    return html.escape(text)


def bold(text: str) -> str:
    return "<b>" + escape(text) + "</b>"


def italic(text: str) -> str:
    return "<i>" + escape(text) + "</i>"


def code(text: str) -> str:
    return "<code>" + escape(text) + "</code>"


def paragraphs(*blocks: str) -> str:
    """Blocks of markup separated by one empty line; empty blocks left out."""
    return "\n\n".join(block for block in blocks if block)
