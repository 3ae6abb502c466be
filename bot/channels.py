"""How safe each way of reaching a service is from where she is: the order a card lists a
service's contacts in, and the short tag beside each one.

One table per place, so that the reasoning is read and changed in one spot. Contacts are
ordered by these questions, most important first (docs/DIRECTORY.md says the same):

1. Can a state that would send her back read or hear it? WeChat is run under Chinese law:
   its messages are scanned and handed to the Chinese authorities, wherever the account is.
   An ordinary call from a Chinese SIM card (registered to a real name) can be listened to
   and its record is kept by the carrier. These come last.
2. Does it work from her place without getting round a block? In China, Signal, Telegram and
   KakaoTalk are blocked, and so are many foreign websites and mail services; they need a
   VPN. She is reading the card in Telegram, so Telegram already works on her phone.
3. Who else can read it? Signal is end-to-end encrypted: only she and the service can read
   it. Telegram's ordinary chats are encrypted between the phone and Telegram's servers only
   (its end-to-end "secret chats" are a separate choice); KakaoTalk's the same, on servers in
   South Korea; mail usually no more than that; a phone call not at all.
4. What stays on her phone? A call stays in the call log and on the phone bill; a chat stays
   until deleted (Signal and Telegram can delete it by themselves after a time, for both
   sides); a website visited stays in the browser's history.

In China, Telegram comes first: it already works there for her and adds no app to a phone that
may be searched; Signal, end-to-end encrypted but one more foreign app to install behind a
VPN, second. Everywhere else Signal comes first.
"""

from __future__ import annotations

from typing import Final

from bot.taxonomy import CONTACT_TYPES, N_, PLACES

# Tags: short, in her language, beside the channel's name on a card.
NEEDS_VPN: Final = N_("needs a VPN in China")
WATCHED: Final = N_("watched in China")
READ_BY_CHINA: Final = N_("read by the Chinese authorities")
MAIL_FROM_OUTSIDE: Final = N_("use a mail account from outside China")

# Tags that warn of being watched: marked ⚠️ on the card.
WARNINGS: Final = frozenset({WATCHED, READ_BY_CHINA})

# Under every phone contact, wherever she is.
CALL_LOG: Final = N_("A call stays in the phone's call log and on the phone bill.")

_OUTSIDE_CHINA: Final = ("signal", "telegram", "website", "email", "kakaotalk", "phone", "wechat")

SAFEST_FIRST: Final[dict[str, tuple[str, ...]]] = {
    "CN": ("telegram", "signal", "website", "email", "kakaotalk", "phone", "wechat"),
    "KR": _OUTSIDE_CHINA,
    "TRANSIT": _OUTSIDE_CHINA,
    "OTHER": _OUTSIDE_CHINA,
}

TAGS: Final[dict[str, dict[str, str]]] = {
    "CN": {
        "telegram": NEEDS_VPN,
        "signal": NEEDS_VPN,
        "kakaotalk": NEEDS_VPN,
        "email": MAIL_FROM_OUTSIDE,
        "phone": WATCHED,
        "wechat": WATCHED,
    },
    "KR": {"wechat": READ_BY_CHINA},
    "TRANSIT": {"wechat": READ_BY_CHINA},
    "OTHER": {"wechat": READ_BY_CHINA},
}

assert set(SAFEST_FIRST) == set(TAGS) == set(PLACES)
assert all(sorted(order) == sorted(CONTACT_TYPES) for order in SAFEST_FIRST.values())


def rank(kind: str, place: str | None) -> int:
    """Where a contact of `kind` goes on a card for `place`; without a place (a volunteer's
    view of the entry), every kind ranks the same and the file's order stays."""
    if place is None:
        return 0
    return SAFEST_FIRST[place].index(kind)


def tag(kind: str, place: str | None) -> str | None:
    """The untranslated tag beside a contact of `kind` in `place`, if it has one."""
    if place is None:
        return None
    return TAGS[place].get(kind)
