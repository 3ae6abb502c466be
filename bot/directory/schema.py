"""What a directory entry is: the models of the file format (version 2; version 1 is the
same without `opening`) and the rules each field follows.

The models are what a file is validated against and what screens render, so every rule a
volunteer's file must meet is here, with the message she will read when it is broken: text
that Telegram would make tappable, control characters, unknown languages, contacts that do not
look like their type.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from babel import Locale
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from bot.directory import hours as opening_hours
from bot.taxonomy import (
    CONTACT_TYPES,
    ENTRY_ID_MAX,
    ENTRY_ID_PATTERN,
    NEEDS,
    REGION_CODES,
)

TEXT_FIELDS = ("name", "description", "expect", "hours")
TEXT_LIMITS = {"name": 200, "description": 4000, "expect": 1000, "hours": 500}
STATUSES = ("draft", "verified", "archived")
FILE_VERSIONS = (1, 2)
OPENING_SINCE = 2  # the first file version with structured opening hours (`opening`)
OPENING_RULE_MAX = 500

_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_LANG = re.compile(r"^[a-z]{2}$")
# Two-letter codes that CLDR (through Babel) knows as languages.
_KNOWN_LANGUAGES = frozenset(str(code) for code in Locale("en").languages if _LANG.match(str(code)))
_CONTACT_PATTERNS = {
    "phone": re.compile(r"^\+?[0-9][0-9 ()-]{3,28}[0-9]$"),
    "signal": re.compile(r"^\+?[0-9][0-9 ()-]{3,28}[0-9]$"),
    "telegram": re.compile(r"^@[A-Za-z][A-Za-z0-9_]{3,31}$"),
    "website": re.compile(r"^https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(:\d{1,5})?(/[!#-&(-;=?-~]*)?$"),
    "email": re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$"),
    "kakaotalk": re.compile(r"^[A-Za-z0-9_.-]{2,64}$"),
    "wechat": re.compile(r"^[A-Za-z0-9_.-]{2,64}$"),
}
_CONTACT_HINTS = {
    "phone": "a phone number of digits, spaces, brackets and dashes, such as +82 2 000 0000",
    "signal": "a phone number of digits, spaces, brackets and dashes, such as +82 10 000 0000",
    "telegram": "a Telegram handle such as @example_handle",
    "website": "a web address starting with https://, in plain letters and digits",
    "email": "an email address such as help@example.org",
    "kakaotalk": "a KakaoTalk id of letters, digits, '.', '_' or '-'",
    "wechat": "a WeChat id of letters, digits, '.', '_' or '-'",
}


# What Telegram would turn into something tappable: links, bare domains, e-mail addresses,
# @handles and /commands. Text fields must not carry them (contacts are the place for them).
#
# The pattern runs in time linear in the text. A search tries every position in turn, so a
# part that scans a run of characters must start only where that run starts (the lookbehinds)
# and must never give back what it took (possessive `*+`, atomic `(?>...)`); where the run may
# begin before a word boundary, the earliest boundary in it stands for all the later ones,
# which could only reach the same ends. It matches exactly the texts the plainer pattern
# `\b[a-z][a-z0-9+.-]*://|\bwww\.|[\w.+-]+@[\w-]+\.[\w.-]+|(?<![\w@])@[a-z]\w{3,}
# |(?<![\w/<])/[a-z]\w*|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:/|\b)` matched, which
# took quadratic time on a long run such as "a-a-a-..." (tests/test_directory_file.py).
_TAPPABLE = re.compile(
    r"(?i)("
    # a scheme such as https:// (letters, digits, '+', '.', '-', from a word boundary)
    r"(?<![a-z0-9+.-])(?>[a-z0-9+.-]*?\b[a-z])[a-z0-9+.-]*+://"
    r"|\bwww\."
    # an e-mail address
    r"|(?<![\w.+-])[\w.+-]++@[\w-]++\.[\w.-]+"
    # an @handle, a /command
    r"|(?<![\w@])@[a-z]\w{3,}"
    r"|(?<![\w/<])/[a-z]\w*"
    # a bare domain: labels joined by single dots, from a word boundary, ending in letters
    r"|(?<![a-z0-9-])(?<![a-z0-9-]\.)(?>(?:[a-z0-9-]|\.(?=[a-z0-9-]))*?\b(?=[a-z0-9-]))"
    r"[a-z0-9-]+(?:\.[a-z0-9-]+)*?\.[a-z]{2,}(?:/|\b)"
    r")"
)


def _no_control(text: str) -> str:
    if _CONTROL.search(text):
        raise ValueError("contains control or direction-changing characters")
    return text


def _no_links(text: str) -> str:
    found = _TAPPABLE.search(text)
    if found:
        raise ValueError(
            f"contains {found.group(0)!r}, which Telegram would make tappable;"
            " put links, addresses and handles under contacts"
        )
    return text


def _date_only(value: object) -> object:
    if isinstance(value, dt.datetime):
        raise ValueError("must be a date such as 2026-11-01, without a time")
    if isinstance(value, dt.date) or value is None:
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value
    raise ValueError("must be a date such as 2026-11-01")


def _unique(items: list[Any]) -> list[Any]:
    if len(set(items)) != len(items):
        raise ValueError("lists the same value twice")
    return items


def _texts(field: str) -> Any:
    limit = TEXT_LIMITS[field]

    def check(texts: dict[str, str]) -> dict[str, str]:
        for lang, text in texts.items():
            if not _LANG.match(lang) or lang not in _KNOWN_LANGUAGES:
                raise ValueError(f"language {lang!r} is not a two-letter ISO 639-1 code")
            if not text.strip():
                raise ValueError(f"the {lang!r} text is empty")
            if len(text) > limit:
                raise ValueError(f"the {lang!r} text is longer than {limit} characters")
            _no_control(text.replace("\n", " "))
            _no_links(text)
        return texts

    return Annotated[dict[str, str], AfterValidator(check)]


def _entry_id(value: str) -> str:
    if not re.fullmatch(ENTRY_ID_PATTERN, value):
        raise ValueError(
            "must be lowercase letters, digits and '-', starting and ending with a letter or"
            f" digit, at most {ENTRY_ID_MAX} characters"
        )
    return value


def _language_code(value: str) -> str:
    if not _LANG.match(value) or value not in _KNOWN_LANGUAGES:
        raise ValueError(f"{value!r} is not a two-letter ISO 639-1 language code")
    return value


def is_entry_id(value: str) -> bool:
    return len(value) <= ENTRY_ID_MAX and re.fullmatch(ENTRY_ID_PATTERN, value) is not None


def known_languages() -> frozenset[str]:
    """Two-letter ISO 639-1 codes that a file may name."""
    return _KNOWN_LANGUAGES


EntryId = Annotated[str, Field(max_length=ENTRY_ID_MAX), AfterValidator(_entry_id)]
LanguageCode = Annotated[str, AfterValidator(_language_code)]


class ContactModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["phone", "telegram", "website", "email", "kakaotalk", "wechat", "signal"]
    value: Annotated[str, Field(min_length=1, max_length=200)]

    @model_validator(mode="after")
    def _value_fits_type(self) -> ContactModel:
        if not _CONTACT_PATTERNS[self.type].fullmatch(self.value):
            raise ValueError(f"value must be {_CONTACT_HINTS[self.type]}")
        return self


class OpeningModel(BaseModel):
    """Structured opening hours, beside the free-text `hours` note: the weekly rule in
    OpenStreetMap's `opening_hours` notation, the service's time zone, and the country whose
    public holidays close it (only with a rule ending in `PH off`). `bot.directory.hours`
    checks and reads them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: Annotated[str, Field(min_length=1, max_length=OPENING_RULE_MAX)]
    zone: Annotated[str, Field(min_length=1, max_length=64)]
    holidays: Annotated[str | None, Field(pattern=r"^[A-Z]{2}$")] = None

    @field_validator("rule")
    @classmethod
    def _plain_rule(cls, value: str) -> str:
        return _no_control(value)

    @field_validator("zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            opening_hours.check_zone(value)
        except opening_hours.HoursError as exc:
            raise ValueError(str(exc)) from None
        return value

    @model_validator(mode="after")
    def _readable(self) -> OpeningModel:
        try:
            opening_hours.check(self.rule, self.zone, self.holidays)
        except opening_hours.HoursError as exc:
            raise ValueError(str(exc)) from None
        return self

    def as_hours(self) -> opening_hours.Hours:
        return opening_hours.Hours(self.rule, self.zone, self.holidays)


class EntryModel(BaseModel):
    """One entry, exactly as the file format defines it; also what screens render."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: EntryId
    status: Literal["draft", "verified", "archived"]
    verified_on: Annotated[
        dt.date | None, BeforeValidator(_date_only), Field(validate_default=True)
    ] = None
    categories: Annotated[
        list[Literal[NEEDS]], Field(min_length=1), AfterValidator(_unique)  # type: ignore[valid-type]
    ]
    regions: Annotated[
        list[Literal[REGION_CODES]], Field(min_length=1), AfterValidator(_unique)  # type: ignore[valid-type]
    ]
    languages: Annotated[list[LanguageCode], Field(max_length=20), AfterValidator(_unique)] = []
    name: Annotated[_texts("name"), Field(min_length=1)]  # type: ignore[valid-type]
    description: _texts("description") = {}  # type: ignore[valid-type]
    # What happens when she makes contact: who answers, what they will ask, that they never
    # call or write first. Shown on the card under the description.
    expect: _texts("expect") = {}  # type: ignore[valid-type]
    hours: _texts("hours") = {}  # type: ignore[valid-type]
    opening: OpeningModel | None = None  # structured hours, from file version 2 on
    contacts: Annotated[list[ContactModel], Field(min_length=1, max_length=12)]
    # Staff only (who to ask, how it was checked); never shown to users, exported only on
    # request. Absent from a file means "keep the note the directory has"; "" clears it.
    internal_note: Annotated[str | None, Field(max_length=2000)] = None

    @field_validator("internal_note")
    @classmethod
    def _note(cls, value: str | None) -> str | None:
        if value is not None:
            _no_control(value.replace("\n", " "))
        return value

    @field_validator("opening")
    @classmethod
    def _opening_needs_version_2(
        cls, value: OpeningModel | None, info: ValidationInfo
    ) -> OpeningModel | None:
        version = (info.context or {}).get("version")
        if value is not None and isinstance(version, int) and version < OPENING_SINCE:
            raise ValueError(f"needs 'version: {OPENING_SINCE}' at the top of the file")
        return value

    @field_validator("verified_on")
    @classmethod
    def _verified_has_date(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        if value is None and info.data.get("status") == "verified":
            raise ValueError("is required when status is verified")
        if value is not None and value > dt.date.today() + dt.timedelta(days=1):
            raise ValueError("is in the future")
        return value

    def text(self, field: str, lang: str) -> tuple[str, str] | None:
        """Text of `field` in `lang`, else English, else any language: (text, its language)."""
        texts: dict[str, str] = getattr(self, field)
        for candidate in (lang, "en", *sorted(texts)):
            if candidate in texts:
                return texts[candidate], candidate
        return None


def opening_text(entry: EntryModel | None) -> str:
    """An entry's structured hours as lines of `key: value` (for the audit trail); ""."""
    if entry is None or entry.opening is None:
        return ""
    return "\n".join(f"{k}: {v}" for k, v in entry.opening.model_dump(exclude_none=True).items())


class DirectoryFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: Literal[1, 2]
    entries: list[EntryModel]

    @model_validator(mode="after")
    def _unique_ids(self) -> DirectoryFile:
        seen: set[str] = set()
        for entry in self.entries:
            if entry.id in seen:
                raise ValueError(f"entry id {entry.id!r} is used more than once")
            seen.add(entry.id)
        return self


assert set(CONTACT_TYPES) == set(_CONTACT_PATTERNS)
