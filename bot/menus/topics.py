"""The needs menu as a few topics, a topic's own short menu, and More.

Twelve needs in one menu is too much for a frightened woman on a small phone, and readable at a
glance by anyone beside her; so the menu shows her place's topics (bot.taxonomy.TOPICS_BY_PLACE)
in plain, unremarkable words. A topic with one need goes straight to its list; one with several
asks which. The lists and the statistics still speak of needs: a need picked on a topic's menu
is a need picked from the needs menu (`origin` NEEDS), exactly as a topic of one need is.
"""

from __future__ import annotations

from dataclasses import replace

from bot.i18n import Texts
from bot.menus.callback import Nav, Screen, encode
from bot.menus.rows import home_of, nav_rows, talk_row
from bot.taxonomy import NEED_LABELS, PLACE_LABELS, TOPIC_LABELS, TOPICS_BY_PLACE, topic_of
from bot.ui.text import bold, escape, paragraphs
from bot.ui.view import Button, View

# Marks the topic for danger, so that she finds it without reading; on the first screen too.
URGENT_MARK = "☎️ "


def topic_button(t: Texts, nav: Nav, topic: str, keys: tuple[str, ...]) -> Button:
    """A topic: straight to the list of its one need, else to its own menu."""
    assert nav.place is not None
    label = t.gettext(TOPIC_LABELS[topic])
    if topic == "urgent":
        label = URGENT_MARK + label
    if len(keys) == 1:
        target = nav.fresh(Screen.LIST, nav.place, keys[0], origin=Screen.NEEDS)
    else:
        target = nav.fresh(Screen.TOPIC, nav.place, keys[0])
    return (label, encode(target))


def _place_line(t: Texts, place: str) -> str:
    _ = t.gettext
    return escape(_("Place: {place}").format(place=_(PLACE_LABELS[place])))


def needs(t: Texts, nav: Nav, *, talk: bool = False) -> View:
    """What she needs, as her place's topics; with `talk` (the relay is on), Talk to a person
    below them."""
    _ = t.gettext
    assert nav.place is not None
    text = paragraphs(
        bold(_("What do you need?")) + "\n" + escape(_("Choose one. You can go back at any time.")),
        _place_line(t, nav.place),
    )
    here = nav.fresh(Screen.NEEDS, nav.place)
    rows = [[topic_button(t, here, topic, keys)] for topic, keys in TOPICS_BY_PLACE[nav.place]]
    if talk:
        rows.append(talk_row(t, here))
    rows.extend(nav_rows(t, here, nav.fresh(Screen.PLACES)))
    return View(text, rows)


def topic(t: Texts, nav: Nav) -> View:
    """A topic's needs, in her place's order: each opens its list."""
    _ = t.gettext
    assert nav.place is not None and nav.need is not None
    found = topic_of(nav.place, nav.need)
    assert found is not None, "callback data names only a topic of the place"
    name, keys = found
    text = paragraphs(
        bold(_(TOPIC_LABELS[name])) + "\n" + escape(_("Choose one. You can go back at any time.")),
        _place_line(t, nav.place),
    )
    rows: list[list[Button]] = [
        [(_(NEED_LABELS[key]), encode(nav.fresh(Screen.LIST, nav.place, key, origin=Screen.NEEDS)))]
        for key in keys
    ]
    rows.extend(nav_rows(t, nav.fresh(Screen.TOPIC, nav.place, nav.need), home_of(nav)))
    return View(text, rows)


def more(t: Texts, nav: Nav) -> View:
    """The utilities, one tap from every screen: Language first, for a chat that opened in a
    language she does not read. Back returns to the screen she was on."""
    _ = t.gettext
    rows: list[list[Button]] = [
        [
            ("🌐 " + _("Language"), encode(nav.fresh(Screen.LANGUAGES, nav.place))),
            ("🔒 " + _("Safety"), encode(nav.fresh(Screen.SAFETY, nav.place))),
        ],
        [
            ("❔ " + _("Help"), encode(nav.fresh(Screen.HELP, nav.place))),
            ("ℹ️ " + _("About"), encode(nav.fresh(Screen.ABOUT, nav.place))),
        ],
    ]
    if nav.place is not None:
        rows.append([("📍 " + _("Change place"), encode(nav.fresh(Screen.PLACES)))])
    back = replace(nav, screen=nav.origin, origin=None) if nav.origin else home_of(nav)
    rows.extend(nav_rows(t, nav.to(Screen.MORE), back, more=False))
    text = paragraphs(
        bold(_("More")),
        escape(_("Change the language, read safety tips, or learn about this service.")),
    )
    return View(text, rows)
