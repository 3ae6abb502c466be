"""A generated directory of any size, shaped like the real one: every need and place, names
in Korean, Chinese and English, a few contacts each, most verified recently."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import yaml

from bot.directory.file_format import PlainDumper
from bot.taxonomy import CONTACT_TYPES, NEEDS, PLACES

LANGS = ("ko", "zh", "en")


def entries(count: int, seed: int = 1) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    today = dt.date.today()
    out = []
    for i in range(count):
        regions = rng.sample([*PLACES, "ANY"], k=rng.choice([1, 1, 2]))
        categories = rng.sample(list(NEEDS), k=rng.choice([1, 2, 3]))
        spoken = rng.sample(list(LANGS), k=rng.choice([1, 2, 3]))
        kinds = rng.sample([c for c in CONTACT_TYPES if c != "website"], k=2)
        contacts = [{"type": k, "value": _contact(k, i)} for k in kinds]
        out.append(
            {
                "id": f"bench-{i:06d}",
                "status": "verified" if rng.random() < 0.95 else "draft",
                "verified_on": today - dt.timedelta(days=rng.randint(0, 200)),
                "categories": categories,
                "regions": regions,
                "languages": spoken,
                "name": {lang: f"{_name(lang)} {i}" for lang in spoken},
                "description": {"en": "Support for mothers and children. " * rng.randint(1, 4)},
                "hours": {"en": "Weekdays 9:00-18:00"},
                "contacts": contacts,
            }
        )
    return out


def _name(lang: str) -> str:
    return {"ko": "도움 센터", "zh": "帮助中心", "en": "Help Centre"}[lang]


def _contact(kind: str, i: int) -> str:
    if kind in ("phone", "signal"):
        return f"+82 2 {i % 10000:04d} {i % 7777:04d}"
    if kind == "telegram":
        return f"@bench_{i:06d}"
    if kind == "email":
        return f"help{i}@example.org"
    return f"bench_{i:06d}"


def as_yaml(items: list[dict[str, Any]]) -> str:
    document = {"version": 1, "entries": items}
    return yaml.dump(document, Dumper=PlainDumper, allow_unicode=True, sort_keys=False)
