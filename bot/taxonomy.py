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

# Shown in its own language on the language screen, so never translated.
LANGUAGE_SELF_NAMES: Final = {"ko": "한국어", "zh": "中文", "en": "English"}

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

# Menu order; `emergency` first and marked as urgent on the menu.
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
URGENT_NEEDS: Final = frozenset({"emergency"})

NEED_LABELS: Final = {
    "emergency": N_("I am in danger now"),
    "escape": N_("Leaving safely, reaching a safe country"),
    "shelter": N_("A safe place to stay"),
    "trafficking": N_("Forced marriage, trafficking, sexual violence"),
    "health": N_("Health, pregnancy, medical care"),
    "mental_health": N_("Someone to talk to"),
    "children": N_("My child's registration, school or health care"),
    "family": N_("Finding or contacting my children and family"),
    "legal": N_("Legal help, refugee status, documents"),
    "settlement": N_("Starting life in South Korea: housing, work, study"),
    "community": N_("Other mothers like me"),
    "testimony": N_("Telling what happened"),
}

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
