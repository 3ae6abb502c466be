"""Directory file validation: every rule, every error at once, each located."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import signal
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.directory import file_format, schema
from bot.directory.file_format import DirectoryFileInvalid, dump, parse
from bot.directory.schema import TEXT_FIELDS, EntryModel
from tests.directory_data import RECENT, as_yaml, entry, standard_entries
from tests.file_data import hostile_file, large_file


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
        ({"expect": {"en": 5}}, "expect.en"),
        ({"expect": {"en": "x" * 1001}}, "expect"),
        ({"expect": {"english": "They answer."}}, "expect"),
        ({"expect": {"ko": "   "}}, "expect"),
        ({"expect": {"en": "bidi \u202e trick"}}, "expect"),
        ({"expect": ["They answer."]}, "expect"),
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
        "version: 3\nentries: []\n",
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


def test_what_to_expect_is_read_and_written_in_the_formats_order() -> None:
    """Optional, per language, like the description; written between it and the hours."""
    expect = {"en": "A volunteer answers.", "ko": "봉사자가 받습니다.", "zh": "志愿者接听。"}
    text = as_yaml(
        [
            entry(
                "with-expect", description={"en": "Shelter."}, expect=expect, hours={"en": "9-5"}
            ),
            entry("without-expect"),
        ]
    )
    with_expect, without = parse(text).entries
    assert with_expect.expect == expect and without.expect == {}
    assert with_expect.text("expect", "ko") == ("봉사자가 받습니다.", "ko")
    written = yaml.safe_load(dump([with_expect, without]))["entries"]
    assert list(written[0])[6:10] == ["name", "description", "expect", "hours"]
    assert list(written[0]["expect"]) == ["ko", "zh", "en"]
    assert "expect" not in written[1]
    assert parse(dump([with_expect, without])).entries == [with_expect, without]


def test_dump_writes_a_date_shared_by_entries_in_full() -> None:
    shared = dt.date.today()
    entries = [EntryModel.model_validate(entry(f"e-{i}", verified_on=shared)) for i in range(2)]
    assert entries[0].verified_on is entries[1].verified_on
    text = dump(entries)
    assert "&" not in text and "*" not in text, text
    assert dump(parse(text).entries) == text


def test_demo_directory_covers_every_need_everywhere_in_three_languages() -> None:
    from bot.taxonomy import NEEDS, PLACES
    from bot.telegram.demo import demo_directory_text

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
        for field in TEXT_FIELDS:
            texts = getattr(e, field)
            assert not texts or set(texts) == {"ko", "zh", "en"}, (e.id, field, sorted(texts))
        for contact in e.contacts:
            assert "example" in contact.value or set(contact.value) <= set("+0 123456789")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": {"en": "See example.org for more"}}, "name"),
        ({"description": {"en": "Write to help@example.org"}}, "description"),
        ({"description": {"en": "Go to https://x.example.org"}}, "description"),
        ({"hours": {"en": "Ask @someone_else"}}, "hours"),
        ({"expect": {"en": "They may call from +1 or write from x.example.org"}}, "expect"),
        ({"expect": {"zh": "请加 @other_line"}}, "expect"),
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
    (kept,) = parse(as_yaml([entry("fine", description={"en": text})])).entries
    assert kept.description == {"en": text}  # accepted, and kept as written


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


class TooSlow(Exception):
    """Raised by the alarm; not a ValueError, so that pydantic does not take it for a
    validation error."""


@contextlib.contextmanager
def at_most(seconds: float) -> Iterator[None]:
    """Fail instead of hanging when the block runs longer than `seconds`. A generous bound, not
    a timing: the regular-expression engine checks for signals as it works, so the alarm stops
    even a search that would run for minutes."""

    def late(_signum: int, _frame: object) -> None:
        raise TooSlow(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, late)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_a_hostile_file_of_anchors_and_aliases_is_refused_before_it_expands() -> None:
    text = hostile_file()
    assert len(text.encode()) < 4_200
    with at_most(1.0):
        errors = errors_of(text)
    assert len(errors) == 1, errors
    assert errors[0].startswith("entry (number 1, line 3): "), errors
    assert "anchor" in errors[0] and "&e" in errors[0]


_TWO_ENTRIES = """\
version: 1
entries:
- id: first
  status: draft
  categories: [shelter]
  regions: [CN]
  name: {en: First}
  contacts: [{type: wechat, value: first_id}]
- id: second
  status: draft
  categories: [shelter]
  regions: [CN]
  name: {en: Second}
  contacts: [{type: wechat, value: second_id}]
"""


@pytest.mark.parametrize(
    ("old", "new", "where", "field", "mark"),
    [
        (
            "name: {en: First}",
            "name: &n {en: First}",
            "entry 'first' (number 1, line 7)",
            "name",
            "&n",
        ),
        ("name: {en: Second}", "name: *n", "entry 'second' (number 2, line 13)", "name", "*n"),
        (
            "[{type: wechat, value: second_id}]",
            "[&c {type: wechat, value: second_id}]",
            "entry 'second' (number 2, line 14)",
            "contacts[0]",
            "&c",
        ),
        ("- id: second", "- <<: *base\n  id: second", "entry (number 2, line 9)", "<<", "*base"),
        ("version: 1", "version: &v 1", "dir.yaml, line 1", "version", "&v"),
        ("entries:", "entries: &all", "dir.yaml, line 2", "entries", "&all"),
    ],
)
def test_anchors_and_aliases_are_refused_where_they_stand(
    old: str, new: str, where: str, field: str, mark: str
) -> None:
    assert old in _TWO_ENTRIES
    (error,) = errors_of(_TWO_ENTRIES.replace(old, new))
    assert error.startswith(f"{where}: {field}: "), error
    assert mark in error
    assert ("anchor" if mark.startswith("&") else "alias") in error


def test_entries_are_counted_before_any_is_validated() -> None:
    three = [entry(f"fine-{i}") for i in range(3)]
    assert len(parse(as_yaml(three), max_entries=3).entries) == 3
    with pytest.raises(DirectoryFileInvalid) as caught:
        parse(as_yaml([entry(f"Bad Id {i}") for i in range(4)]), "dir.yaml", max_entries=3)
    (error,) = [str(e) for e in caught.value.errors]  # none about the bad ids
    assert error.startswith("dir.yaml: entries: ") and "4" in error and "at most 3" in error


def test_the_default_limit_leaves_room_for_the_largest_directory_measured() -> None:
    # docs/PERFORMANCE.md measures a directory of 100,000 entries.
    assert file_format.MAX_FILE_ENTRIES >= 100_000


def test_a_large_ordinary_file_is_valid() -> None:
    text = large_file()
    assert 900_000 < len(text.encode()) < 1_000_000
    assert len(parse(text).entries) == 200


# Text on which a pattern that backtracks would take time growing with the square of its
# length (or worse): long runs that each look like the start of an address.
_PATHOLOGICAL = {
    "dots": "a." * 50_000,
    "dashes": "a-" * 50_000,
    "pluses": "a+" * 50_000,
    "letters": "a" * 100_000,
    "underscores": "_" * 100_000,
    "dots-and-dashes": "a.-" * 33_334,
    "double-dots": "a.a.." * 20_000,
    "digits": "1." * 50_000,
    "at-signs": "a@" * 50_000,
    "schemes": "a+b.c-" * 16_667 + ":/",
    "hangul": "한." * 50_000,
}


@pytest.mark.parametrize("text", _PATHOLOGICAL.values(), ids=_PATHOLOGICAL.keys())
def test_link_detection_takes_linear_time(text: str) -> None:
    with at_most(2.0):
        assert schema._no_links(text) == text
        with pytest.raises(ValueError, match="tappable"):
            schema._no_links(text + " see example.org")


# The link pattern as it was before it was made linear: the reference for what is tappable.
_BEFORE = re.compile(
    r"(?i)(\b[a-z][a-z0-9+.-]*://|\bwww\.|[\w.+-]+@[\w-]+\.[\w.-]+|(?<![\w@])@[a-z]\w{3,}"
    r"|(?<![\w/<])/[a-z]\w*|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:/|\b))"
)
_PIECES = [
    *"aAz09-._+@/:< \n",
    "www",
    "://",
    "org",
    "co",
    "x1",
    "한",
    "中",
    "é",
    "\u212a",  # KELVIN SIGN, which [a-z] matches when case is ignored
    "\u017f",  # LATIN SMALL LETTER LONG S, likewise
    "\u0130",  # LATIN CAPITAL LETTER I WITH DOT ABOVE
]


@settings(max_examples=4000, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=14).map("".join))
def test_link_detection_flags_exactly_what_it_flagged_before(text: str) -> None:
    try:
        schema._no_links(text)
        flagged = False
    except ValueError:
        flagged = True
    assert flagged == (_BEFORE.search(text) is not None), text


_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=60)


@settings(max_examples=300, deadline=None)
@given(
    texts=st.dictionaries(st.sampled_from(["ko", "zh", "en", "ru"]), _TEXT, min_size=1),
    note=_TEXT,
    value=_TEXT,
)
def test_the_audit_trail_s_yaml_is_the_same_text_whichever_emitter_writes_it(
    texts: dict[str, str], note: str, value: str
) -> None:
    """An import writes its entries' YAML with libyaml's emitter where PyYAML has it, and
    where that writes the same text as PyYAML's own: everywhere but for characters beyond the
    16-bit range (an emoji), which libyaml escapes. Hypothesis draws those too."""
    model = EntryModel.model_construct(
        id="cn-shelter",
        status="verified",
        verified_on=dt.date(2026, 11, 1),
        internal_note=note,
        categories=["shelter"],
        regions=["CN"],
        languages=["ko"],
        name=texts,
        description=texts,
        hours=texts,
        contacts=[schema.ContactModel.model_construct(type="kakaotalk", value=value)],
    )
    data = file_format.entry_to_data(model, internal=True)
    python = yaml.dump(
        data,
        Dumper=file_format.PlainDumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=4096,
    )
    written = file_format.entry_yaml(model)
    assert written == python
    assert yaml.safe_load(written) == data


TRICKY_YAML = """\
version: 1
entries:
- id: tricky
  status: verified
  verified_on: 2026-11-01
  categories: [shelter, escape]
  regions:
  - CN
  languages: [ko, zh, en]
  name: {ko: "쉼터 🏠", zh: '庇护所', en: yes}
  description:
    en: |
      Two lines,
      kept apart.
    ko: >
      folded
      into one
    zh: "tab\\there, quote \\" and a \\u00e9"
  hours: {en: '09:00-18:00', ko: 0x1F, zh: 1_000}
  contacts:
  - {type: phone, value: "+82 2 0000 0000"}
  - type: telegram
    value: '@tricky_handle'
"""


@pytest.mark.parametrize(
    "text",
    [
        as_yaml(standard_entries()),
        large_file(),
        TRICKY_YAML,
        file_format.dump([parse(as_yaml(standard_entries())).entries[0]]),
    ],
    ids=["standard", "large", "tricky", "dumped"],
)
def test_the_fast_reader_builds_what_the_careful_one_does(text: str) -> None:
    """libyaml reads a plain file (the fast path), and builds exactly the data PyYAML's own
    reader does: the same values, types, dates kept as text."""
    assert file_format._plain_yaml(text)
    fast = file_format._load(text)
    careful = yaml.load(text, Loader=file_format._StrictLoader)
    assert fast == careful
    assert [type(v) for v in _leaves(fast)] == [type(v) for v in _leaves(careful)]


def _leaves(data: Any) -> Iterator[Any]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield key
            yield from _leaves(value)
    elif isinstance(data, list):
        for value in data:
            yield from _leaves(value)
    else:
        yield data


@pytest.mark.parametrize("depth", [33, 200_000])
def test_deep_nesting_is_refused_in_words_not_by_a_crash(depth: int) -> None:
    """libyaml would build deep nesting by recursion in C: such a file goes to the careful
    reader, which refuses it calmly however deep it goes."""
    text = "version: 1\nentries: " + "[" * depth + "]" * depth + "\n"
    assert not file_format._plain_yaml(text)
    with pytest.raises(DirectoryFileInvalid) as caught:
        parse(text)
    assert caught.value.errors  # located and worded, whatever it found first


def test_a_repeated_key_is_found_on_the_fast_path_too() -> None:
    text = as_yaml([entry("one")]).replace(
        "  status: verified\n", "  status: verified\n  status: draft\n"
    )
    assert file_format._plain_yaml(text)
    with pytest.raises(DirectoryFileInvalid) as caught:
        parse(text)
    [error] = [str(e) for e in caught.value.errors]
    assert "the key 'status' appears twice" in error and "line 5" in error


_SCALARS = st.one_of(
    st.text(max_size=20), st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False)
)
_DATA = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=200, derandomize=True)
@given(data=_DATA, style=st.sampled_from([None, False, True]))
def test_both_readers_agree_on_any_written_data(data: Any, style: bool | None) -> None:
    """Whatever YAML PyYAML writes, in any style, both readers build the same data from it."""
    text = yaml.safe_dump(
        {"version": 1, "entries": [data]}, default_flow_style=style, allow_unicode=True
    )
    careful = yaml.load(text, Loader=file_format._StrictLoader)
    assert file_format._plain_yaml(text)
    assert file_format._load(text) == careful
