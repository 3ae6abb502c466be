"""Directories built for tests, with check dates relative to today so they never go stale."""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml

from bot.clock import utc_today
from bot.directory.file_format import PlainDumper

TODAY = utc_today()
RECENT = TODAY - dt.timedelta(days=10)
STALE = TODAY - dt.timedelta(days=181)


def entry(entry_id: str, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": entry_id,
        "status": "verified",
        "verified_on": RECENT,
        "categories": ["shelter"],
        "regions": ["CN"],
        "languages": ["ko"],
        "name": {"en": f"Name of {entry_id}"},
        "contacts": [{"type": "email", "value": f"{entry_id}@example.org"}],
    }
    data.update(fields)
    return data


def as_yaml(entries: list[dict[str, Any]], version: int = 1) -> str:
    document = {"version": version, "entries": entries}
    return yaml.dump(document, Dumper=PlainDumper, allow_unicode=True, sort_keys=False)


def standard_entries() -> list[dict[str, Any]]:
    """A small directory in which every filtering and ranking rule has a case."""
    three = {"ko": "세 언어 쉼터", "zh": "三语庇护所", "en": "Three Language Shelter"}
    return [
        entry("cn-shelter-ko", languages=["ko"], name={"en": "Bravo Shelter", "ko": "나 쉼터"}),
        entry("cn-shelter-zh", languages=["zh"], name={"en": "Alpha Shelter", "zh": "甲庇护所"}),
        entry(
            "cn-shelter-all",
            languages=["ko", "zh", "en"],
            name=three,
            description={"en": "Open to all.", "ko": "누구나 옵니다.", "zh": "欢迎所有人。"},
            expect={
                "en": "A volunteer answers. They never call first.",
                "ko": "봉사자가 받습니다. 먼저 전화하지 않습니다.",
                "zh": "志愿者接听。他们从不主动打电话。",
            },
            hours={"en": "Weekdays"},
            internal_note="Ask the coordinator; checked by phone (staff-only-note-7731)",
            contacts=[
                {"type": "phone", "value": "+86 10 0000 0000"},
                {"type": "wechat", "value": "example_wechat"},
                {"type": "telegram", "value": "@example_tg_handle"},
            ],
        ),
        entry(
            "any-hotline",
            regions=["ANY"],
            categories=["emergency", "mental_health"],
            languages=["en"],
            name={"en": "Anywhere Hotline"},
        ),
        entry("kr-settlement", regions=["KR"], categories=["settlement"], name={"ko": "정착 도움"}),
        entry("cn-stale", verified_on=STALE, name={"en": "Stale Shelter"}),
        entry("cn-draft", status="draft", name={"en": "Draft Shelter"}),
        entry("cn-archived", status="archived", name={"en": "Archived Shelter"}),
        *[
            entry(
                f"transit-legal-{i}",
                regions=["TRANSIT"],
                categories=["legal"],
                languages=["en"],
                name={"en": f"Legal Aid {i}"},
            )
            for i in range(7)
        ],
        entry(
            "cn-markup",
            categories=["health"],
            name={"en": "<b>Bold</b> & <a title='t'>link</a>"},
            description={"en": "<i>x</i> " + "long text & more " * 234},
            contacts=[{"type": "website", "value": "https://clinic.example.org/?a=1&b=2"}],
        ),
    ]


STAFF_NOTE_MARK = "staff-only-note-7731"

STANDARD_VISIBLE = {
    "cn-shelter-ko",
    "cn-shelter-zh",
    "cn-shelter-all",
    "any-hotline",
    "kr-settlement",
    "cn-markup",
    *{f"transit-legal-{i}" for i in range(7)},
}
