"""The directory file format (YAML, version 1): parsing, validation and writing.

Volunteers edit these files by hand and keep them in git, so validation reports every error
at once, each with the entry id (or its position and line) and the field; and writing is
stable, the same directory always giving the same bytes, so that a diff shows only real change.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal, NoReturn

import yaml
from babel import Locale
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from bot.menus.callback import ENTRY_ID_MAX, ENTRY_ID_PATTERN
from bot.taxonomy import CONTACT_TYPES, NEEDS, REGION_CODES, USER_LANGUAGES

FORMAT_VERSION = 1
# Entries are counted before any is validated. Twice the largest directory the project
# measures (100,000 entries, docs/PERFORMANCE.md); the desk's uploads allow far fewer.
MAX_FILE_ENTRIES = 200_000
TEXT_FIELDS = ("name", "description", "hours")
TEXT_LIMITS = {"name": 200, "description": 4000, "hours": 500}
STATUSES = ("draft", "verified", "archived")

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
    hours: _texts("hours") = {}  # type: ignore[valid-type]
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


class DirectoryFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: Literal[1]
    entries: list[EntryModel]

    @model_validator(mode="after")
    def _unique_ids(self) -> DirectoryFile:
        seen: set[str] = set()
        for entry in self.entries:
            if entry.id in seen:
                raise ValueError(f"entry id {entry.id!r} is used more than once")
            seen.add(entry.id)
        return self


@dataclass(frozen=True)
class FileError:
    """One problem in a directory file, located as precisely as the file allows."""

    where: str
    field: str
    message: str

    def __str__(self) -> str:
        return (
            f"{self.where}: {self.field}: {self.message}"
            if self.field
            else f"{self.where}: {self.message}"
        )


class DirectoryFileInvalid(Exception):
    def __init__(self, errors: list[FileError]) -> None:
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


class TooManyEntries(DirectoryFileInvalid):
    """More entries than allowed: refused before any entry is validated."""

    def __init__(self, source: str, count: int, limit: int) -> None:
        message = f"has {count} entries; a file may have at most {limit}"
        super().__init__([FileError(source, "entries", message)])
        self.count = count
        self.limit = limit


class _AnchorFound(Exception):
    """A YAML anchor or alias, met while composing, before anything is expanded."""

    def __init__(self, path: list[str | int], entry_id: str | None, line: int, what: str):
        super().__init__(what)
        self.path = path
        self.entry_id = entry_id
        self.line = line
        self.what = what


class _StrictLoader(yaml.SafeLoader):
    """YAML without surprises: a repeated key is an error (PyYAML would keep the last one
    silently); dates stay text so that a bad date is reported on its field instead of
    crashing the parser; and anchors (&) and aliases (*) are refused as they are met. An alias
    repeats a whole value without its text being repeated, so a few kilobytes of aliases can
    stand for gigabytes of text to validate; hand-written directory files never need them."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        # (parent, index) of each node being composed, outermost first: the way to a node.
        self._composing: list[tuple[yaml.Node | None, Any]] = []

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent):
            self._refuse(parent, index, f"is a YAML alias (*{event.anchor})", event)
        if getattr(event, "anchor", None) is not None:
            self._refuse(parent, index, f"has a YAML anchor (&{event.anchor})", event)
        self._composing.append((parent, index))
        try:
            return super().compose_node(parent, index)
        finally:
            self._composing.pop()

    def _refuse(self, parent: yaml.Node | None, index: Any, what: str, event: Any) -> NoReturn:
        frames = [*self._composing[1:], (parent, index)]
        path: list[str | int] = []
        for _parent, step in frames:
            if isinstance(step, int):
                path.append(step)
            elif isinstance(step, yaml.ScalarNode):
                path.append(str(step.value))
            elif step is None:  # the anchor is on a key: the mapping holding it is the place
                break
            else:
                path.append("?")
        entry_id = None
        if len(frames) > 2 and path[:1] == ["entries"] and isinstance(frames[2][0], yaml.Node):
            for key, value in frames[2][0].value:
                if getattr(key, "value", None) == "id" and isinstance(value, yaml.ScalarNode):
                    entry_id = str(value.value)
        raise _AnchorFound(path, entry_id, event.start_mark.line + 1, what)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} appears twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _anchor_error(found: _AnchorFound, source: str) -> FileError:
    """Where the anchor or alias stands, in the words the validator uses for other errors."""
    message = f"{found.what}; anchors and aliases are not allowed: write each value out in full"
    path = found.path
    if len(path) >= 2 and path[0] == "entries" and isinstance(path[1], int):
        label = f"entry {found.entry_id!r}" if found.entry_id is not None else "entry"
        where = f"{label} (number {path[1] + 1}, line {found.line})"
        return FileError(where, _field_path(tuple(path[2:])), message)
    return FileError(f"{source}, line {found.line}", _field_path(tuple(path)), message)


def _entry_lines(text: str) -> list[int]:
    """1-based line of each item under `entries`, for error messages; empty if unknown."""
    try:
        root = yaml.compose(text, Loader=_StrictLoader)
    except (yaml.YAMLError, RecursionError):
        return []
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if getattr(key, "value", None) == "entries" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _field_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part.startswith(("function-after", "function-before", "literal[")):
            continue
        else:
            path += f".{part}" if path else part
    return path


def parse(text: str, source: str = "file", *, max_entries: int = MAX_FILE_ENTRIES) -> DirectoryFile:
    """Parse and validate a directory file; raise DirectoryFileInvalid listing every error.
    A file with more than `max_entries` entries is refused before any entry is validated."""
    try:
        # _StrictLoader is a SafeLoader subclass: no object can be built from the file.
        raw = yaml.load(text, Loader=_StrictLoader)  # nosec B506
    except _AnchorFound as found:
        raise DirectoryFileInvalid([_anchor_error(found, source)]) from None
    except RecursionError:  # thousands of nested brackets
        raise DirectoryFileInvalid(
            [FileError(source, "", "not valid YAML: nested too deeply")]
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}, line {mark.line + 1}" if mark is not None else source
        problem = getattr(exc, "problem", None) or "is not valid YAML"
        raise DirectoryFileInvalid([FileError(where, "", f"not valid YAML: {problem}")]) from None
    if not isinstance(raw, dict):
        raise DirectoryFileInvalid(
            [FileError(source, "", "must be a mapping with 'version' and 'entries'")]
        )
    entries = raw.get("entries")
    if isinstance(entries, list) and len(entries) > max_entries:
        raise TooManyEntries(source, len(entries), max_entries)
    try:
        return DirectoryFile.model_validate(raw)
    except ValidationError as exc:
        raise DirectoryFileInvalid(_locate(exc, raw, _entry_lines(text), source)) from None


def _locate(
    exc: ValidationError, raw: dict[str, Any], lines: list[int], source: str
) -> list[FileError]:
    found = raw.get("entries")
    entries: list[Any] = found if isinstance(found, list) else []
    errors = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        message = str(error["msg"]).removeprefix("Value error, ")
        if len(loc) >= 2 and loc[0] == "entries" and isinstance(loc[1], int):
            index = loc[1]
            item = entries[index] if index < len(entries) else None
            entry_id = item.get("id") if isinstance(item, dict) else None
            line = f", line {lines[index]}" if index < len(lines) else ""
            label = f"entry {entry_id!r}" if isinstance(entry_id, str) else "entry"
            where = f"{label} (number {index + 1}{line})"
            field = _field_path(loc[2:])
            errors.append(FileError(where, field, message))
        else:
            errors.append(FileError(source, _field_path(loc), message))
    return errors


class PlainDumper(yaml.SafeDumper):
    """Writes each value out in full, never as an anchor and aliases (PyYAML would alias a
    date shared by two entries), so that what the bot writes, its own loader reads back."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _ordered_texts(texts: dict[str, str]) -> dict[str, str]:
    order = {lang: i for i, lang in enumerate(USER_LANGUAGES)}
    return {k: texts[k] for k in sorted(texts, key=lambda k: (order.get(k, len(order)), k))}


def entry_to_data(entry: EntryModel, *, internal: bool = False) -> dict[str, Any]:
    """An entry as plain data in the file's key order, omitting empty optional fields; the
    staff-only note only when asked for."""
    data: dict[str, Any] = {"id": entry.id, "status": entry.status}
    if entry.verified_on is not None:
        data["verified_on"] = entry.verified_on
    data["categories"] = list(entry.categories)
    data["regions"] = list(entry.regions)
    data["languages"] = list(entry.languages)
    for field in TEXT_FIELDS:
        texts = getattr(entry, field)
        if texts or field == "name":
            data[field] = _ordered_texts(texts)
    data["contacts"] = [{"type": c.type, "value": c.value} for c in entry.contacts]
    if internal and entry.internal_note:
        data["internal_note"] = entry.internal_note
    return data


def entry_yaml(entry: EntryModel) -> str:
    """One entry in the file's form, staff note included, for the audit trail and diffs."""
    return yaml.dump(
        entry_to_data(entry, internal=True),
        Dumper=PlainDumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=4096,  # one line per value, so that a diff shows the value that changed
    )


def dump(entries: list[EntryModel], *, internal: bool = False) -> str:
    """The stable YAML text of a directory: entries by id, keys in the format's order."""
    document = {
        "version": FORMAT_VERSION,
        "entries": [
            entry_to_data(e, internal=internal) for e in sorted(entries, key=lambda e: e.id)
        ],
    }
    return yaml.dump(
        document,
        Dumper=PlainDumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=100,
    )


assert set(CONTACT_TYPES) == set(_CONTACT_PATTERNS)
