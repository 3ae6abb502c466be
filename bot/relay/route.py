"""Her route, sealed: what a process needs to reach her chat, readable only with RELAY_KEY.

AES-GCM under the seal key, with a random 12-byte nonce before the ciphertext and the case
code as associated data: a blob opens only in its own row, unchanged, under the key it was
sealed with. The plaintext is compact JSON, short keys, no spaces.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from bot.relay.keys import RelayKeys

NONCE_BYTES = 12
TAG_BYTES = 16  # AES-GCM's authentication tag, at the end of the ciphertext


class RouteUnreadable(Exception):
    """The blob does not open: another key (RELAY_KEY was rotated), another row, changed, cut
    short, or not a route. Which one is not said: nothing reads the reason."""


@dataclass
class Route:
    """Where her conversation goes: her chat, and what the topic's name says about it."""

    chat_id: int
    lang: str
    place: str
    need: str
    her_message_ids: list[int] = field(default_factory=list)  # to delete when it ends
    keep_her_side: bool = False  # she chose to keep her side of the conversation


def _plain(route: Route) -> bytes:
    data = {
        "c": route.chat_id,
        "l": route.lang,
        "p": route.place,
        "n": route.need,
        "m": route.her_message_ids,
        "k": route.keep_her_side,
    }
    return json.dumps(data, separators=(",", ":")).encode()


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _route(data: object) -> Route:
    """A Route from the opened JSON, checked field by field: an authenticated blob was written
    by this code, but a check costs nothing and a wrong type must never travel further."""
    if not isinstance(data, dict) or set(data) != {"c", "l", "p", "n", "m", "k"}:
        raise RouteUnreadable
    ids = data["m"]
    if (
        not _is_int(data["c"])
        or not all(isinstance(data[k], str) for k in ("l", "p", "n"))
        or not isinstance(ids, list)
        or not all(_is_int(i) for i in ids)
        or not isinstance(data["k"], bool)
    ):
        raise RouteUnreadable
    return Route(data["c"], data["l"], data["p"], data["n"], list(ids), data["k"])


def seal(keys: RelayKeys, code: str, route: Route) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(keys.seal_key).encrypt(nonce, _plain(route), code.encode())


def unseal(keys: RelayKeys, code: str, blob: bytes) -> Route:
    if len(blob) < NONCE_BYTES + TAG_BYTES:
        raise RouteUnreadable
    nonce, sealed = blob[:NONCE_BYTES], blob[NONCE_BYTES:]
    try:
        plain = AESGCM(keys.seal_key).decrypt(nonce, sealed, code.encode())
    except InvalidTag:
        raise RouteUnreadable from None
    try:
        data = json.loads(plain)
    except ValueError:
        raise RouteUnreadable from None
    return _route(data)
