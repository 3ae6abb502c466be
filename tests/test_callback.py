"""The button-data codec: everything it makes decodes back; nothing else decodes."""

from __future__ import annotations

import itertools
import random

import pytest

from bot.callback import MAX_BYTES, BadCallback, Nav, Screen, decode, encode
from bot.taxonomy import NEEDS, PLACES, USER_LANGUAGES

LONGEST_ID = "a" + "-b" * 19 + "c"


def every_nav() -> list[Nav]:
    """Every shape of position the menus use, with the longest values each field allows."""
    navs = []
    for lang in USER_LANGUAGES:
        for screen in (
            Screen.PLACES,
            Screen.LANGUAGES,
            Screen.SET_LANGUAGE,
            Screen.HELP,
            Screen.ABOUT,
        ):
            navs.append(Nav(screen, lang))
        for place in PLACES:
            for screen in (Screen.NEEDS, Screen.LANGUAGES, Screen.HELP, Screen.ABOUT):
                navs.append(Nav(screen, lang, place))
            for need, page in itertools.product(NEEDS, (0, 7, 999)):
                navs.append(Nav(Screen.LIST, lang, place, need, page))
                navs.append(Nav(Screen.CARD, lang, place, need, page, LONGEST_ID))
    return navs


def test_round_trip_and_size() -> None:
    navs = every_nav()
    assert len(navs) == 3 * (5 + 4 * (4 + 12 * 3 * 2))
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
    ],
)
def test_encode_refuses_what_it_could_not_decode(nav: Nav) -> None:
    with pytest.raises((ValueError, KeyError)):
        encode(nav)


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "1",
        "1.p",
        "0.p.en.-.-.0.-",
        "1.p.en.-.-.0.-.",
        "1.z.en.-.-.0.-",
        "1.p.EN.-.-.0.-",
        "1.n.en.-.-.0.-",
        "1.l.en.CN.-.0.-",
        "1.l.en.CN.12.0.-",
        "1.l.en.CN.01.0.-",
        "1.l.en.CN.1.01.-",
        "1.l.en.CN.1.-1.-",
        "1.c.en.CN.1.0.-",
        "1.c.en.CN.1.0.-abc",
        "1.c.en.CN.1.0.abc-",
        "1.p.en.-.-.0.-\n",
        " 1.p.en.-.-.0.-",
        "1.p.en.-.-.0.-" + "a" * 60,
        "1.p.ен.-.-.0.-",
        "1,p,en,-,-,0,-",
    ],
)
def test_decode_rejects(data: str | None) -> None:
    with pytest.raises(BadCallback):
        decode(data)


def test_random_input_only_ever_raises_bad_callback() -> None:
    rng = random.Random(20261129)
    valid = [encode(n) for n in every_nav()[:200]]
    alphabet = "1.-pnlcgshaenkozhCNKRTROT0123456789abc-xyzé\x00\n "
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
