"""The staff button codec: every tap it makes decodes back; nothing else decodes, however
close to a real tap it is. A staff button's data is whatever a client sends: an Approve tap
made of a real one with something glued on must be refused, not read as its first part."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.desk.callback import Act, Tap, decode, encode, is_staff_data
from bot.menus import callback
from bot.menus.callback import MAX_BYTES, BadCallback
from bot.taxonomy import USER_LANGUAGES

# Written out here rather than taken from the codec, so that a change to it shows.
LANGS = ["ko", "zh", "en"]
ACTS = [a.value for a in Act]
LONGEST_ARG = "a" + "-0" * 19 + "z"  # 40 characters, the most an argument may have
LARGEST_NUMBER = 999_999_999

args = st.one_of(st.just(""), st.from_regex(r"[a-z0-9-]{1,40}", fullmatch=True)).filter(
    lambda arg: arg != "-"  # "-" is how an empty argument is written: see below
)
taps = st.builds(
    Tap,
    st.sampled_from(list(Act)),
    st.sampled_from(LANGS),
    st.integers(min_value=0, max_value=LARGEST_NUMBER),
    args,
)


def test_the_languages_are_the_users_languages() -> None:
    assert sorted(USER_LANGUAGES) == sorted(LANGS)


@given(taps)
def test_every_tap_round_trips_as_short_ascii(tap: Tap) -> None:
    data = encode(tap)
    assert data.isascii() and len(data.encode()) <= MAX_BYTES
    assert data == f"v.{tap.act.value}.{tap.lang}.{tap.number}.{tap.arg or '-'}"
    assert decode(data) == tap
    assert is_staff_data(data)


def test_the_longest_taps_fit_telegrams_64_bytes() -> None:
    for act, lang in itertools.product(Act, LANGS):
        data = encode(Tap(act, lang, LARGEST_NUMBER, LONGEST_ARG))
        assert len(data.encode()) <= 64, data
        assert decode(data) == Tap(act, lang, LARGEST_NUMBER, LONGEST_ARG)


def test_an_empty_argument_is_written_as_a_dash() -> None:
    assert encode(Tap(Act.REVIEWS, "ko")) == "v.rq.ko.0.-"
    assert decode("v.rq.ko.0.-") == Tap(Act.REVIEWS, "ko", 0, "")
    assert decode("v.ap.zh.12.-") == Tap(Act.APPROVE, "zh", 12, "")
    assert decode("v.e.en.3.cn-shelter-ko") == Tap(Act.ENTRY, "en", 3, "cn-shelter-ko")


@pytest.mark.parametrize(
    "tap",
    [
        Tap(Act.APPROVE, "fr", 1),  # not a user language
        Tap(Act.APPROVE, "EN", 1),
        Tap(Act.APPROVE, "en", -1),
        Tap(Act.APPROVE, "en", LARGEST_NUMBER + 1),
        Tap(Act.ENTRY, "en", 0, "Upper-Case"),
        Tap(Act.ENTRY, "en", 0, "under_score"),
        Tap(Act.ENTRY, "en", 0, "dot.ted"),
        Tap(Act.ENTRY, "en", 0, "a" * 41),
        Tap(Act.ENTRY, "en", 0, "-"),  # would come back as no argument at all
        Tap(Act.ENTRY, "en", 0, "한국"),
        Tap(Act.ENTRY, "en", 0, "a b"),
    ],
)
def test_encode_refuses_what_it_could_not_decode(tap: Tap) -> None:
    with pytest.raises(ValueError):
        encode(tap)


GOOD = "v.ap.en.1.-"


@pytest.mark.parametrize(
    "data",
    [
        # Something glued after a real tap, or before it.
        'v.ap.en.1.-"><junk',
        "v.ap.en.1.-.",
        "v.ap.en.1.-.-",
        "v.ap.en.1.- ",
        "v.ap.en.1.-\n",
        "v.ap.en.1.-\x00",
        "v.ap.en.1.cn-shelter-ko/x",
        "v.ap.en.12345.cn_x",
        " v.ap.en.1.-",
        "\nv.ap.en.1.-",
        "xv.ap.en.1.-",
        # A field missing, empty or too many.
        "",
        "v",
        "v.",
        "v.ap",
        "v.ap.en",
        "v.ap.en.1",
        "v.ap.en.1.",
        "v.ap..1.-",
        "v..en.1.-",
        "v.ap.en..-",
        "v.ap.en.1.-.x",
        # Each field out of its range.
        "w.ap.en.1.-",
        "V.ap.en.1.-",
        "2.ap.en.1.-",
        "v.zz.en.1.-",
        "v.AP.en.1.-",
        "v.a.en.1.-",
        "v.ap.fr.1.-",
        "v.ap.EN.1.-",
        "v.ap.e.1.-",
        "v.ap.en.01.-",
        "v.ap.en.00.-",
        "v.ap.en.-1.-",
        "v.ap.en.+1.-",
        "v.ap.en.1e3.-",
        "v.ap.en.1000000000.-",
        "v.ap.en.1_0.-",
        "v.ap.en.x.-",
        "v.e.en.0.Upper",
        "v.e.en.0.under_score",
        "v.e.en.0." + "a" * 41,
        "v.e.en.0.a b",
        # Not ASCII, however alike it looks.
        "v.ap.en.١.-",  # an Arabic-Indic one: a digit to a regular expression
        "v.ap.en.１.-",  # a full-width one
        "v.ap.en.1١.-",  # after an ASCII first digit, where the pattern's \d would take it
        "v.ap.ен.1.-",  # Cyrillic
        "v.ap.en.1.한국",
        # The separator swapped.
        "v,ap,en,1,-",
        "v:ap:en:1:-",
        # Users' button data is not staff data.
        "2.p.en.-.-.0.0.-.-",
        # Longer than Telegram allows.
        GOOD + "a" * 60,
        "v.e.en.0." + "a" * 60,
    ],
)
def test_decode_refuses_every_malformed_shape(data: str) -> None:
    with pytest.raises(BadCallback):
        decode(data)


@pytest.mark.parametrize("data", [None, b"v.ap.en.1.-", 1, ["v.ap.en.1.-"], object()])
def test_decode_refuses_what_is_not_text(data: object) -> None:
    with pytest.raises(BadCallback):
        decode(data)  # type: ignore[arg-type]


def test_nothing_longer_than_64_bytes_is_read() -> None:
    longest = encode(Tap(Act.ENTRY, "en", LARGEST_NUMBER, LONGEST_ARG))
    assert decode(longest).arg == LONGEST_ARG
    for padding in range(1, 80):
        with pytest.raises(BadCallback):
            decode(longest + "a" * padding)
    assert MAX_BYTES == 64


def test_every_prefix_and_every_extension_of_a_real_tap_is_refused() -> None:
    """What a client that cuts or pads a real tap sends."""
    for act in Act:
        real = encode(Tap(act, "en", 7, "cn-x"))
        for end in range(len(real)):
            prefix = real[:end]
            try:
                tap = decode(prefix)
            except BadCallback:
                continue
            assert encode(tap) == prefix  # only ever exactly what encode makes
        for tail in (".", ".-", "-", "x", " ", "\n", '"', "<", "/", "\x00"):
            glued = real + tail
            try:
                tap = decode(glued)
            except BadCallback:
                continue
            assert encode(tap) == glued, glued


@given(st.text(max_size=90))
def test_any_text_is_refused_or_is_exactly_what_encode_makes(data: str) -> None:
    try:
        tap = decode(data)
    except BadCallback:
        return
    assert encode(tap) == data


@given(taps, st.text(min_size=1, max_size=10))
def test_a_real_tap_with_anything_glued_on_is_refused_or_canonical(tap: Tap, tail: str) -> None:
    """Glued text is refused unless the whole is itself a tap encode makes (a longer number
    or argument): never read as the real tap it starts with."""
    data = encode(tap) + tail
    try:
        decoded = decode(data)
    except BadCallback:
        return
    assert decoded != tap
    assert encode(decoded) == data


@given(taps)
def test_staff_and_user_data_are_never_mistaken_for_each_other(tap: Tap) -> None:
    with pytest.raises(BadCallback):
        callback.decode(encode(tap))


def test_users_buttons_are_not_staff_buttons() -> None:
    nav = callback.Nav(callback.Screen.CARD, "en", "CN", "shelter", 0, "cn-x")
    data = callback.encode(nav)
    assert not is_staff_data(data)
    with pytest.raises(BadCallback):
        decode(data)


@pytest.mark.parametrize(
    ("data", "claims"),
    [("v.ap.en.1.-", True), ("v.anything", True), ("v", False), ("2.p.en", False), (None, False)],
)
def test_is_staff_data_is_only_a_claim(data: object, claims: bool) -> None:
    assert is_staff_data(data) is claims


def test_every_action_has_its_own_short_code() -> None:
    assert len(set(ACTS)) == len(ACTS)
    assert all(re.fullmatch(r"[a-z]{1,2}", code) for code in ACTS)
