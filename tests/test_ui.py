"""The pieces screens share (bot/ui): fitting text to Telegram's limit, markup, paging."""

from __future__ import annotations

from bot.i18n import Texts
from bot.ui.paging import paging_row
from bot.ui.text import bold, paragraphs
from bot.ui.view import fit_lines, visible_length


def test_lines_that_fit_are_joined_as_they_are() -> None:
    lines = ["<b>Title</b>", "", "a: <b>1</b>", "last"]
    assert fit_lines(lines, 100) == "<b>Title</b>\n\na: <b>1</b>\nlast"


def test_lines_give_way_from_the_end_and_the_last_one_stays() -> None:
    lines = ["head", *(f"cell {n:03}" for n in range(100)), "Other cells: <10"]
    text = fit_lines(lines, 200)
    assert visible_length(text) <= 200
    kept = text.split("\n")
    assert kept[0] == "head" and kept[1] == "cell 000"
    assert kept[-2:] == ["…", "Other cells: <10"]
    # Only whole lines go, the latest first: what is left is the start of the list.
    assert kept[1:-2] == [f"cell {n:03}" for n in range(len(kept) - 3)]
    # And no more than needed: one more line would not have fitted.
    with_one_more = "\n".join([*kept[:-2], f"cell {len(kept) - 3:03}", *kept[-2:]])
    assert visible_length(with_one_more) > 200


def test_fitting_counts_as_telegram_does_markup_left_out_and_in_utf16_units() -> None:
    # 30 lines of "<b>😀</b>": 2 UTF-16 units each as Telegram counts, 10 characters as
    # Python counts; with newlines, 89 units in all.
    lines = ["<b>😀</b>"] * 30
    assert fit_lines(lines, 89) == "\n".join(lines)
    assert fit_lines(lines, 88) != "\n".join(lines)


def test_bold_escapes_what_it_wraps() -> None:
    assert bold("<a href='x'>&") == "<b>&lt;a href=&#x27;x&#x27;&gt;&amp;</b>"


def test_paragraphs_leave_out_empty_blocks() -> None:
    assert paragraphs("a", "", "b\nc", "") == "a\n\nb\nc"


def test_paging_row_offers_only_the_pages_there_are() -> None:
    t = Texts("en")
    assert paging_row(t, 0, 1, str) == []
    assert paging_row(t, 0, 3, str) == [("Next ➡", "1")]
    assert paging_row(t, 1, 3, str) == [("⬅ Previous", "0"), ("Next ➡", "2")]
    assert paging_row(t, 2, 3, str) == [("⬅ Previous", "1")]
