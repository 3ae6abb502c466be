"""Directory file validation: every rule, every error at once, each located."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml

from bot.directory_file import DirectoryFileInvalid, dump, parse
from tests.directory_data import RECENT, as_yaml, entry, standard_entries


def errors_of(text: str) -> list[str]:
    with pytest.raises(DirectoryFileInvalid) as caught:
        parse(text, "dir.yaml")
    return [str(e) for e in caught.value.errors]


def test_standard_directory_is_valid() -> None:
    assert len(parse(as_yaml(standard_entries())).entries) == len(standard_entries())


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"id": "Upper_Case"}, "id"),
        ({"id": "-leading-dash"}, "id"),
        ({"id": "x" * 41}, "id"),
        ({"status": "published"}, "status"),
        ({"verified_on": None}, "verified_on"),
        ({"verified_on": "2026-13-01"}, "verified_on"),
        ({"verified_on": "last week"}, "verified_on"),
        ({"verified_on": dt.date.today() + dt.timedelta(days=30)}, "verified_on"),
        ({"categories": []}, "categories"),
        ({"categories": ["food"]}, "categories[0]"),
        ({"categories": ["shelter", "shelter"]}, "categories"),
        ({"regions": []}, "regions"),
        ({"regions": ["JP"]}, "regions[0]"),
        ({"languages": ["kor"]}, "languages[0]"),
        ({"name": {}}, "name"),
        ({"name": {"en": "  "}}, "name"),
        ({"name": {"english": "x"}}, "name"),
        ({"name": {"en": "x" * 201}}, "name"),
        ({"name": {"en": "bidi \u202e trick"}}, "name"),
        ({"description": {"en": 5}}, "description.en"),
        ({"contacts": []}, "contacts"),
        ({"contacts": [{"type": "fax", "value": "1"}]}, "contacts[0].type"),
        ({"contacts": [{"type": "phone", "value": "call me"}]}, "contacts[0]"),
        ({"contacts": [{"type": "telegram", "value": "no_at_sign"}]}, "contacts[0]"),
        ({"contacts": [{"type": "website", "value": "javascript:alert(1)"}]}, "contacts[0]"),
        ({"contacts": [{"type": "email", "value": "not-an-email"}]}, "contacts[0]"),
        ({"contacts": [{"type": "wechat", "value": "has space"}]}, "contacts[0]"),
        ({"contacts": [{"type": "phone"}]}, "contacts[0].value"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_each_rule_names_entry_and_field(change: dict[str, Any], field: str) -> None:
    bad = entry("the-entry", **change)
    errors = errors_of(as_yaml([entry("fine-one"), bad]))
    assert len(errors) == 1, errors
    where = "entry 'the-entry'" if "id" not in change else "entry "
    assert errors[0].startswith(where)
    assert "(number 2, line " in errors[0]
    assert f": {field}: " in errors[0]


def test_all_errors_are_reported_at_once() -> None:
    text = as_yaml(
        [
            entry("one", status="nope"),
            entry("two", regions=["XX"], contacts=[]),
            entry("one"),
        ]
    )
    errors = errors_of(text)
    assert any("entry 'one'" in e and "status" in e for e in errors)
    assert any("entry 'two'" in e and "regions[0]" in e for e in errors)
    assert any("entry 'two'" in e and "contacts" in e for e in errors)
    errors = errors_of(as_yaml([entry("one"), entry("one")]))
    assert any("used more than once" in e for e in errors)


@pytest.mark.parametrize(
    "text",
    [
        "version: 2\nentries: []\n",
        "entries: []\n",
        "- a\n- b\n",
        "version: 1\nentries: [\n",
        "version: '1'\nentries: []\n",
        "",
    ],
)
def test_file_level_errors(text: str) -> None:
    assert errors_of(text)


def test_yaml_syntax_error_has_a_line() -> None:
    (error,) = errors_of("version: 1\nentries:\n  - id: x\n    name: {en: [\n")
    assert "line" in error and "not valid YAML" in error


def test_dump_is_stable_and_parses_back() -> None:
    entries = parse(as_yaml(standard_entries())).entries
    text = dump(entries)
    assert dump(list(reversed(entries))) == text
    again = parse(text)
    assert dump(again.entries) == text
    ids = [e["id"] for e in yaml.safe_load(text)["entries"]]
    assert ids == sorted(ids)


def test_demo_directory_covers_every_need_everywhere_in_three_languages() -> None:
    from bot.demo import demo_directory_text
    from bot.taxonomy import NEEDS, PLACES

    entries = parse(demo_directory_text()).entries
    shown = [e for e in entries if e.status == "verified"]
    for need in NEEDS:
        for place in PLACES:
            assert any(need in e.categories and ({place, "ANY"} & set(e.regions)) for e in shown), (
                need,
                place,
            )
    for e in shown:
        assert set(e.name) == {"ko", "zh", "en"}
        for contact in e.contacts:
            assert "example" in contact.value or set(contact.value) <= set("+0 123456789")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": {"en": "See example.org for more"}}, "name"),
        ({"description": {"en": "Write to help@example.org"}}, "description"),
        ({"description": {"en": "Go to https://x.example.org"}}, "description"),
        ({"hours": {"en": "Ask @someone_else"}}, "hours"),
        ({"description": {"en": "Send /start to the other bot"}}, "description"),
        ({"description": {"ko": "www.example 에서 보세요"}}, "description"),
        ({"contacts": [{"type": "website", "value": "http://plain.example.org"}]}, "contacts[0]"),
        (
            {"contacts": [{"type": "website", "value": "https://example.org/\u202egnp.exe"}]},
            "contacts[0]",
        ),
        (
            {"contacts": [{"type": "website", "value": "https://example.org/\u200bx"}]},
            "contacts[0]",
        ),
        ({"languages": ["xx"]}, "languages[0]"),
        (
            {
                "languages": [
                    "ko",
                    "zh",
                    "en",
                    "ru",
                    "th",
                    "lo",
                    "vi",
                    "km",
                    "mn",
                    "ja",
                    "fr",
                    "de",
                    "es",
                    "it",
                    "pt",
                    "ar",
                    "hi",
                    "bn",
                    "ur",
                    "fa",
                    "tr",
                ]
            },
            "languages",
        ),
    ],
)
def test_text_cannot_carry_tappable_links(change: dict[str, Any], field: str) -> None:
    (error,) = errors_of(as_yaml([entry("fine-one"), entry("the-entry", **change)]))
    assert error.startswith("entry 'the-entry'") and f": {field}: " in error


@pytest.mark.parametrize(
    "text",
    [
        "Open 9 a.m. to 5 p.m.",
        "Weekdays, 24/7 in emergencies",
        "월요일부터 토요일",
        "St. Mary and/or",
    ],
)
def test_ordinary_text_is_not_mistaken_for_a_link(text: str) -> None:
    parse(as_yaml([entry("fine", description={"en": text})]))


def test_an_unquoted_impossible_date_is_an_error_on_its_field() -> None:
    text = as_yaml([entry("the-entry")]).replace(str(RECENT), "2026-02-30")
    (error,) = errors_of(text)
    assert error.startswith("entry 'the-entry'") and ": verified_on: " in error


def test_a_repeated_key_is_an_error_with_its_line() -> None:
    text = as_yaml([entry("the-entry")]).replace(
        "  status: verified\n", "  status: verified\n  status: draft\n"
    )
    (error,) = errors_of(text)
    assert "appears twice" in error and "line 5" in error
