"""A draft's lists, each a screen of buttons to tap on and off: where the service helps, the
needs it meets, the languages its staff speak."""

from __future__ import annotations

from collections.abc import Sequence

from bot.desk import draft
from bot.desk.callback import Act, Tap, encode
from bot.desk.screens import frame
from bot.i18n import Texts
from bot.taxonomy import N_, NEEDS, PLACE_LABELS, REGION_CODES, need_in_full
from bot.ui.text import bold
from bot.ui.view import Button, View


def _rows(
    t: Texts, tap: Tap, proposal_id: int, act: Act, choices: Sequence[tuple[str, str, bool]]
) -> list[list[Button]]:
    """One button per choice, ticked when chosen, then the way back to the draft."""
    rows = [
        [(("✅ " if on else "▫️ ") + label, encode(tap.to(act, proposal_id, arg)))]
        for arg, label, on in choices
    ]
    rows.append(frame.nav(t, tap, tap.to(Act.DRAFT, proposal_id)))
    return rows


def places(t: Texts, tap: Tap, proposal_id: int, data: draft.Data) -> View:
    _ = t.gettext
    chosen = set(data.get("regions") or [])
    labels = {**PLACE_LABELS, "ANY": N_("From anywhere (hotline, online)")}
    choices = [(code.lower(), _(labels[code]), code in chosen) for code in REGION_CODES]
    rows = _rows(t, tap, proposal_id, Act.PLACE, choices)
    return View(bold(_("Where does it help? Tap to choose or unchoose.")), rows)


def needs(t: Texts, tap: Tap, proposal_id: int, data: draft.Data) -> View:
    _ = t.gettext
    chosen = set(data.get("categories") or [])
    choices = [(need.replace("_", "-"), _(need_in_full(need)), need in chosen) for need in NEEDS]
    rows = _rows(t, tap, proposal_id, Act.NEED, choices)
    return View(bold(_("Which needs does it meet? Tap to choose or unchoose.")), rows)


def languages(t: Texts, tap: Tap, proposal_id: int, data: draft.Data) -> View:
    _ = t.gettext
    chosen = list(data.get("languages") or [])
    offered = [*draft.SPOKEN_CHOICES, *(c for c in chosen if c not in draft.SPOKEN_CHOICES)]
    choices = [(code, t.language_name(code), code in chosen) for code in offered]
    rows = _rows(t, tap, proposal_id, Act.LANG, choices)
    title = _("Which languages do their staff speak? Tap to choose or unchoose.")
    return View(bold(title), rows)
