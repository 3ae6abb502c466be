"""Paging a long list: which page is shown, what is on it, and the Previous/Next row.

The page number comes from a button, which a modified client can set to anything, so it is
always brought back into range here rather than trusted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from bot.i18n import Texts
from bot.ui.view import Button

T = TypeVar("T")


def page_of(count: int, page: int, size: int) -> tuple[int, int]:
    """(page, pages): `page` kept in range for `count` items, `size` a page; at least one page."""
    pages = max(1, -(-count // size))
    return min(max(page, 0), pages - 1), pages


def on_page(items: Sequence[T], page: int, size: int) -> Sequence[T]:
    return items[page * size : (page + 1) * size]


def paging_row(
    t: Texts, page: int, pages: int, to: Callable[[int], str], *, next_label: str | None = None
) -> list[Button]:
    """Previous and Next where there is a page to go to; empty on a single page.
    `to(n)` is the callback data of page n."""
    row: list[Button] = []
    if page > 0:
        row.append(("⬅ " + t.gettext("Previous"), to(page - 1)))
    if page + 1 < pages:
        row.append(((next_label or t.gettext("Next")) + " ➡", to(page + 1)))
    return row
