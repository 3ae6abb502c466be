"""A draft being built a field at a time: its overview with the diff so far, the texts in
each language, the contacts and the staff note, and the questions for typed values."""

from __future__ import annotations

from bot.desk import draft
from bot.desk.callback import Act, Tap, encode
from bot.desk.screens import diff, frame
from bot.desk.summaries import ProposalDetail
from bot.directory.schema import TEXT_FIELDS
from bot.i18n import Texts
from bot.taxonomy import CONTACT_LABELS, CONTACT_TYPES, N_, USER_LANGUAGES
from bot.ui.text import bold, code, escape, italic
from bot.ui.view import Button, View, fit_text

FIELD_LABELS = {
    "name": N_("Name"),
    "description": N_("Description"),
    "expect": N_("What to expect"),
    "hours": N_("Opening hours"),
}


def overview(t: Texts, tap: Tap, proposal: ProposalDetail) -> View:
    _ = t.gettext
    shown, _part, _parts = diff.block(t, proposal.diff, 0)
    lines = [
        diff.title_line(t, proposal.title),
        escape(_("Choose what to change. Nothing is sent until you submit it.")),
        "",
        shown,
    ]
    pid = proposal.id
    rows = [
        *(
            [(_(FIELD_LABELS[f]), encode(tap.to(Act.FIELD, pid, f))) for f in pair]
            for pair in (TEXT_FIELDS[:2], TEXT_FIELDS[2:])
        ),
        [
            (_("Places"), encode(tap.to(Act.PLACES, pid))),
            (_("Needs"), encode(tap.to(Act.NEEDS, pid))),
            (_("Languages"), encode(tap.to(Act.LANGS, pid))),
        ],
        [
            (_("Weekly hours"), encode(tap.to(Act.OPENING, pid))),
            (_("Contacts"), encode(tap.to(Act.CONTACTS, pid))),
            (_("Staff note"), encode(tap.to(Act.NOTE, pid))),
        ],
        [("👀 " + _("Check and submit"), encode(tap.to(Act.PREVIEW, proposal.batch)))],
        [("🗑 " + _("Discard this draft"), encode(tap.to(Act.DISCARD, proposal.batch)))],
        frame.nav(t, tap),
    ]
    return View(fit_text("\n".join(lines)), rows)


def text_field(t: Texts, tap: Tap, proposal_id: int, field: str, data: draft.Data) -> View:
    _ = t.gettext
    texts: dict[str, str] = dict(data.get(field) or {})
    lines = [bold(_(FIELD_LABELS[field])), escape(_("Choose the language to write in.")), ""]
    for lang, text in texts.items():
        lines.append(t.labelled(bold(t.language_name(lang)), escape(text)))
    langs = [*USER_LANGUAGES, *(lang for lang in texts if lang not in USER_LANGUAGES)]
    rows = [
        [(t.language_name(lang), encode(tap.to(Act.TEXT, proposal_id, f"{field}-{lang}")))]
        for lang in langs
    ]
    rows.append(frame.nav(t, tap, tap.to(Act.DRAFT, proposal_id)))
    return View(fit_text("\n".join(lines)), rows)


def ask_text(t: Texts, tap: Tap, proposal_id: int, field: str, lang: str, now: str) -> View:
    _ = t.gettext
    question = _("Send the new {field} in {language} as a message.").format(
        field=_(FIELD_LABELS[field]), language=t.language_name(lang)
    )
    lines = [bold(question)]
    rows: list[list[Button]] = []
    if now:
        lines += ["", escape(_("Now: {text}").format(text=now))]
        clear = tap.to(Act.CLEAR, proposal_id, f"{field}-{lang}")
        rows.append([("🧹 " + _("Remove this text"), encode(clear))])
    rows.append([("✖ " + _("Cancel"), encode(tap.to(Act.DRAFT, proposal_id)))])
    return View(fit_text("\n".join(lines)), rows)


def contacts(t: Texts, tap: Tap, proposal_id: int, data: draft.Data) -> View:
    _ = t.gettext
    items = list(data.get("contacts") or [])
    lines = [bold(_("Contacts"))]
    rows: list[list[Button]] = []
    for index, item in enumerate(items):
        kind = str(item.get("type", ""))
        label = _(CONTACT_LABELS[kind]) if kind in CONTACT_LABELS else kind
        lines.append(f"{index + 1}. " + t.labelled(escape(label), code(str(item.get("value", "")))))
        remove = "🗑 " + _("Remove {number}").format(number=index + 1)
        rows.append([(remove, encode(tap.to(Act.CONTACT_DROP, proposal_id, str(index))))])
    if not items:
        lines.append(escape(_("No contacts yet.")))
    rows.append([("➕ " + _("Add a contact"), encode(tap.to(Act.CONTACT_ADD, proposal_id)))])
    rows.append(frame.nav(t, tap, tap.to(Act.DRAFT, proposal_id)))
    return View(fit_text("\n".join(lines)), rows)


def contact_types(t: Texts, tap: Tap, proposal_id: int) -> View:
    _ = t.gettext
    rows = [
        [(_(CONTACT_LABELS[kind]), encode(tap.to(Act.CONTACT_TYPE, proposal_id, kind)))]
        for kind in CONTACT_TYPES
    ]
    rows.append(frame.nav(t, tap, tap.to(Act.CONTACTS, proposal_id)))
    return View(bold(_("What kind of contact?")), rows)


def ask_contact(t: Texts, tap: Tap, proposal_id: int, kind: str) -> View:
    _ = t.gettext
    text = _("Send the {kind} contact as a message.").format(kind=_(CONTACT_LABELS[kind]))
    rows = [[("✖ " + _("Cancel"), encode(tap.to(Act.CONTACTS, proposal_id)))]]
    return View(bold(text), rows)


def note(t: Texts, tap: Tap, proposal_id: int, data: draft.Data) -> View:
    _ = t.gettext
    now = str(data.get("internal_note") or "")
    lines = [
        bold(_("Staff note")),
        escape(_("Only staff see it: who to ask, how it was checked.")),
        "",
        escape(now) if now else italic(_("No note.")),
    ]
    rows = [[("✏️ " + _("Write a new note"), encode(tap.to(Act.NOTE_TYPE, proposal_id)))]]
    if now:
        rows.append([("🧹 " + _("Remove the note"), encode(tap.to(Act.NOTE_CLEAR, proposal_id)))])
    rows.append(frame.nav(t, tap, tap.to(Act.DRAFT, proposal_id)))
    return View(fit_text("\n".join(lines)), rows)


def ask_note(t: Texts, tap: Tap, proposal_id: int) -> View:
    _ = t.gettext
    rows = [[("✖ " + _("Cancel"), encode(tap.to(Act.NOTE, proposal_id)))]]
    return View(bold(_("Send the new staff note as a message.")), rows)


def opening(t: Texts, tap: Tap, proposal_id: int, data: draft.Data) -> View:
    """The weekly hours a card computes "open now" from, beside the free-text note."""
    _ = t.gettext
    now = data.get("opening") or {}
    lines = [
        bold(_("Weekly hours")),
        escape(_("With them, a card says whether the service is open now, and until when.")),
        "",
    ]
    if now:
        lines.append(code(str(now.get("rule", ""))))
        lines.append(escape(_("Time zone: {zone}").format(zone=now.get("zone", ""))))
        if now.get("holidays"):
            closed = _("Closed on the public holidays of {country}").format(country=now["holidays"])
            lines.append(escape(closed))
    else:
        lines.append(italic(_("No weekly hours.")))
    rows = [[("✏️ " + _("Write the weekly hours"), encode(tap.to(Act.OPENING_TYPE, proposal_id)))]]
    if now:
        remove = "🧹 " + _("Remove the weekly hours")
        rows.append([(remove, encode(tap.to(Act.OPENING_CLEAR, proposal_id)))])
    rows.append(frame.nav(t, tap, tap.to(Act.DRAFT, proposal_id)))
    return View(fit_text("\n".join(lines)), rows)


def ask_opening(t: Texts, tap: Tap, proposal_id: int) -> View:
    _ = t.gettext
    lines = [
        bold(_("Send the weekly hours as one message of two or three lines:")),
        escape(
            _(
                "the hours in OpenStreetMap notation; the time zone; and, if the service"
                " closes on public holidays, the country (KR or CN). For example:"
            )
        ),
        code("Mo-Fr 09:00-18:00; PH off"),
        code("Asia/Seoul"),
        code("KR"),
    ]
    rows = [[("✖ " + _("Cancel"), encode(tap.to(Act.OPENING, proposal_id)))]]
    return View("\n".join(lines), rows)
