"""The glossary (locales/GLOSSARY.md) holds: no catalog, and no text of the demo directory,
uses a word the glossary says to avoid; and where a text names one of Telegram's own buttons,
Korean and Chinese give its English label too.

The glossary is read as its readers read it, from its Markdown tables, so that the words a
translator sees there are the words this test checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.directory.file_format import parse
from bot.directory.schema import TEXT_FIELDS
from bot.taxonomy import USER_LANGUAGES
from bot.telegram.demo import demo_directory_text

PROJECT = Path(__file__).resolve().parent.parent
GLOSSARY = PROJECT / "locales" / "GLOSSARY.md"

_ITEM = re.compile(
    r"(?P<lang>ko|zh|en) (?P<word>[^\[\]]+?)"
    r"(?: \[in: (?P<scope>[^\]]+)\])?"
    r"(?: \[not in: (?P<legit>[^\]]+)\])?"
)


@dataclass(frozen=True)
class Avoid:
    """One word not to use: in one language, in messages whose English has a word beginning
    with one of `scope` (every message if empty), unless it is part of one of `legit`."""

    term: str
    lang: str
    word: str
    scope: tuple[str, ...] = ()
    legit: tuple[str, ...] = ()

    def applies_to(self, msgid: str) -> bool:
        """Whether the English names this sense: a word of the message begins with a scope
        word, with its letter case (so "Remove" is not "were removed")."""
        if not self.scope:
            return True
        return any(re.search(rf"(?<![A-Za-z]){re.escape(w)}", msgid) for w in self.scope)

    def found_in(self, text: str) -> bool:
        """Whether `text` uses the word, other than inside a longer word that is right.
        English: a whole word, any letter case, with a plural -s or -es. Korean and Chinese:
        anywhere, as they write compounds without spaces."""
        if self.lang == "en":
            pattern = re.compile(rf"\b{re.escape(self.word)}(?:e?s)?\b", re.IGNORECASE)
        else:
            pattern = re.compile(re.escape(self.word))
        flags = re.IGNORECASE if self.lang == "en" else 0
        allowed = [
            match.span()
            for longer in self.legit
            for match in re.finditer(re.escape(longer), text, flags)
        ]
        for match in pattern.finditer(text):
            start, end = match.span()
            if not any(a <= start and end <= b for a, b in allowed):
                return True
        return False


def _table(section: str) -> list[dict[str, str]]:
    """The Markdown table under the heading `## {section}`, as rows by column name."""
    text = GLOSSARY.read_text("utf-8")
    body = text.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    lines = [line.strip() for line in body.splitlines() if line.strip().startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    rows = []
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        assert len(cells) == len(header), f"glossary row has {len(cells)} cells: {line}"
        rows.append(dict(zip(header, cells, strict=True)))
    return rows


def _avoid_items(term: str, cell: str) -> list[Avoid]:
    if cell in ("", "—"):
        return []
    found = []
    for item in cell.split(";"):
        match = _ITEM.fullmatch(item.strip())
        assert match, f"glossary, {term!r}: cannot read the avoid item {item.strip()!r}"

        def words(group: str | None) -> tuple[str, ...]:
            return tuple(w.strip() for w in group.split(",")) if group else ()

        found.append(
            Avoid(
                term,
                match["lang"],
                match["word"].strip(),
                words(match["scope"]),
                words(match["legit"]),
            )
        )
    return found


def terms() -> list[dict[str, str]]:
    return _table("Terms")


def avoided() -> list[Avoid]:
    return [item for row in terms() for item in _avoid_items(row["term"], row["avoid"])]


def catalog(lang: str) -> list[tuple[str, list[str]]]:
    """(the English, every translated form) of each message of `lang`'s catalog."""
    path = PROJECT / "locales" / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        messages = [m for m in read_po(handle, locale=lang) if m.id]
    found = []
    for message in messages:
        english = message.id if isinstance(message.id, str) else " ".join(message.id)
        forms = [message.string] if isinstance(message.string, str) else list(message.string)
        found.append((english, [form for form in forms if form]))
    return found


def test_the_glossary_gives_every_term_in_three_languages() -> None:
    rows = terms()
    assert len(rows) >= 20
    for row in rows:
        for lang in USER_LANGUAGES:
            assert row[lang] not in ("", "—"), (row["term"], lang)
    names = [row["term"] for row in rows]
    assert len(names) == len(set(names))
    for item in avoided():
        if not item.scope:
            own = next(row[item.lang] for row in rows if row["term"] == item.term)
            assert not item.found_in(own), f"{item.term}: {item.word!r} is in its own word {own!r}"


def test_the_glossary_names_the_words_the_review_found() -> None:
    """The words a bilingual review found used for one thing in two ways are all listed."""
    listed = {(item.lang, item.word) for item in avoided()}
    for wrong in (("zh", "联系方法"), ("zh", "核对"), ("ko", "지우기"), ("zh", "韩语")):
        assert wrong in listed, wrong


def test_no_catalog_uses_a_word_to_avoid() -> None:
    wrong: dict[str, list[str]] = {}
    items = avoided()
    for lang in USER_LANGUAGES:
        for english, forms in catalog(lang):
            for item in items:
                if item.lang != lang or not item.applies_to(english):
                    continue
                if any(item.found_in(form) for form in forms):
                    where = f"{lang}: {english!r} uses {item.word!r}"
                    wrong.setdefault(where, []).append(item.term)
    assert not wrong, "\n".join(f"{where} ({', '.join(t)})" for where, t in wrong.items())


def test_no_demo_directory_text_uses_a_word_to_avoid() -> None:
    """The demo directory's texts are read by users of the demo, and copied by volunteers
    writing real entries: the same words. Items bound to a message's English do not apply."""
    wrong = []
    items = [item for item in avoided() if not item.scope]
    for entry in parse(demo_directory_text()).entries:
        for field in TEXT_FIELDS:
            texts: dict[str, str] = getattr(entry, field)
            for lang, text in texts.items():
                for item in items:
                    if item.lang == lang and item.found_in(text):
                        wrong.append(f"{entry.id} {field} {lang}: uses {item.word!r} ({item.term})")
    assert not wrong, "\n".join(wrong)


def test_telegrams_own_labels_are_given_in_english_too() -> None:
    labels = _table("Telegram's own labels")
    assert {row["en"] for row in labels} >= {"Archive", "Auto-Delete"}
    by_id = {lang: dict((e, f) for e, f in catalog(lang)) for lang in ("ko", "zh")}
    missing = []
    for row in labels:
        english = row["en"]
        named = [e for e in by_id["ko"] if re.search(rf"(?<![A-Za-z]){re.escape(english)}", e)]
        if not named:
            missing.append(f"no message names Telegram's {english!r}")
        for lang in ("ko", "zh"):
            for msgid in named:
                for form in by_id[lang][msgid]:
                    if row[lang] not in form or english not in form:
                        missing.append(f"{lang}: {msgid!r} lacks {row[lang]!r} or {english!r}")
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize(
    ("item", "text", "found"),
    [
        (Avoid("t", "zh", "联系方法"), "查看联系方法。", True),
        (Avoid("t", "zh", "联系方法"), "查看联系方式。", False),
        (Avoid("t", "en", "center"), "the Help Centers", True),
        (Avoid("t", "en", "center"), "centered", False),
        (
            Avoid("t", "en", "center", legit=("seoul-family-center",)),
            "e.g. seoul-family-center",
            False,
        ),
        (
            Avoid("t", "en", "center", legit=("seoul-family-center",)),
            "seoul-family-center, center",
            True,
        ),
        (Avoid("t", "ko", "콜", legit=("프로토콜",)), "프로토콜", False),
        (Avoid("t", "ko", "콜", legit=("프로토콜",)), "콜 하십시오", True),
    ],
)
def test_a_word_is_found_where_it_is_used_and_not_inside_a_right_one(
    item: Avoid, text: str, found: bool
) -> None:
    assert item.found_in(text) is found


def test_a_scoped_word_is_checked_only_where_the_english_has_that_sense() -> None:
    remove = Avoid("Remove (staff)", "ko", "지우기", scope=("Remove",))
    assert remove.applies_to("Remove the note") and remove.applies_to("Removed.")
    assert not remove.applies_to("Erase this chat")
    assert not remove.applies_to("The newest were removed from this chat.")
