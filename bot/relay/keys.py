"""The relay's two keys, derived from RELAY_KEY: one seals routes, one makes tags.

RELAY_KEY lives in the environment only, never in the database, so a copy of the database
alone opens nothing. HKDF gives two independent keys from it (different `info`), so that a tag
(which must be the same every time for the same chat) never shares a key with a seal.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.settings import relay_key_bytes

KEY_BYTES = 32
SEAL_INFO = b"helpline relay: seal routes v1"
TAG_INFO = b"helpline relay: tags v1"


def _derive(secret: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=info).derive(secret)


@dataclass(frozen=True)
class RelayKeys:
    """The seal key and the tag key, in memory only (never shown in a repr or a traceback)."""

    seal_key: bytes = field(repr=False)
    tag_key: bytes = field(repr=False)

    @classmethod
    def from_secret(cls, secret: str) -> RelayKeys:
        """The keys of RELAY_KEY's value (ValueError if it is not one, see settings)."""
        raw = relay_key_bytes(secret)
        return cls(seal_key=_derive(raw, SEAL_INFO), tag_key=_derive(raw, TAG_INFO))

    def _tag(self, kind: bytes, number: int) -> bytes:
        return hmac.new(self.tag_key, kind + str(number).encode(), hashlib.sha256).digest()

    def chat_tag(self, chat_id: int) -> bytes:
        """Her chat's tag: the same for every message she sends, so that whichever process
        receives it finds her conversation; without the key it names no chat."""
        return self._tag(b"chat:", chat_id)

    def person_tag(self, user_id: int) -> bytes:
        """A person's tag, for a block. In a private chat her chat id is her user id."""
        return self._tag(b"person:", user_id)
