"""Gettext catalogs for the three user languages, loaded once and checked as they load; and
what each language writes its own way around the catalogs' words: the names of languages, and
the punctuation the code puts between parts it joins.

Babel falls back to the English source text when a catalog is missing or empty, which would
show a Korean user English without anyone noticing; so loading compiles each `.po` file in
memory and refuses a catalog that is absent, empty or holds fuzzy entries.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

from babel import Locale
from babel.dates import format_date, format_skeleton, get_day_names, get_timezone_location
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from bot.taxonomy import USER_LANGUAGES

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"


# Where CLDR's name of a language (Babel's `Locale.languages`) does not suit these readers, by
# (the reader's language, the language named). On the mainland the Korean language is 朝鲜语;
# CLDR's 韩语 is the South's word. A reader from the North calls it 조선말.
LANGUAGE_NAMES: Final = {
    ("zh", "ko"): "朝鲜语",
    ("ko", "ko"): "한국어(조선말)",
}


@dataclass(frozen=True, slots=True)
class Punctuation:
    """What a language puts between the parts the code joins, where a catalog holds the parts
    but not what joins them: after a label, between the items of a list, between two sentences
    of one paragraph, and around a note in brackets."""

    after_label: str
    between_items: str
    between_sentences: str
    before_note: str
    note_open: str
    note_close: str


# Chinese: a full-width colon after a label, 、 between items, full-width brackets, and no space
# after a sentence (full-width marks carry their own). Babel's list patterns were weighed: its
# Chinese puts 和 before the last item, its Korean 및 (a word of forms and notices) and its
# English ", and"; a list of languages on a card reads plainer as a bare enumeration.
PUNCTUATION: Final = {
    "ko": Punctuation(": ", ", ", " ", " ", "(", ")"),
    "zh": Punctuation("：", "、", "", "", "（", "）"),
    "en": Punctuation(": ", ", ", " ", " ", "(", ")"),
}


class CatalogError(Exception):
    """A catalog is missing, empty, fuzzy or unreadable."""


def catalog_path(lang: str) -> Path:
    return LOCALES_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(lang: str) -> Catalog:
    path = catalog_path(lang)
    if not path.is_file():
        raise CatalogError(f"catalog for {lang!r} is missing: {path}")
    with path.open("rb") as handle:
        return read_po(handle, locale=lang)


def _translated(string: str | tuple[str, ...] | list[str] | None) -> bool:
    forms = (string,) if isinstance(string, str) else tuple(string or ())
    return bool(forms) and all(form.strip() for form in forms)


@cache
def translations(lang: str) -> Translations:
    """Compile the catalog of `lang` to gettext form, refusing incomplete ones."""
    if lang not in USER_LANGUAGES:
        raise CatalogError(f"no catalog for language {lang!r}")
    catalog = read_catalog(lang)
    messages = [m for m in catalog if m.id]
    if not messages:
        raise CatalogError(f"catalog for {lang!r} is empty")
    fuzzy = [m.id for m in messages if m.fuzzy]
    untranslated = [m.id for m in messages if not _translated(m.string)]
    if fuzzy or untranslated:
        raise CatalogError(
            f"catalog for {lang!r} has {len(fuzzy)} fuzzy and {len(untranslated)} untranslated"
            " messages"
        )
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def load_all() -> None:
    """Load every catalog now, so that a broken one stops start-up instead of a user's tap."""
    for lang in USER_LANGUAGES:
        translations(lang)


@dataclass(frozen=True, slots=True)
class Texts:
    """Everything a screen needs to speak one language."""

    lang: str

    def gettext(self, message: str) -> str:
        return translations(self.lang).ugettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return translations(self.lang).ungettext(singular, plural, n)

    def date(self, day: dt.date) -> str:
        return format_date(day, format="long", locale=self.lang)

    def clock(self, moment: dt.datetime) -> str:
        """A time of day on the 24-hour clock, as this language writes it (the hours a card
        gives are written so in the directory too), in `moment`'s own zone."""
        return format_skeleton("Hm", moment, tzinfo=moment.tzinfo, locale=self.lang)

    def weekday(self, day: dt.date) -> str:
        """The day of the week, in full: "Monday", "월요일", "星期一"."""
        return str(get_day_names("wide", locale=self.lang)[day.weekday()])

    def day_and_month(self, day: dt.date) -> str:
        """A day further than a week off, with its weekday: "Mon, Dec 21", "12월 21일 (월)"."""
        return format_skeleton("MMMEd", day, locale=self.lang)

    def zone_place(self, zone: str) -> str:
        """A time zone by the country it is in: "Thailand Time", "태국 시간", "泰国时间"."""
        return get_timezone_location(zone, locale=self.lang)

    def language_name(self, code: str) -> str:
        """The name of language `code` in this language: LANGUAGE_NAMES where it names one,
        else Babel's CLDR data, else the code."""
        own = LANGUAGE_NAMES.get((self.lang, code))
        if own is not None:
            return own
        try:
            names = Locale.parse(self.lang).languages
        except (ValueError, LookupError):
            return code
        return str(names.get(code, code))

    @property
    def punctuation(self) -> Punctuation:
        return PUNCTUATION[self.lang]

    def labelled(self, label: str, value: str) -> str:
        """A value after its label: "Phone: …", "电话：…"."""
        return label + self.punctuation.after_label + value

    def listing(self, items: list[str]) -> str:
        """Items one after another: "Korean, Chinese", "朝鲜语、中文"."""
        return self.punctuation.between_items.join(items)

    def sentences(self, *parts: str) -> str:
        """Sentences of one paragraph, as this language spaces them (Chinese does not)."""
        return self.punctuation.between_sentences.join(part for part in parts if part)

    def note(self, text: str) -> str:
        """A short note in brackets, without the space before it: "(English)", "（英语）"."""
        return self.punctuation.note_open + text + self.punctuation.note_close


def self_name(lang: str) -> str:
    """A user language named in itself, for the language buttons: she finds her own language
    by its name whatever the language of the screen."""
    return Texts(lang).language_name(lang)
