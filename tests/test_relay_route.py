"""The relay's keys, sealed routes, case codes and topic names, on their own.

A sealed route must open only with its own key, in its own row, unchanged; a tag must be the
same for the same chat and name nothing without the key; a topic name must hold nothing but
the bot's own codes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from hypothesis import given
from hypothesis import strategies as st

from bot.relay import topic
from bot.relay.keys import RelayKeys
from bot.relay.route import Route, RouteUnreadable, seal, unseal

SECRET = base64.urlsafe_b64encode(bytes(range(32))).decode().rstrip("=")
OTHER_SECRET = base64.urlsafe_b64encode(bytes(range(1, 33))).decode().rstrip("=")
CHAT = 7_123_456_789


def route(**changes: object) -> Route:
    values: dict[str, object] = {
        "chat_id": CHAT,
        "lang": "ko",
        "place": "CN",
        "need": "shelter",
        "her_message_ids": [5, 9],
        "keep_her_side": False,
    }
    values.update(changes)
    return Route(**values)  # type: ignore[arg-type]


@pytest.fixture
def keys() -> RelayKeys:
    return RelayKeys.from_secret(SECRET)


def test_the_two_keys_differ_and_depend_on_the_secret(keys: RelayKeys) -> None:
    other = RelayKeys.from_secret(OTHER_SECRET)
    assert len(keys.seal_key) == len(keys.tag_key) == 32
    assert keys.seal_key != keys.tag_key
    assert {keys.seal_key, keys.tag_key}.isdisjoint({other.seal_key, other.tag_key})
    assert RelayKeys.from_secret(SECRET + "=") == keys  # padding is optional


def _derived(info: bytes) -> bytes:
    raw = base64.urlsafe_b64decode(SECRET + "=" * (-len(SECRET) % 4))
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(raw)


def test_tags_and_seals_keep_their_construction_from_one_release_to_the_next(
    keys: RelayKeys,
) -> None:
    """A block, and an open conversation, outlive an upgrade: what an earlier release stored
    must still match and open. So the construction (docs/PRIVACY.md in outline) is pinned here,
    rebuilt with the cryptography package directly: keys by HKDF-SHA256 from RELAY_KEY's bytes, one
    for tags and one for seals; a tag is HMAC-SHA256 of "person:" or "chat:" and the id in
    decimal; a route is AES-GCM with a 12-byte nonce first and the case code as associated
    data, over compact JSON."""
    tag_key = _derived(b"helpline relay: tags v1")
    assert keys.person_tag(CHAT) == hmac.new(tag_key, b"person:%d" % CHAT, hashlib.sha256).digest()
    assert keys.chat_tag(CHAT) == hmac.new(tag_key, b"chat:%d" % CHAT, hashlib.sha256).digest()
    plain = b'{"c":7123456789,"l":"zh","p":"KR","n":"family","m":[3],"k":true}'
    nonce = bytes(12)
    earlier = nonce + AESGCM(_derived(b"helpline relay: seal routes v1")).encrypt(
        nonce, plain, b"K7F3"
    )
    assert unseal(keys, "K7F3", earlier) == route(
        lang="zh", place="KR", need="family", her_message_ids=[3], keep_her_side=True
    )


def test_a_route_is_sealed_as_compact_json(keys: RelayKeys) -> None:
    """Her route grows by one id with each message she sends, and is sealed again each time:
    short keys and no spaces keep the row small. Opened here with the key rebuilt directly."""
    blob = seal(keys, "K7F3", route(her_message_ids=[5, 9, 12], keep_her_side=True))
    plain = AESGCM(_derived(b"helpline relay: seal routes v1")).decrypt(
        blob[:12], blob[12:], b"K7F3"
    )
    assert plain == b'{"c":7123456789,"l":"ko","p":"CN","n":"shelter","m":[5,9,12],"k":true}'


def test_the_keys_never_show_in_a_repr(keys: RelayKeys) -> None:
    shown = repr(keys)
    assert keys.seal_key.hex() not in shown and keys.tag_key.hex() not in shown
    assert repr(keys.seal_key) not in shown and repr(keys.tag_key) not in shown


@pytest.mark.parametrize(
    "secret",
    ["", "short", base64.urlsafe_b64encode(bytes(31)).decode(), "not base64 at all!" * 4],
)
def test_a_weak_or_malformed_secret_is_refused(secret: str) -> None:
    with pytest.raises(ValueError):
        RelayKeys.from_secret(secret)


def test_a_route_round_trips(keys: RelayKeys) -> None:
    sent = route(her_message_ids=[1, 2, 3], keep_her_side=True)
    assert unseal(keys, "K7F3", seal(keys, "K7F3", sent)) == sent


def test_each_seal_is_different(keys: RelayKeys) -> None:
    """A fresh nonce each time: two seals of one route do not show they are the same."""
    assert seal(keys, "K7F3", route()) != seal(keys, "K7F3", route())


def test_the_sealed_blob_holds_nothing_in_the_clear(keys: RelayKeys) -> None:
    blob = seal(keys, "K7F3", route(lang="zh", place="TRANSIT", need="trafficking"))
    for clear in (str(CHAT), "zh", "TRANSIT", "trafficking", '"c"'):
        assert clear.encode() not in blob
    assert CHAT.to_bytes(8, "big") not in blob and CHAT.to_bytes(8, "little") not in blob


def test_a_wrong_key_refuses(keys: RelayKeys) -> None:
    blob = seal(keys, "K7F3", route())
    with pytest.raises(RouteUnreadable):
        unseal(RelayKeys.from_secret(OTHER_SECRET), "K7F3", blob)


def test_the_tag_key_does_not_open_a_seal(keys: RelayKeys) -> None:
    blob = seal(keys, "K7F3", route())
    swapped = RelayKeys(seal_key=keys.tag_key, tag_key=keys.seal_key)
    with pytest.raises(RouteUnreadable):
        unseal(swapped, "K7F3", blob)


def test_a_blob_moved_to_another_row_refuses(keys: RelayKeys) -> None:
    blob = seal(keys, "K7F3", route())
    with pytest.raises(RouteUnreadable):
        unseal(keys, "K7F4", blob)


@pytest.mark.parametrize("position", [0, 11, 12, 20, -1])
def test_any_changed_byte_refuses(keys: RelayKeys, position: int) -> None:
    """In the nonce, at the ciphertext's start and middle, in the authentication tag."""
    blob = bytearray(seal(keys, "K7F3", route()))
    blob[position] ^= 0x01
    with pytest.raises(RouteUnreadable):
        unseal(keys, "K7F3", bytes(blob))


@pytest.mark.parametrize("cut", [0, 5, 12, 27])
def test_a_cut_blob_refuses(keys: RelayKeys, cut: int) -> None:
    blob = seal(keys, "K7F3", route())
    with pytest.raises(RouteUnreadable):
        unseal(keys, "K7F3", blob[:cut])
    with pytest.raises(RouteUnreadable):
        unseal(keys, "K7F3", blob[:-1])


@pytest.mark.parametrize(
    "plain",
    [
        b"not json",
        b"[1, 2]",
        json.dumps({"c": "7", "l": "ko", "p": "CN", "n": "x", "m": [], "k": False}).encode(),
        json.dumps({"c": 7, "l": "ko", "p": "CN", "n": "x", "m": [True], "k": False}).encode(),
        json.dumps({"c": 7, "l": "ko", "p": "CN", "n": "x", "m": [], "k": 0}).encode(),
        json.dumps({"c": 7, "l": "ko", "p": "CN", "n": "x", "m": []}).encode(),
        json.dumps({"c": 7, "l": 5, "p": "CN", "n": "x", "m": [], "k": False}).encode(),
        json.dumps({"c": 7, "l": "ko", "p": "CN", "n": "x", "m": {}, "k": False}).encode(),
    ],
)
def test_an_authentic_blob_that_is_not_a_route_refuses(keys: RelayKeys, plain: bytes) -> None:
    nonce = secrets.token_bytes(12)
    blob = nonce + AESGCM(keys.seal_key).encrypt(nonce, plain, b"K7F3")
    with pytest.raises(RouteUnreadable):
        unseal(keys, "K7F3", blob)


def test_tags_are_stable_keyed_and_kept_apart(keys: RelayKeys) -> None:
    other = RelayKeys.from_secret(OTHER_SECRET)
    assert keys.chat_tag(CHAT) == keys.chat_tag(CHAT)
    assert len(keys.chat_tag(CHAT)) == 32
    assert keys.chat_tag(CHAT) != keys.chat_tag(CHAT + 1)
    assert keys.chat_tag(CHAT) != other.chat_tag(CHAT)
    assert keys.chat_tag(CHAT) != keys.person_tag(CHAT)
    assert keys.person_tag(CHAT) != other.person_tag(CHAT)
    assert str(CHAT).encode() not in keys.chat_tag(CHAT) + keys.person_tag(CHAT)


def test_case_codes_use_only_the_unmistakable_alphabet() -> None:
    codes = {topic.new_code() for _ in range(2000)}
    assert len(codes) > 1900  # random: a few collisions among a million at most
    assert all(len(c) == 4 and topic.is_code(c) for c in codes)
    used = set("".join(codes))
    assert used.isdisjoint(set("01OI")) and used <= set("23456789ABCDEFGHJKLMNPQRSTUVWXYZ")
    assert len(used) == 32


@pytest.mark.parametrize("text", ["K7F", "K7F3A", "k7f3", "K0F3", "KIF3", "K7F ", "", 1234])
def test_not_a_case_code(text: object) -> None:
    assert not topic.is_code(text)


def test_a_topic_name_holds_only_codes() -> None:
    assert topic.topic_name("K7F3", "ko", "CN", "shelter") == "K7F3 · ko · CN · shelter"
    assert topic.topic_name("K7F3", "en", "", "") == "K7F3 · en · - · -"


@pytest.mark.parametrize(
    ("code", "lang", "place", "need"),
    [
        ("K7F3", "ru", "CN", "shelter"),
        ("K7F3", "ko", "Shenyang", "shelter"),
        ("K7F3", "ko", "CN", "Kim Mina"),
        ("@mina", "ko", "CN", "shelter"),
    ],
)
def test_a_topic_name_refuses_anything_else(code: str, lang: str, place: str, need: str) -> None:
    with pytest.raises(ValueError):
        topic.topic_name(code, lang, place, need)


routes = st.builds(
    Route,
    chat_id=st.integers(min_value=-(2**63), max_value=2**63 - 1),
    lang=st.sampled_from(["ko", "zh", "en"]),
    place=st.sampled_from(["", "CN", "KR", "TRANSIT", "OTHER"]),
    need=st.text(max_size=20),
    her_message_ids=st.lists(st.integers(min_value=1, max_value=2**31), max_size=50),
    keep_her_side=st.booleans(),
)


@given(routes, st.sampled_from(["K7F3", "ZZZZ", "2222"]))
def test_any_route_round_trips(sent: Route, code: str) -> None:
    keys = RelayKeys.from_secret(SECRET)
    assert unseal(keys, code, seal(keys, code, sent)) == sent


@given(st.binary(max_size=200))
def test_random_bytes_never_open(blob: bytes) -> None:
    with pytest.raises(RouteUnreadable):
        unseal(RelayKeys.from_secret(SECRET), "K7F3", blob)
