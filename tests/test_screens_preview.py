"""`helpline screens`: one HTML page per language with every screen, and every catalog string
on one of them (or named, with its reason, as shown nowhere)."""

from __future__ import annotations

import html
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.preview import coverage, page
from bot.preview.record import Section, Shot
from bot.taxonomy import USER_LANGUAGES
from tests.test_cli import helpline

PROJECT = Path(__file__).resolve().parent.parent


class Screens(HTMLParser):
    """The page read back: each screen's title, its message, its rows of buttons, its
    notice; and any tag left open or closed twice."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.screens: list[dict[str, object]] = []
        self.open: list[str] = []
        self.field: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("meta", "br", "img"):
            self.open.append(tag)
        kind = dict(attrs).get("class")
        if tag == "article" and kind == "screen":
            self.screens.append({"title": "", "message": "", "rows": [], "notice": ""})
        elif self.screens and tag == "h3":
            self.field = "title"
        elif self.screens and kind in ("message", "notice"):
            self.field = kind
        elif self.screens and kind == "row":
            rows = self.screens[-1]["rows"]
            assert isinstance(rows, list)
            rows.append([])
        elif self.screens and kind == "button":
            self.field = "button"

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, f"</{tag}> closes {self.open[-1:]}"
        self.open.pop()
        if tag in ("h3", "div", "span"):
            self.field = None if tag != "div" or self.field != "message" else self.field
            if tag == "div":
                self.field = None

    def handle_data(self, data: str) -> None:
        if not self.screens or self.field is None:
            return
        screen = self.screens[-1]
        if self.field == "button":
            rows = screen["rows"]
            assert isinstance(rows, list)
            rows[-1].append(data)
        else:
            screen[self.field] = str(screen[self.field]) + data


def _message_closes(parser: Screens) -> None:
    assert not parser.open, f"left open: {parser.open}"


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The command itself, once per language."""
    found = {}
    for lang in USER_LANGUAGES:
        folder = tmp_path_factory.mktemp(f"screens-{lang}")
        out = folder / "screens.html"
        result = helpline("screens", "--lang", lang, "--out", str(out), cwd=folder)
        assert result.returncode == 0, result.stderr
        found[lang] = out.read_text("utf-8")
    return found


def read(text: str) -> list[dict[str, object]]:
    parser = Screens()
    parser.feed(text)
    parser.close()
    _message_closes(parser)
    return parser.screens


@pytest.mark.parametrize("lang", USER_LANGUAGES)
def test_the_page_is_html_with_every_screen_titled_and_its_buttons(
    pages: dict[str, str], lang: str
) -> None:
    text = pages[lang]
    assert text.startswith("<!DOCTYPE html>") and f'<html lang="{lang}">' in text
    assert "http" not in text.split("<body>")[0], "the page loads nothing from outside"
    assert "<script" not in text and "<link" not in text
    screens = read(text)
    assert len(screens) > 200
    for screen in screens:
        assert str(screen["title"]).strip(), screen
        assert str(screen["message"]).strip() or str(screen["notice"]).strip(), screen
    first = screens[0]
    assert first["title"] == "/start"
    rows = first["rows"]
    assert isinstance(rows, list) and len(rows) >= 6 and all(rows)
    # Erase alone on the last row of the first screen, as every screen has it.
    assert len(rows[-1]) == 1 and "🗑" in rows[-1][0]
    titles = [str(s["title"]) for s in screens]
    assert any(t.startswith("/start → ") and t.count(" → ") >= 3 for t in titles)
    assert any(t.startswith("/volunteer") for t in titles)
    assert any(t.startswith("/stats") for t in titles)


def _screen_texts(screens: list[dict[str, object]]) -> list[str]:
    texts = []
    for screen in screens:
        rows = screen["rows"]
        assert isinstance(rows, list)
        buttons = "\n".join(label for row in rows for label in row)
        texts.append(f"{screen['message']}\n{buttons}\n{screen['notice']}")
    return texts


@pytest.mark.parametrize("lang", USER_LANGUAGES)
def test_every_catalog_string_is_on_a_screen(pages: dict[str, str], lang: str) -> None:
    with (PROJECT / "locales" / "messages.pot").open("rb") as handle:
        template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    exempt = set(coverage.NOT_ON_SCREENS)
    assert exempt <= template, f"listed but not in the catalog: {exempt - template}"
    assert all(reason.strip() for reason in coverage.NOT_ON_SCREENS.values())
    absent = coverage.missing(lang, _screen_texts(read(pages[lang])))
    assert absent == [], f"{lang}: on no screen of the preview: {absent}"


def test_a_string_on_no_screen_is_found_missing() -> None:
    """The check fails where a screen is left out: without the first screen, its greeting
    is on no screen."""
    first = Shot("/start", "her chat", "Hello. This is an information service.")
    other = Shot("/start → x", "her chat", "Where are you now?")
    kept = page.render("en", [Section("a", "", [other])])
    whole = page.render("en", [Section("a", "", [first, other])])
    assert "Hello. This is an information service." in coverage.missing(
        "en", _screen_texts(read(kept))
    )
    assert "Hello. This is an information service." not in coverage.missing(
        "en", _screen_texts(read(whole))
    )


def test_telegram_html_is_drawn_and_everything_else_escaped() -> None:
    drawn = page.message_html('<b>a &amp; b</b> <script>x</script> <a href="javascript:1">l</a>')
    assert drawn.startswith("<b>a &amp; b</b> ")
    assert "&lt;script&gt;x&lt;/script&gt;" in drawn
    assert "javascript" not in drawn and "<a>l</a>" in drawn
    assert html.unescape(page.message_html("&lt;i&gt;")) == "<i>"
