"""The fixed vocabulary of the product: places, needs, contact types, user languages and
the shape of an entry id.

The codes here are what directory files, the database and callback data hold; what a user
reads comes from the catalogs through the labels marked with `N_`.
"""

from __future__ import annotations

from typing import Final


def N_(message: str) -> str:
    """Mark a string for extraction without translating it here."""
    return message


USER_LANGUAGES: Final = ("ko", "zh", "en")
DEFAULT_LANGUAGE: Final = "en"

# A directory entry's id: in files, the database and button data alike, so defined once.
ENTRY_ID_PATTERN: Final = r"[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?"
ENTRY_ID_MAX: Final = 40

PLACES: Final = ("CN", "KR", "TRANSIT", "OTHER")
ANYWHERE: Final = "ANY"
REGION_CODES: Final = (*PLACES, ANYWHERE)

PLACE_LABELS: Final = {
    "CN": N_("In China"),
    "KR": N_("In South Korea"),
    "TRANSIT": N_("In another country on the way"),
    "OTHER": N_("Somewhere else"),
}

# The places that keep one time zone: a card gives a service's hours in her place's time too.
PLACE_ZONES: Final = {"CN": "Asia/Shanghai", "KR": "Asia/Seoul"}
# Those zones by the names people there use for them ("Korea time"); other zones are named by
# their country, in Babel's words.
ZONE_LABELS: Final = {"Asia/Shanghai": N_("China time"), "Asia/Seoul": N_("Korea time")}

# The need keys, as directory files, lists and statistics know them; button data holds a
# key's index here, so the order never changes. Menus show them grouped (TOPICS_BY_PLACE).
NEEDS: Final = (
    "emergency",
    "escape",
    "shelter",
    "trafficking",
    "health",
    "mental_health",
    "children",
    "family",
    "legal",
    "settlement",
    "community",
    "testimony",
)

# The needs as the needs menu and a topic's menu name them. Someone may be looking over her
# shoulder there: each names the help, not the crime or the flight behind it, in words that
# are clear to her and unremarkable to a glance (docs/TRANSLATING.md).
NEED_LABELS: Final = {
    "emergency": N_("I am in danger now"),
    "escape": N_("Getting somewhere safe"),
    "shelter": N_("A safe place to stay"),
    "trafficking": N_("Protection and your rights"),
    "health": N_("Health, pregnancy, medical care"),
    "mental_health": N_("Someone to talk to"),
    "children": N_("My child's registration, school or health care"),
    "family": N_("Finding or contacting my children and family"),
    "legal": N_("Legal help and papers"),
    "settlement": N_("Starting life in South Korea: housing, work, study"),
    "community": N_("Other mothers like me"),
    "testimony": N_("Telling what happened"),
}

# What a need covers, in full, where its label says less: on the list she reaches after
# tapping the label (so that she knows she is in the right place), and to staff.
NEED_DETAILS: Final = {
    "escape": N_("Leaving safely, reaching a safe country"),
    "trafficking": N_("Forced marriage, trafficking, sexual violence"),
    "legal": N_("Legal help, refugee status, documents"),
}


def need_in_full(need: str) -> str:
    """The need's words for staff, who choose an entry's needs and read counts by need: what
    it covers in full (a msgid, to translate)."""
    return NEED_DETAILS.get(need, NEED_LABELS[need])


CONTACT_TYPES: Final = ("phone", "telegram", "website", "email", "kakaotalk", "wechat", "signal")

CONTACT_LABELS: Final = {
    "phone": N_("Phone"),
    "telegram": N_("Telegram"),
    "website": N_("Website"),
    "email": N_("Email"),
    "kakaotalk": N_("KakaoTalk"),
    "wechat": N_("WeChat"),
    "signal": N_("Signal"),
}

# How long she waited for a volunteer's first answer, in the coarse bands the statistics keep
# (bot/relay/counts.py): within 15 minutes, an hour, four hours, or later.
ANSWER_BANDS: Final = ("15m", "1h", "4h", "later")


def user_language(telegram_code: str | None) -> str:
    """Pick the first language from a Telegram language code: ko*, zh*, else English."""
    code = (telegram_code or "").lower()
    for lang in ("ko", "zh"):
        if code.startswith(lang):
            return lang
    return DEFAULT_LANGUAGE


# The needs menu shows a few topics, each grouping need keys; the keys stay what directory
# entries, lists and statistics use. A topic's label must be clear to her and say nothing to
# someone glancing at her screen. Which topics, in which order, holding which keys, depends on
# her place: finding her children comes near the top in South Korea, where leaving and refugee
# status matter least; a new life in South Korea is never offered in China, where it could
# give her away and serves nobody.
TOPIC_LABELS: Final = {
    "urgent": N_("Urgent help now"),
    "stay": N_("A place to stay"),
    "family": N_("My children and family"),
    "health": N_("Health and feelings"),
    "women": N_("Support for women"),
    "papers": N_("Papers and legal help"),
    "life": N_("Housing, work and study"),
}

TOPICS_BY_PLACE: Final[dict[str, tuple[tuple[str, tuple[str, ...]], ...]]] = {
    "CN": (
        ("urgent", ("emergency",)),
        ("stay", ("shelter", "escape")),
        ("family", ("family", "children")),
        ("health", ("health", "mental_health")),
        ("women", ("trafficking", "community", "testimony")),
        ("papers", ("legal",)),
    ),
    "KR": (
        ("urgent", ("emergency",)),
        ("family", ("family", "children")),
        ("life", ("settlement", "shelter")),
        ("health", ("health", "mental_health")),
        ("women", ("community", "trafficking", "testimony")),
        ("papers", ("legal", "escape")),
    ),
    "TRANSIT": (
        ("urgent", ("emergency",)),
        ("stay", ("shelter", "escape")),
        ("papers", ("legal", "settlement")),
        ("health", ("health", "mental_health")),
        ("family", ("family", "children")),
        ("women", ("trafficking", "community", "testimony")),
    ),
    "OTHER": (
        ("urgent", ("emergency",)),
        ("stay", ("shelter", "escape")),
        ("papers", ("legal", "settlement")),
        ("family", ("family", "children")),
        ("health", ("health", "mental_health")),
        ("women", ("trafficking", "community", "testimony")),
    ),
}


def _check_topics() -> None:
    """Each place has its topics; a key is a need, in one topic of a place at most."""
    assert set(TOPICS_BY_PLACE) == set(PLACES)
    for topics in TOPICS_BY_PLACE.values():
        keys = [key for _topic, topic_keys in topics for key in topic_keys]
        assert len(keys) == len(set(keys)) and set(keys) <= set(NEEDS)
        assert {topic for topic, _keys in topics} <= set(TOPIC_LABELS)


_check_topics()


def topic_of(place: str, need: str) -> tuple[str, tuple[str, ...]] | None:
    """The topic that holds `need` in `place`, with its keys; None if `place` does not offer
    that need (an old or forged button)."""
    for topic, keys in TOPICS_BY_PLACE.get(place, ()):
        if need in keys:
            return topic, keys
    return None
