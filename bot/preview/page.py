"""The preview as one self-contained HTML page: inline CSS, no script, no font or image fetched
(a chart is inlined as a data: URI), so that it opens offline and can be mailed as a file.

Escaping: a screen's text is Telegram's HTML. The tags Telegram accepts (b, strong, i, em, u,
ins, s, strike, del, code, pre, a, blockquote, span class="tg-spoiler", tg-spoiler) are drawn
as themselves, with only the attributes Telegram reads (a link's href, only for http, https,
tg and mailto; never followed by the page itself); entities are read and written again; every
other tag is shown as its text, escaped, so that markup Telegram would refuse is seen, not
hidden. Button labels, notices, titles and everything else the page says are plain text and
escaped whole.
"""

from __future__ import annotations

import base64
import html
from html.parser import HTMLParser

from bot.preview.record import Section, Shot

TELEGRAM_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre", "a"}
    | {"blockquote", "span", "tg-spoiler"}
)
_LINK_SCHEMES = ("http://", "https://", "tg://", "mailto:")

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Sans CJK KR",
"Noto Sans CJK SC",sans-serif;background:#e6ebee;color:#1d2327;margin:0;padding:1rem 2rem}
h1{font-size:1.5rem} h2{margin-top:2.5rem;border-bottom:2px solid #9fb2bf}
nav ol{columns:2} .about{color:#4a5a66;max-width:60rem}
.screens{display:flex;flex-wrap:wrap;gap:1.2rem;align-items:flex-start}
article.screen{background:#fff;border-radius:12px;box-shadow:0 1px 3px #0003;width:24rem;
padding:.8rem}
article.screen h3{font-size:.85rem;font-weight:600;color:#2b5278;margin:0 0 .2rem;
overflow-wrap:anywhere}
.where{font-size:.75rem;color:#6b7b88;margin:0 0 .5rem}
.message{background:#effdde;border-radius:10px;padding:.6rem .7rem;white-space:pre-wrap;
overflow-wrap:anywhere;font-size:.95rem;line-height:1.35}
.message:empty{display:none}
.message code,.message pre{font-family:ui-monospace,monospace;font-size:.85rem}
.message a{color:#168acd}
.keyboard{margin-top:.35rem;display:flex;flex-direction:column;gap:.3rem}
.row{display:flex;gap:.3rem}
.button{flex:1;background:#5e9ebf;color:#fff;border-radius:8px;padding:.45rem .4rem;
text-align:center;font-size:.85rem;overflow-wrap:anywhere}
.notice{margin-top:.5rem;background:#303841;color:#fff;border-radius:8px;padding:.4rem .6rem;
font-size:.85rem}
.deleted{font-size:.75rem;color:#8a4b00;margin-top:.4rem}
img.chart{max-width:100%;margin-top:.4rem;border-radius:6px}
"""


class _TelegramHtml(HTMLParser):
    """Telegram's HTML to the page's: its tags kept, anything else escaped as text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TELEGRAM_TAGS:
            self.out.append(html.escape(self.get_starttag_text() or f"<{tag}>"))
            return
        kept = ""
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith(_LINK_SCHEMES):
                kept = f' href="{html.escape(href)}" rel="noreferrer noopener"'
        elif tag == "span" and dict(attrs).get("class") == "tg-spoiler":
            kept = ' class="tg-spoiler"'
        self.out.append(f"<{tag}{kept}>")

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag}>" if tag in TELEGRAM_TAGS else html.escape(f"</{tag}>"))

    def handle_data(self, data: str) -> None:
        self.out.append(html.escape(data, quote=False))


def message_html(text: str) -> str:
    parser = _TelegramHtml()
    parser.feed(text)
    parser.close()
    return "".join(parser.out)


def _shot(number: int, shot: Shot) -> str:
    parts = [
        f'<article class="screen" id="screen-{number}">',
        f"<h3>{html.escape(shot.title)}</h3>",
        f'<p class="where">{html.escape(shot.where)}</p>',
    ]
    if shot.image is not None:
        data = base64.b64encode(shot.image).decode("ascii")
        parts.append(f'<img class="chart" alt="chart" src="data:image/png;base64,{data}">')
    parts.append(f'<div class="message">{message_html(shot.text)}</div>')
    if shot.rows:
        parts.append('<div class="keyboard">')
        for row in shot.labels:
            buttons = "".join(f'<span class="button">{html.escape(b)}</span>' for b in row)
            parts.append(f'<div class="row">{buttons}</div>')
        parts.append("</div>")
    if shot.notice:
        parts.append(f'<div class="notice">{html.escape(shot.notice)}</div>')
    if shot.deleted:
        parts.append(
            f'<div class="deleted">({shot.deleted} message(s) deleted from the chat)</div>'
        )
    parts.append("</article>")
    return "\n".join(parts)


def render(lang: str, sections: list[Section]) -> str:
    """The page: a table of contents, then each section's screens in order."""
    total = sum(len(section.shots) for section in sections)
    contents = "".join(
        f'<li><a href="#part-{i}">{html.escape(s.name)}</a> ({len(s.shots)})</li>'
        for i, s in enumerate(sections)
    )
    body: list[str] = []
    number = 0
    for index, section in enumerate(sections):
        body.append(f'<section id="part-{index}"><h2>{html.escape(section.name)}</h2>')
        body.append(f'<p class="about">{html.escape(section.about)}</p><div class="screens">')
        for shot in section.shots:
            number += 1
            body.append(_shot(number, shot))
        body.append("</div></section>")
    head = (
        f'<!DOCTYPE html>\n<html lang="{html.escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Helpline screens ({html.escape(lang)})</title>\n<style>{CSS}</style>\n</head>\n"
    )
    intro = (
        f"<h1>Every screen of the helpline, in {html.escape(lang)}</h1>\n"
        f'<p class="about">{total} screens, as the bot shows them over the demo directory.'
        " Each is titled with the way to it: the command, then each button pressed, or what"
        " was typed or sent, in brackets. The green box is the message, the blue boxes its"
        " buttons, the dark box the short notice a tap is answered with.</p>\n"
        f"<nav><ol>{contents}</ol></nav>\n"
    )
    return head + "<body>\n" + intro + "\n".join(body) + "\n</body>\n</html>\n"
