"""Directory files built to attack the validator, and a large honest one to compare with."""

from __future__ import annotations

from typing import Any

import yaml

from bot.directory.file_format import PlainDumper
from tests.directory_data import RECENT, entry

# Text the old link pattern took quadratic time on: every "a" could start an address, and
# each start scanned to the end of the text before failing.
SLOW_TEXT = "a-" * 1500

# Languages Babel knows, for the keys of a text mapping (each value an alias of the same text).
_KEYS = ("en", "ko", "zh", "fr", "de", "es", "it", "ru")


def hostile_file(copies: int = 8) -> str:
    """About 3.4 kB of YAML that expands to `copies` entries, each with eight 3,000-character
    descriptions: anchors (&) name the text, the description and the entry once; aliases (*)
    repeat them, so the validator sees 64 copies of the text it is slowest on."""
    descriptions = ", ".join(f"{key}: *t" for key in _KEYS[1:])
    lines = [
        "version: 1",
        "entries:",
        "- &e",
        "  id: hostile",
        "  status: draft",
        "  categories: [shelter]",
        "  regions: [CN]",
        "  name: {en: Hostile}",
        "  contacts: [{type: wechat, value: hostile_id}]",
        f"  description: &d {{{_KEYS[0]}: &t {SLOW_TEXT}, {descriptions}}}",
    ]
    lines += ["- *e"] * (copies - 1)
    return "\n".join(lines) + "\n"


_SENTENCE = {
    "en": "The volunteers meet mothers at the station and walk with them to the house. ",
    "ko": "봉사자들이 역에서 어머니들을 만나 집까지 함께 걸어갑니다. ",
    "zh": "志愿者在车站接母亲们，陪她们走到住处。",
}


def _fill(lang: str, limit: int) -> str:
    sentence = _SENTENCE[lang]
    return (sentence * (limit // len(sentence)))[: limit - 1].strip() + "."


def large_file(count: int = 200, size: int = 990_000) -> str:
    """`count` ordinary entries with long descriptions in three languages, padded to just
    under `size` bytes of UTF-8: the largest file the desk accepts, and nothing in it hostile."""

    def build(english: int) -> str:
        items: list[dict[str, Any]] = [
            entry(
                f"large-{i:03d}",
                status="verified",
                verified_on=RECENT,
                categories=["shelter", "health"],
                regions=["CN", "TRANSIT"],
                languages=["ko", "zh", "en"],
                name={"ko": f"쉼터 {i}", "zh": f"庇护所 {i}", "en": f"Shelter {i}"},
                description={
                    "ko": _fill("ko", 600),
                    "zh": _fill("zh", 500),
                    "en": _fill("en", english),
                },
                hours={"en": "Weekdays 9:00-18:00, weekends by arrangement"},
                contacts=[
                    {"type": "phone", "value": f"+82 2 {1000 + i} 0000"},
                    {"type": "telegram", "value": f"@large_entry_{i:03d}"},
                ],
            )
            for i in range(count)
        ]
        document = {"version": 1, "entries": items}
        return yaml.dump(
            document, Dumper=PlainDumper, allow_unicode=True, sort_keys=False, width=10_000
        )

    small = build(100)
    # Each entry's English text is on one line, so each extra character is one more byte.
    english = min(4000, 100 + (size - len(small.encode())) // count)
    return build(english)
