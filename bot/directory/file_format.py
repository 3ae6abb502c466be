"""Reading and writing the directory file (YAML, version 2; version 1 files are read too).

Volunteers edit these files by hand and keep them in git, so reading reports every error at
once, each with the entry id (or its position and line) and the field; and writing is stable,
the same directory always giving the same bytes, so that a diff shows only real change. What
a valid entry is, field by field, is `bot.directory.schema`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, NoReturn

import yaml
from pydantic import ValidationError

from bot.directory.schema import TEXT_FIELDS, DirectoryFile, EntryModel
from bot.taxonomy import USER_LANGUAGES

FORMAT_VERSION = 2  # what is written; every version in schema.FILE_VERSIONS is read
# Entries are counted before any is validated. Twice the largest directory the project
# measures (100,000 entries, docs/PERFORMANCE.md); the desk's uploads allow far fewer.
MAX_FILE_ENTRIES = 200_000


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


# Deeper than any directory file goes (an entry's contacts are four levels down). libyaml
# composes nodes by recursion in C and stops at 1,000 levels with its own words; a file this
# deep takes the careful reader instead, which refuses it in the words it always has.
_FAST_MAX_DEPTH = 32

if yaml.__with_libyaml__:  # PyYAML's wheels carry libyaml

    class _FastStrictLoader(yaml.CSafeLoader):
        """_StrictLoader's rules (a repeated key is an error, dates stay text) with libyaml's
        parser: several times faster on a directory of thousands of entries. Used only on a
        text that `_plain_yaml` has passed, since anchors must be refused before any value is
        built, and a file that is not plain YAML is explained in _StrictLoader's words."""

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

    _FastStrictLoader.yaml_implicit_resolvers = _StrictLoader.yaml_implicit_resolvers


def _plain_yaml(text: str) -> bool:
    """Whether libyaml reads `text`, event by event (iteratively, in C), as valid YAML with no
    anchor, no alias and no nesting deeper than _FAST_MAX_DEPTH. Anything else is read by
    _StrictLoader, which says what is wrong and where, in its own words."""
    if not yaml.__with_libyaml__:
        return False
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
                return False
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > _FAST_MAX_DEPTH:
                    return False
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return False
    return True


def _load(text: str) -> Any:
    """The file's data: through libyaml where the text is plain (see _plain_yaml), else
    through _StrictLoader; both build the same data from the same text."""
    if _plain_yaml(text):
        return yaml.load(text, Loader=_FastStrictLoader)  # nosec B506: a SafeLoader
    # _StrictLoader is a SafeLoader subclass: no object can be built from the file.
    return yaml.load(text, Loader=_StrictLoader)  # nosec B506


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
        raw = _load(text)
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
        # The version tells the entries which fields the file may have (`opening` from 2).
        return DirectoryFile.model_validate(raw, context={"version": raw.get("version")})
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


_FAST_DUMPER: type[Any] = PlainDumper
if yaml.__with_libyaml__:  # PyYAML's wheels carry libyaml; a build without it is slower

    class _FastPlainDumper(yaml.CSafeDumper):
        """PlainDumper with libyaml's emitter: about four times faster, and the same text
        but where a character lies beyond the 16-bit range (an emoji), which libyaml escapes
        as `\\U0001F600`, so `_dumper` keeps such data for PlainDumper."""

        def ignore_aliases(self, data: Any) -> bool:
            return True

    _FAST_DUMPER = _FastPlainDumper

_BEYOND_16_BITS = re.compile("[\U00010000-\U0010ffff]")


def _dumper(data: object) -> type[Any]:
    """The emitter for `data`: an import writes every changed entry to the audit trail, so
    the faster one where it writes the very same text (tests/test_directory_file.py). JSON
    without ASCII escapes holds every character of every key and value as it is, in one
    C-written string to search."""
    if _BEYOND_16_BITS.search(json.dumps(data, ensure_ascii=False, default=str)):
        return PlainDumper
    return _FAST_DUMPER


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
    if entry.opening is not None:
        data["opening"] = entry.opening.model_dump(exclude_none=True)
    data["contacts"] = [{"type": c.type, "value": c.value} for c in entry.contacts]
    if internal and entry.internal_note:
        data["internal_note"] = entry.internal_note
    return data


def entry_yaml(entry: EntryModel) -> str:
    """One entry in the file's form, staff note included, for the audit trail and diffs."""
    data = entry_to_data(entry, internal=True)
    return yaml.dump(
        data,
        Dumper=_dumper(data),
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
        Dumper=_dumper(document),
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=100,
    )
