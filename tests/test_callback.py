"""The button-data codec: everything it makes decodes back; nothing else decodes."""

from __future__ import annotations

import itertools
import random

import pytest

from bot.menus.callback import (
    AUTO_ERASE_MINUTES,
    MAX_BYTES,
    BadCallback,
    Nav,
    Screen,
    decode,
    encode,
    is_topic,
)
from bot.taxonomy import NEEDS, PLACES, USER_LANGUAGES

LONGEST_ID = "a" + "-b" * 19 + "c"


def every_nav() -> list[Nav]:
    """Every shape of position the menus use, with the longest values each field allows."""
    navs = []
    simple = (
        Screen.PLACES,
        Screen.LANGUAGES,
        Screen.SET_LANGUAGE,
        Screen.HELP,
        Screen.ABOUT,
        Screen.SAFETY,
        Screen.SAFETY_MORE,
        Screen.AUTO_ERASE,
    )
    for lang, auto in itertools.product(USER_LANGUAGES, AUTO_ERASE_MINUTES):
        for screen in simple:
            navs.append(Nav(screen, lang, auto=auto))
        navs.append(Nav(Screen.ERASE, lang, auto=auto, origin=Screen.PLACES))
        navs.append(Nav(Screen.MORE, lang, auto=auto, origin=Screen.PLACES))
        navs.append(Nav(Screen.PLACES, lang, need="emergency", auto=auto))  # Urgent help
        for place in PLACES:
            for screen in (*simple[1:], Screen.NEEDS):
                navs.append(Nav(screen, lang, place, auto=auto))
            for topic in TOPICS[place]:
                navs.append(Nav(Screen.TOPIC, lang, place, topic, auto=auto))
                navs.append(Nav(Screen.MORE, lang, place, topic, auto=auto, origin=Screen.TOPIC))
            for need, page in itertools.product(NEEDS, (0, 7, 999)):
                navs.append(Nav(Screen.LIST, lang, place, need, page, auto=auto))
                card = Nav(Screen.CARD, lang, place, need, page, LONGEST_ID, auto)
                navs.append(card)
                navs.append(card.to(Screen.REPORT_ASK))
                navs.append(card.to(Screen.REPORT))
                navs.append(card.to(Screen.ERASE, origin=Screen.REPORT_ASK))
                navs.append(card.to(Screen.ERASE, origin=Screen.CARD))
                navs.append(card.to(Screen.ERASE_NOW, origin=Screen.CARD))
                navs.append(card.to(Screen.MORE, origin=Screen.CARD))
            chosen = Nav(Screen.LIST, lang, place, "emergency", auto=auto, origin=Screen.PLACES)
            navs.append(chosen)
    return navs


# The topics with a menu of their own, by the first need of each, written out from the
# spec's grouping rather than read from the code.
TOPICS = {
    "CN": ("shelter", "family", "health", "trafficking"),
    "KR": ("family", "settlement", "health", "community", "legal"),
    "TRANSIT": ("shelter", "legal", "health", "family", "trafficking"),
    "OTHER": ("shelter", "legal", "family", "health", "trafficking"),
}


def test_round_trip_and_size() -> None:
    navs = every_nav()
    topics = sum(len(t) for t in TOPICS.values())
    assert len(navs) == 3 * 4 * (8 + 3 + 2 * topics + 4 * (8 + 1 + 12 * 3 * 8))
    for nav in navs:
        data = encode(nav)
        assert data.isascii() and len(data.encode()) <= MAX_BYTES
        assert decode(data) == nav


@pytest.mark.parametrize(
    "nav",
    [
        Nav(Screen.CARD, "en", "CN", "shelter", 0, None),
        Nav(Screen.LIST, "en", None, "shelter"),
        Nav(Screen.NEEDS, "en"),
        Nav(Screen.PLACES, "fr"),
        Nav(Screen.LIST, "en", "MARS", "shelter"),
        Nav(Screen.LIST, "en", "CN", "shelter", 1000),
        Nav(Screen.CARD, "en", "CN", "shelter", 0, "Not_A_Slug"),
        Nav(Screen.CARD, "en", "CN", "shelter", 0, "x" * 41),
        Nav(Screen.PLACES, "en", auto=15),
        Nav(Screen.ERASE, "en"),
        Nav(Screen.ERASE, "en", origin=Screen.ERASE),
        Nav(Screen.ERASE, "en", origin=Screen.CARD),
        Nav(Screen.REPORT_ASK, "en", "CN", "shelter", 0, None),
        Nav(Screen.REPORT_ASK, "en", None, "shelter", 0, "x-entry"),
        Nav(Screen.TOPIC, "en", "CN"),
        Nav(Screen.TOPIC, "en", None, "shelter"),
        Nav(Screen.TOPIC, "en", "CN", "escape"),  # in a topic, not its first need
        Nav(Screen.TOPIC, "en", "CN", "emergency"),  # a topic of one need has no menu
        Nav(Screen.TOPIC, "en", "CN", "settlement"),  # not offered in China
        Nav(Screen.TOPIC, "en", "KR", "shelter"),  # first in China, second in South Korea
        Nav(Screen.MORE, "en", "CN", "escape", origin=Screen.TOPIC),
    ],
)
def test_encode_refuses_what_it_could_not_decode(nav: Nav) -> None:
    with pytest.raises((ValueError, KeyError)):
        encode(nav)


@pytest.mark.parametrize(
    "nav", [Nav(Screen.TOPIC, "en", None, "shelter"), Nav(Screen.TOPIC, "en", "CN")]
)
def test_whether_a_position_is_a_topic_is_asked_only_with_its_place_and_need(nav: Nav) -> None:
    """`decode` refuses a topic without them before it asks; any other caller is wrong."""
    with pytest.raises(AssertionError):
        is_topic(nav)


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "2",
        "2.p",
        "1.p.en.-.-.0.-",
        "1.p.en.-.-.0.0.-.-",
        "2.p.en.-.-.0.0.-.-.",
        "2.q.en.-.-.0.0.-.-",
        "2.p.EN.-.-.0.0.-.-",
        "2.n.en.-.-.0.0.-.-",
        "2.l.en.CN.-.0.0.-.-",
        "2.l.en.CN.12.0.0.-.-",
        "2.l.en.CN.01.0.0.-.-",
        "2.l.en.CN.1.01.0.-.-",
        "2.l.en.CN.1.-1.0.-.-",
        "2.l.en.CN.1.0.4.-.-",
        "2.l.en.CN.1.0.-.-.-",
        "2.c.en.CN.1.0.0.-.-",
        "2.c.en.CN.1.0.0.-.-abc",
        "2.c.en.CN.1.0.0.-.abc-",
        "2.v.en.CN.1.0.0.-.-",
        "2.v.en.-.1.0.0.-.abc",
        "2.v.en.CN.-.0.0.-.abc",
        "2.e.en.CN.-.0.0.v.abc",
        "2.e.en.-.-.0.0.-.-",
        "2.e.en.-.-.0.0.e.-",
        "2.e.en.-.-.0.0.c.-",
        "2.e.en.CN.-.0.0.l.-",
        "2.V.en.-.-.0.0.-.-",
        "2.v.en.-.-.0.0.x.-",
        "2.o.en.CN.-.0.0.-.-",
        "2.o.en.-.2.0.0.-.-",
        "2.o.en.CN.1.0.0.-.-",
        "2.o.en.CN.0.0.0.-.-",
        "2.o.en.CN.9.0.0.-.-",
        "2.o.en.KR.2.0.0.-.-",
        "2.f.en.CN.1.0.0.o.-",
        "2.f.en.-.-.0.0.c.-",
        "2.p.en.-.-.0.0.-.-\n",
        " 2.p.en.-.-.0.0.-.-",
        "2.p.en.-.-.0.0.-.-" + "a" * 50,
        "2.p.ен.-.-.0.0.-.-",
        "2.l.en.CN.1.1\u0663.0.-.-",  # an Arabic-Indic three, which `\d` and int() both take
        "2,p,en,-,-,0,0,-,-",
    ],
)
def test_decode_rejects(data: str | None) -> None:
    with pytest.raises(BadCallback):
        decode(data)


def test_every_screen_has_its_own_letter() -> None:
    """Two screens given the same letter would become one (an alias) without a word."""
    letters = [screen.value for screen in Screen.__members__.values()]
    assert len(letters) == len(set(letters)) and all(len(v) == 1 for v in letters)


def test_random_input_only_ever_raises_bad_callback() -> None:
    rng = random.Random(20261129)
    valid = [encode(n) for n in every_nav()[:200]]
    alphabet = "1.-pnlcgshaenkozhCNKRTROT0123456789abc-xyzvé\x00\n "
    for _ in range(20000):
        kind = rng.random()
        if kind < 0.4:
            data = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 70)))
        elif kind < 0.8:
            base = list(rng.choice(valid))
            base[rng.randrange(len(base))] = rng.choice(alphabet)
            data = "".join(base)
        else:
            data = bytes(rng.randrange(256) for _ in range(rng.randint(0, 80))).decode("latin-1")
        try:
            nav = decode(data)
        except BadCallback:
            continue
        assert encode(nav) == data  # anything accepted is exactly what encode makes


def test_every_screen_has_a_letter_of_its_own() -> None:
    """Two screens given one letter would silently be one screen (an enum alias)."""
    assert len(Screen.__members__) == len({screen.value for screen in Screen})
