"""A few plain words she may type instead of tapping, and the need each one leads to.

A frightened woman types "살려 주세요" or "我想找我的孩子" rather than look for the right
button. Nothing she types is read by anyone or kept; but a handful of words are common and
clear enough to take her straight to the contacts for that need. The table is small on
purpose: a wrong guess costs her one tap back, a long table guesses wrong more often.

Her words are compared after NFKC normalisation and case folding (full-width letters, and
Hangul typed as separate letters, then read as any other). How a word matches depends on how
its language writes words:

- English: whole words only ("kid" is not found in "kidney").
- Korean: a whole word, or the word with one of the particles Korean attaches to it ("아이를",
  "아이들이"), never a longer word that merely begins the same ("아이디"). A word ending in
  `~` is a stem, found with any ending ("위험~": 위험해요, 위험합니다).
- Chinese: anywhere, as Chinese puts no spaces between words.

Every language's words are looked for in everything she types, whatever language she chose:
she may write in another. The rules are tried in order and the first that matches wins, so
that danger comes before a child, and a bare plea ("help me") leads to danger only when
nothing more precise was said ("help me find my child" is about her child).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Final

STEM: Final = "~"


@dataclass(frozen=True, slots=True)
class Rule:
    """Words in each user language that lead to `need`."""

    need: str
    words: dict[str, tuple[str, ...]]


RULES: Final = (
    Rule(
        "emergency",
        {
            "en": ("danger", "dangerous", "emergency", "unsafe", "sos"),
            "ko": ("위험~", "살려", "살려주~"),
            "zh": ("危险", "救命", "救我", "求救"),
        },
    ),
    Rule(
        "family",
        {
            "en": ("child", "children", "kid", "kids", "son", "daughter", "baby", "family"),
            "ko": ("아이", "아기", "애", "자식", "자녀", "아들", "딸", "가족"),
            "zh": ("孩子", "小孩", "子女", "儿子", "女儿", "宝宝", "家人"),
        },
    ),
    Rule(
        "emergency",
        {
            "en": ("help me", "please help"),
            "ko": ("도와주~", "도와 주~"),
            "zh": ("帮帮我",),
        },
    ),
)

# What Korean attaches to a noun: particles, and the plural 들 before any of them.
_PARTICLES: Final = (
    "",
    "이",
    "가",
    "을",
    "를",
    "은",
    "는",
    "의",
    "에",
    "에게",
    "한테",
    "와",
    "과",
    "랑",
    "이랑",
    "하고",
    "도",
    "만",
    "야",
    "아",
    "요",
)
KOREAN_ENDINGS: Final = frozenset(_PARTICLES) | {"들" + particle for particle in _PARTICLES}


def normalise(text: str) -> str:
    """The form words are compared in: NFKC, case folded, runs of space as one space."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def need_for(text: str | None) -> str | None:
    """The need her words lead to, or None when no rule matches."""
    if not text:
        return None
    found = normalise(text)
    words = _WORD.findall(found)
    for rule in RULES:
        for lang, keys in rule.words.items():
            if any(_matches(lang, key, found, words) for key in keys):
                return rule.need
    return None


_WORD = re.compile(r"\w+")


def _matches(lang: str, key: str, text: str, words: list[str]) -> bool:
    if lang == "zh":
        return normalise(key) in text
    if lang == "ko":
        return _korean(normalise(key), text, words)
    return _whole_words(normalise(key)).search(text) is not None


def _korean(key: str, text: str, words: list[str]) -> bool:
    stem = key.endswith(STEM)
    key = key.removesuffix(STEM)
    if " " in key:  # a stem of two words ("도와 주~"): the first whole, the second begun
        first, _space, second = key.partition(" ")
        pattern = rf"(?<!\w){re.escape(first)} {re.escape(second)}"
        return re.search(pattern if stem else pattern + r"(?!\w)", text) is not None
    for word in words:
        if not word.startswith(key):
            continue
        rest = word[len(key) :]
        if stem or rest in KOREAN_ENDINGS:
            return True
    return False


@cache
def _whole_words(key: str) -> re.Pattern[str]:
    """The words of `key` in a row, with nothing of a word on either side."""
    inner = r"\s+".join(re.escape(part) for part in key.split())
    return re.compile(rf"(?<!\w){inner}(?!\w)")
