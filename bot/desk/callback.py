"""Button data of the volunteers' screens: `v.<action>.<lang>.<number>.<argument>`.

Kept apart from the users' codec so that neither can be mistaken for the other. The data says
what was tapped, never who may tap it: the role is read from the database for every tap. The
number is a proposal, a batch or a page; the argument an entry id, a field or a choice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.menus.callback import MAX_BYTES, BadCallback
from bot.taxonomy import USER_LANGUAGES

PREFIX = "v"
ARG_PATTERN = r"[a-z0-9-]{1,40}"


class Act(StrEnum):
    HOME = "h"
    QUEUE = "q"  # number: page
    ENTRIES = "ls"  # number: page
    FIND = "fd"  # type an entry id
    ENTRY = "e"  # argument: entry id; number: the re-check queue's page to go back to
    LISTED = "el"  # the same, opened from All entries; number: that list's page
    CHECKED = "ok"  # argument: entry id
    CHANGE = "ch"  # argument: entry id
    RETIRE = "rt"  # argument: entry id
    NEW = "nw"  # type a new entry's id
    DRAFTS = "dl"
    DRAFT = "d"  # number: proposal
    FIELD = "f"  # number: proposal; argument: name, description, expect or hours
    TEXT = "t"  # number: proposal; argument: field-lang
    CLEAR = "x"  # number: proposal; argument: field-lang
    PLACES = "pl"
    PLACE = "tp"  # argument: region code, lower case
    NEEDS = "nd"
    NEED = "tn"  # argument: need key, '-' for '_'
    LANGS = "lg"
    LANG = "tl"  # argument: language code
    CONTACTS = "ct"
    CONTACT_DROP = "cr"  # argument: position
    CONTACT_ADD = "ca"
    CONTACT_TYPE = "cv"  # argument: contact type
    NOTE = "nt"
    NOTE_TYPE = "ny"
    NOTE_CLEAR = "nc"
    OPENING = "oh"  # number: proposal; the weekly hours (time zone, holidays)
    OPENING_TYPE = "oy"
    OPENING_CLEAR = "oc"
    PREVIEW = "pv"  # number: batch; argument: part of the diff
    SUBMIT = "sb"  # number: batch
    DISCARD = "dx"  # number: batch
    REVIEWS = "rq"  # number: page
    REVIEW = "rv"  # number: proposal; argument: part of the diff
    APPROVE = "ap"  # number: proposal
    REJECT = "rj"  # number: proposal
    REASON = "rr"  # number: proposal; argument: preset reason
    REASON_TYPE = "ry"  # number: proposal
    STAFF = "sf"  # admins only; number: page
    STAFF_ADD = "sa"
    STAFF_ADD_YES = "sz"  # argument: user id
    STAFF_DROP = "sr"  # argument: user id
    STAFF_DROP_YES = "sy"  # argument: user id
    RELAY = "tk"  # Talk to a person: her duty and signature (only where the relay is set up)
    DUTY = "du"  # argument: on or off
    SIGNATURE = "sg"  # type a first name to sign answers with
    SIGNATURE_CLEAR = "sn"
    # In a conversation's topic of the relay group (handlers/relay_group.py), honoured only
    # from staff, in the topic of that conversation. Argument: its case code, lower case.
    RELAY_END = "ye"
    RELAY_BLOCK = "yb"


# Buttons of a conversation's topic in the relay group, never of the desk's private screens.
IN_TOPIC = frozenset({Act.RELAY_END, Act.RELAY_BLOCK})

ADMIN_ONLY = frozenset(
    {Act.STAFF, Act.STAFF_ADD, Act.STAFF_ADD_YES, Act.STAFF_DROP, Act.STAFF_DROP_YES}
)

_PATTERN = re.compile(
    rf"{PREFIX}\.(?P<act>{'|'.join(sorted((a.value for a in Act), key=len, reverse=True))})"
    rf"\.(?P<lang>{'|'.join(USER_LANGUAGES)})"
    r"\.(?P<number>0|[1-9]\d{0,8})"
    rf"\.(?P<arg>{ARG_PATTERN}|-)"
)


@dataclass(frozen=True, slots=True)
class Tap:
    act: Act
    lang: str
    number: int = 0
    arg: str = ""

    def to(self, act: Act, number: int | None = None, arg: str = "") -> Tap:
        return Tap(act, self.lang, self.number if number is None else number, arg)


def encode(tap: Tap) -> str:
    data = f"{PREFIX}.{tap.act.value}.{tap.lang}.{tap.number}.{tap.arg or '-'}"
    if decode(data) != tap:
        raise ValueError(f"cannot encode {tap!r}")
    return data


def decode(data: str | None) -> Tap:
    """Parse untrusted data; anything `encode` did not make raises BadCallback."""
    if not isinstance(data, str) or not data.isascii() or len(data) > MAX_BYTES:
        raise BadCallback
    match = _PATTERN.fullmatch(data)
    if match is None:
        raise BadCallback
    arg = match["arg"]
    return Tap(Act(match["act"]), match["lang"], int(match["number"]), "" if arg == "-" else arg)


def is_staff_data(data: object) -> bool:
    """Whether data claims to be a staff button (the claim is checked, never trusted)."""
    return isinstance(data, str) and data.startswith(PREFIX + ".")
