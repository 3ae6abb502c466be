"""The volunteers' screens, as data: text in Telegram's HTML and rows of buttons.

Like the users' screens they touch neither Telegram nor the database. Directory text and
anything typed by staff is escaped here; diffs are shown as preformatted text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.db.models import Proposal, Staff
from bot.desk import draft
from bot.desk.callback import Act, Tap, encode
from bot.desk.recheck import Due, Rules
from bot.directory.file_format import FileError
from bot.directory.schema import TEXT_FIELDS, EntryModel
from bot.i18n import Texts
from bot.menus.screens import card_text
from bot.taxonomy import (
    CONTACT_LABELS,
    CONTACT_TYPES,
    N_,
    NEED_LABELS,
    NEEDS,
    PLACE_LABELS,
    REGION_CODES,
    USER_LANGUAGES,
)
from bot.ui.view import MAX_MESSAGE, Button, View, visible_length

PAGE_SIZE = 8
DIFF_BUDGET = 3000  # characters of diff on one screen; the rest is cut with a mark

FIELD_LABELS = {
    "name": N_("Name"),
    "description": N_("Description"),
    "hours": N_("Opening hours"),
}
REJECT_REASONS = (
    N_("This could not be confirmed."),
    N_("This is already in the directory."),
    N_("Please check the details and propose it again."),
)


@dataclass(frozen=True)
class Listed:
    """A line of a list of entries: the id, the name in her language, and a mark."""

    entry_id: str
    name: str
    mark: str = ""


def _e(text: str) -> str:
    return html.escape(text)


def desk_button(t: Texts, tap: Tap) -> Button:
    return ("🏠 " + t.gettext("Volunteer desk"), encode(tap.to(Act.HOME, 0)))


def _back(t: Texts, target: Tap) -> Button:
    return ("◀ " + t.gettext("Back"), encode(target))


def _nav(t: Texts, tap: Tap, back: Tap | None) -> list[Button]:
    return [_back(t, back), desk_button(t, tap)] if back is not None else [desk_button(t, tap)]


def _pages(t: Texts, tap: Tap, act: Act, page: int, pages: int) -> list[Button]:
    row: list[Button] = []
    if page > 0:
        row.append(("⬅ " + t.gettext("Previous"), encode(tap.to(act, page - 1))))
    if page + 1 < pages:
        row.append((t.gettext("Next") + " ➡", encode(tap.to(act, page + 1))))
    return row


def _paged(
    t: Texts, tap: Tap, rows: list[list[Button]], act: Act, page: int, pages: int
) -> list[list[Button]]:
    """A list's rows, then Previous and Next where there are more, then the desk."""
    paging = _pages(t, tap, act, page, pages)
    return [*rows, *([paging] if paging else []), _nav(t, tap, None)]


def page_of(count: int, page: int) -> tuple[int, int]:
    """(page, pages) with `page` kept in range."""
    pages = max(1, -(-count // PAGE_SIZE))
    return min(max(page, 0), pages - 1), pages


def _reported_line(t: Texts) -> str:
    """That users reported some entries as not working: the signal, never how often."""
    return "⚠ " + _e(t.gettext("Users reported some of them as not working."))


def home(
    t: Texts, tap: Tap, *, due: int, reported: bool, waiting: int, drafts: int, admin: bool
) -> View:
    _ = t.gettext
    lines = [
        "<b>" + _e(_("Volunteer desk")) + "</b>",
        "",
        _e(_("Re-checks due: {count}").format(count=due)),
        *([_reported_line(t)] if reported else []),
        _e(_("Proposals waiting for your review: {count}").format(count=waiting)),
        "",
        _e(
            _(
                "To propose many changes at once, send a directory file (.yaml) here."
                " It is checked like 'helpline directory validate'."
            )
        ),
    ]
    rows = [
        [("🔁 " + _("Re-check ({count})").format(count=due), encode(tap.to(Act.QUEUE, 0)))],
        [("📝 " + _("Review ({count})").format(count=waiting), encode(tap.to(Act.REVIEWS, 0)))],
        [
            ("📚 " + _("All entries"), encode(tap.to(Act.ENTRIES, 0))),
            ("🔎 " + _("Find by id"), encode(tap.to(Act.FIND, 0))),
        ],
        [("➕ " + _("New entry"), encode(tap.to(Act.NEW, 0)))],
    ]
    if drafts:
        label = "✏️ " + _("My drafts ({count})").format(count=drafts)
        rows.append([(label, encode(tap.to(Act.DRAFTS, 0)))])
    if admin:
        rows.append([("👥 " + _("Volunteers"), encode(tap.to(Act.STAFF, 0)))])
    return View("\n".join(lines), rows)


def recheck_queue(t: Texts, tap: Tap, items: Sequence[Listed], page: int, total: int) -> View:
    _ = t.gettext
    page, pages = page_of(total, page)
    lines = ["<b>" + _e(_("Re-checks due: {count}").format(count=total)) + "</b>"]
    if total:
        lines += [
            "⚠ " + _e(_("Reported by users as not working: these come first.")),
            "⏳ " + _e(_("Not shown to users: the last check is too old.")),
            "⏰ " + _e(_("Due for a re-check soon.")),
            _e(_("Oldest check first.")),
        ]
    else:
        lines.append(_e(_("Nothing is due. Thank you.")))
    rows = [
        [(f"{item.mark} {item.name}".strip()[:60], encode(tap.to(Act.ENTRY, page, item.entry_id)))]
        for item in items
    ]
    return View("\n".join(lines), _paged(t, tap, rows, Act.QUEUE, page, pages))


def due_mark(t: Texts, due: Due, rules: Rules) -> str:
    """Reported by users, hidden from users, or due soon: a sign, and no number."""
    if due.reported:
        return "⚠"
    return "⏳" if rules.stale(due.verified_on) else "⏰"


def all_entries(t: Texts, tap: Tap, items: Sequence[Listed], page: int, total: int) -> View:
    _ = t.gettext
    page, pages = page_of(total, page)
    text = "<b>" + _e(_("All entries: {count}").format(count=total)) + "</b>"
    rows = [
        [(f"{item.name} · {item.entry_id}"[:60], encode(tap.to(Act.LISTED, page, item.entry_id)))]
        for item in items
    ]
    return View(text, _paged(t, tap, rows, Act.ENTRIES, page, pages))


def entry(
    t: Texts, tap: Tap, model: EntryModel, rules: Rules, reported: bool, notice: str = ""
) -> View:
    """The full card as users see it, then what only staff see."""
    _ = t.gettext
    if model.status != "verified":
        state = _("Not shown to users: the status is {status}.").format(status=model.status)
    elif rules.stale(model.verified_on):
        state = _("Not shown to users: the last check is too old.")
    else:
        state = _("Shown to users.")
    staff_lines = [
        "<b>" + _e(_("For staff only")) + "</b>",
        _e(_("Id: {id}").format(id=model.id)),
        _e(state),
    ]
    if reported:
        staff_lines.append("⚠ " + _e(_("Recently reported by users as not working.")))
    if model.internal_note:
        staff_lines.append(_e(_("Staff note: {note}").format(note=model.internal_note)))
    head = [_e(notice), ""] if notice else []
    top = "\n".join([*head, *staff_lines, "", "—", ""])
    text = top + card_text(t, model, room=MAX_MESSAGE - visible_length(top))
    rows: list[list[Button]] = []
    if model.status == "verified":
        rows.append([("✅ " + _("Still correct"), encode(tap.to(Act.CHECKED, 0, model.id)))])
    rows.append([("✏️ " + _("Needs a change"), encode(tap.to(Act.CHANGE, 0, model.id)))])
    if model.status != "archived":
        rows.append([("🗄 " + _("Retire"), encode(tap.to(Act.RETIRE, 0, model.id)))])
    back = Act.ENTRIES if tap.act is Act.LISTED else Act.QUEUE
    rows.append(_nav(t, tap, tap.to(back, tap.number)))
    return View(text, rows)


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _pieces(line: str, limit: int) -> list[str]:
    """A line cut into pieces of at most `limit` UTF-16 units (a description is one line)."""
    pieces, current = [], ""
    for char in line:
        if _utf16(current + char) > limit:
            pieces.append(current)
            current = "  " + char
        else:
            current += char
    return [*pieces, current]


def diff_parts(lines: Sequence[str]) -> list[str]:
    """Diff lines grouped into screens of at most DIFF_BUDGET UTF-16 units, nothing left out:
    a reviewer must be able to read every changed character before she can approve."""
    parts: list[str] = []
    current: list[str] = []
    used = 0
    for line in lines:
        for piece in _pieces(line, DIFF_BUDGET // 2):
            size = _utf16(piece) + 1
            if current and used + size > DIFF_BUDGET:
                parts.append("\n".join(current))
                current, used = [], 0
            current.append(piece)
            used += size
    if current:
        parts.append("\n".join(current))
    return parts or [""]


def _proposal_lines(t: Texts, proposal: Proposal) -> list[str]:
    return draft.diff(proposal.base, proposal.proposed)


def _diff_screen(t: Texts, lines: Sequence[str], part: int) -> tuple[str, int, int]:
    """One part of a diff as HTML, with the part shown and the number of parts."""
    if not lines:
        return "<i>" + _e(t.gettext("No change yet.")) + "</i>", 0, 1
    parts = diff_parts(lines)
    part = min(max(part, 0), len(parts) - 1)
    block = "<pre>" + _e(parts[part]) + "</pre>"
    if len(parts) > 1:
        label = t.gettext("Part {part} of {parts}").format(part=part + 1, parts=len(parts))
        block = "<i>" + _e(label) + "</i>\n" + block
    return block, part, len(parts)


def _part_buttons(t: Texts, tap: Tap, act: Act, number: int, part: int, parts: int) -> list[Button]:
    row: list[Button] = []
    if part > 0:
        row.append(("⬅ " + t.gettext("Previous"), encode(tap.to(act, number, str(part - 1)))))
    if part + 1 < parts:
        row.append((t.gettext("Next part") + " ➡", encode(tap.to(act, number, str(part + 1)))))
    return row


def _kind(t: Texts, proposal: Proposal) -> str:
    _ = t.gettext
    labels = {
        "new": _("New entry"),
        "change": _("Change"),
        "retire": _("Retire"),
        "recheck": _("Re-check"),
    }
    return labels.get(proposal.kind, proposal.kind)


def _title_text(t: Texts, proposal: Proposal) -> str:
    return t.gettext("Proposal {number}: {kind}, {id}").format(
        number=proposal.id, kind=_kind(t, proposal), id=proposal.entry_id
    )


def _title(t: Texts, proposal: Proposal) -> str:
    return "<b>" + _e(_title_text(t, proposal)) + "</b>"


def editor(t: Texts, tap: Tap, proposal: Proposal) -> View:
    _ = t.gettext
    block, _part, _parts = _diff_screen(t, _proposal_lines(t, proposal), 0)
    lines = [
        _title(t, proposal),
        _e(_("Choose what to change. Nothing is sent until you submit it.")),
        "",
        block,
    ]
    pid = proposal.id
    rows = [
        [(_(FIELD_LABELS[f]), encode(tap.to(Act.FIELD, pid, f))) for f in TEXT_FIELDS],
        [
            (_("Places"), encode(tap.to(Act.PLACES, pid))),
            (_("Needs"), encode(tap.to(Act.NEEDS, pid))),
            (_("Languages"), encode(tap.to(Act.LANGS, pid))),
        ],
        [
            (_("Contacts"), encode(tap.to(Act.CONTACTS, pid))),
            (_("Staff note"), encode(tap.to(Act.NOTE, pid))),
        ],
        [("👀 " + _("Check and submit"), encode(tap.to(Act.PREVIEW, proposal.batch)))],
        [("🗑 " + _("Discard this draft"), encode(tap.to(Act.DISCARD, proposal.batch)))],
        _nav(t, tap, None),
    ]
    return View(_fit("\n".join(lines)), rows)


def text_field(t: Texts, tap: Tap, proposal: Proposal, field: str, data: draft.Data) -> View:
    _ = t.gettext
    texts: dict[str, str] = dict(data.get(field) or {})
    label = _(FIELD_LABELS[field])
    lines = ["<b>" + _e(label) + "</b>", _e(_("Choose the language to write in.")), ""]
    for lang, text in texts.items():
        lines.append(f"<b>{_e(t.language_name(lang))}</b>: {_e(text)}")
    langs = [*USER_LANGUAGES, *(lang for lang in texts if lang not in USER_LANGUAGES)]
    rows = [
        [(t.language_name(lang), encode(tap.to(Act.TEXT, proposal.id, f"{field}-{lang}")))]
        for lang in langs
    ]
    rows.append(_nav(t, tap, tap.to(Act.DRAFT, proposal.id)))
    return View(_fit("\n".join(lines)), rows)


def ask_text(t: Texts, tap: Tap, proposal: Proposal, field: str, lang: str, now: str) -> View:
    _ = t.gettext
    lines = [
        "<b>"
        + _e(
            _("Send the new {field} in {language} as a message.").format(
                field=_(FIELD_LABELS[field]), language=t.language_name(lang)
            )
        )
        + "</b>",
    ]
    if now:
        lines += ["", _e(_("Now: {text}").format(text=now))]
    rows: list[list[Button]] = []
    if now:
        rows.append(
            [
                (
                    "🧹 " + _("Remove this text"),
                    encode(tap.to(Act.CLEAR, proposal.id, f"{field}-{lang}")),
                )
            ]
        )
    rows.append([("✖ " + _("Cancel"), encode(tap.to(Act.DRAFT, proposal.id)))])
    return View(_fit("\n".join(lines)), rows)


def invalid(t: Texts, errors: Sequence[FileError], *, then: str = "") -> str:
    """The validator's own messages, as `helpline directory validate` prints them."""
    _ = t.gettext
    lines = ["⚠ " + _e(_("This does not pass the directory's checks:"))]
    lines.append("<pre>" + _e("\n".join(str(e) for e in errors[:30])) + "</pre>")
    if len(errors) > 30:
        lines.append(_e(_("…and {count} more.").format(count=len(errors) - 30)))
    if then:
        lines += ["", _e(then)]
    return _fit("\n".join(lines))


def _toggle_rows(
    t: Texts, tap: Tap, pid: int, act: Act, choices: Sequence[tuple[str, str, str]]
) -> list[list[Button]]:
    rows = []
    for arg, label, on in choices:
        rows.append([(("✅ " if on else "▫️ ") + label, encode(tap.to(act, pid, arg)))])
    return rows


def places(t: Texts, tap: Tap, proposal: Proposal, data: draft.Data) -> View:
    _ = t.gettext
    chosen = set(data.get("regions") or [])
    labels = {**PLACE_LABELS, "ANY": N_("From anywhere (hotline, online)")}
    choices = [
        (code.lower(), _(labels[code]), "on" if code in chosen else "") for code in REGION_CODES
    ]
    rows = _toggle_rows(t, tap, proposal.id, Act.PLACE, choices)
    rows.append(_nav(t, tap, tap.to(Act.DRAFT, proposal.id)))
    return View("<b>" + _e(_("Where does it help? Tap to choose or unchoose.")) + "</b>", rows)


def needs(t: Texts, tap: Tap, proposal: Proposal, data: draft.Data) -> View:
    _ = t.gettext
    chosen = set(data.get("categories") or [])
    choices = [
        (need.replace("_", "-"), _(NEED_LABELS[need]), "on" if need in chosen else "")
        for need in NEEDS
    ]
    rows = _toggle_rows(t, tap, proposal.id, Act.NEED, choices)
    rows.append(_nav(t, tap, tap.to(Act.DRAFT, proposal.id)))
    return View(
        "<b>" + _e(_("Which needs does it meet? Tap to choose or unchoose.")) + "</b>", rows
    )


def languages(t: Texts, tap: Tap, proposal: Proposal, data: draft.Data) -> View:
    _ = t.gettext
    chosen = list(data.get("languages") or [])
    offered = [*draft.SPOKEN_CHOICES, *(c for c in chosen if c not in draft.SPOKEN_CHOICES)]
    choices = [(code, t.language_name(code), "on" if code in chosen else "") for code in offered]
    rows = _toggle_rows(t, tap, proposal.id, Act.LANG, choices)
    rows.append(_nav(t, tap, tap.to(Act.DRAFT, proposal.id)))
    title = _("Which languages do their staff speak? Tap to choose or unchoose.")
    return View("<b>" + _e(title) + "</b>", rows)


def contacts(t: Texts, tap: Tap, proposal: Proposal, data: draft.Data) -> View:
    _ = t.gettext
    items = list(data.get("contacts") or [])
    lines = ["<b>" + _e(_("Contacts")) + "</b>"]
    rows: list[list[Button]] = []
    for index, item in enumerate(items):
        kind = str(item.get("type", ""))
        label = _(CONTACT_LABELS[kind]) if kind in CONTACT_LABELS else kind
        lines.append(f"{index + 1}. {_e(label)}: <code>{_e(str(item.get('value', '')))}</code>")
        remove = "🗑 " + _("Remove {number}").format(number=index + 1)
        rows.append([(remove, encode(tap.to(Act.CONTACT_DROP, proposal.id, str(index))))])
    if not items:
        lines.append(_e(_("No contacts yet.")))
    rows.append([("➕ " + _("Add a contact"), encode(tap.to(Act.CONTACT_ADD, proposal.id)))])
    rows.append(_nav(t, tap, tap.to(Act.DRAFT, proposal.id)))
    return View(_fit("\n".join(lines)), rows)


def contact_types(t: Texts, tap: Tap, proposal: Proposal) -> View:
    _ = t.gettext
    rows = [
        [(_(CONTACT_LABELS[kind]), encode(tap.to(Act.CONTACT_TYPE, proposal.id, kind)))]
        for kind in CONTACT_TYPES
    ]
    rows.append(_nav(t, tap, tap.to(Act.CONTACTS, proposal.id)))
    return View("<b>" + _e(_("What kind of contact?")) + "</b>", rows)


def ask_contact(t: Texts, tap: Tap, proposal: Proposal, kind: str) -> View:
    _ = t.gettext
    text = _("Send the {kind} contact as a message.").format(kind=_(CONTACT_LABELS[kind]))
    rows = [[("✖ " + _("Cancel"), encode(tap.to(Act.CONTACTS, proposal.id)))]]
    return View("<b>" + _e(text) + "</b>", rows)


def note(t: Texts, tap: Tap, proposal: Proposal, data: draft.Data) -> View:
    _ = t.gettext
    now = str(data.get("internal_note") or "")
    lines = [
        "<b>" + _e(_("Staff note")) + "</b>",
        _e(_("Only staff see it: who to ask, how it was checked.")),
        "",
        _e(now) if now else "<i>" + _e(_("No note.")) + "</i>",
    ]
    rows = [[("✏️ " + _("Write a new note"), encode(tap.to(Act.NOTE_TYPE, proposal.id)))]]
    if now:
        rows.append([("🧹 " + _("Remove the note"), encode(tap.to(Act.NOTE_CLEAR, proposal.id)))])
    rows.append(_nav(t, tap, tap.to(Act.DRAFT, proposal.id)))
    return View(_fit("\n".join(lines)), rows)


def ask_note(t: Texts, tap: Tap, proposal: Proposal) -> View:
    _ = t.gettext
    rows = [[("✖ " + _("Cancel"), encode(tap.to(Act.NOTE, proposal.id)))]]
    return View("<b>" + _e(_("Send the new staff note as a message.")) + "</b>", rows)


def ask_id(t: Texts, tap: Tap, *, new: bool) -> View:
    _ = t.gettext
    if new:
        text = _(
            "Send the new entry's id as a message: lowercase letters, digits and '-',"
            " for example seoul-family-center."
        )
    else:
        text = _("Send the entry's id as a message.")
    return View("<b>" + _e(text) + "</b>", [[("✖ " + _("Cancel"), encode(tap.to(Act.HOME, 0)))]])


def preview(
    t: Texts,
    tap: Tap,
    batch: Sequence[Proposal],
    errors: Sequence[FileError],
    unchanged: int = 0,
    part: int = 0,
) -> View:
    """The before/after of everything in a batch, part by part; Submit once it all passes and
    the last part has been shown."""
    _ = t.gettext
    head = []
    if unchanged:
        head.append(
            _e(
                t.ngettext(
                    "{count} entry in the file is the same as now and was left out.",
                    "{count} entries in the file are the same as now and were left out.",
                    unchanged,
                ).format(count=unchanged)
            )
        )
    lines: list[str] = []
    for proposal in batch:
        lines += ["", _title_text(t, proposal), *_proposal_lines(t, proposal)]
    block, part, parts = _diff_screen(t, lines[1:], part)
    body = [*head, block]
    last = part + 1 == parts
    if errors:
        body.append(invalid(t, errors))
    elif last:
        body.append(_e(_("Submit this for review by another volunteer?")))
    rows: list[list[Button]] = []
    batch_id = batch[0].batch if batch else 0
    paging = _part_buttons(t, tap, Act.PREVIEW, batch_id, part, parts)
    if paging:
        rows.append(paging)
    if not errors and batch and last:
        rows.append([("📨 " + _("Submit for review"), encode(tap.to(Act.SUBMIT, batch_id)))])
    if len(batch) == 1:
        rows.append([("✏️ " + _("Keep editing"), encode(tap.to(Act.DRAFT, batch[0].id)))])
    if batch:
        rows.append([("🗑 " + _("Discard"), encode(tap.to(Act.DISCARD, batch_id)))])
    rows.append(_nav(t, tap, None))
    return View("\n\n".join(body), rows)


def notice(t: Texts, tap: Tap, message: str, back: Tap | None = None) -> View:
    """A one-line result (submitted, approved, refused...) with the way on."""
    return View(_e(message), [_nav(t, tap, back)])


def drafts(t: Texts, tap: Tap, items: Sequence[Proposal]) -> View:
    _ = t.gettext
    rows = [
        [(f"{p.id} · {_kind(t, p)} · {p.entry_id}"[:60], encode(tap.to(Act.DRAFT, p.id)))]
        for p in items[:40]
    ]
    rows.append(_nav(t, tap, None))
    return View("<b>" + _e(_("My drafts")) + "</b>", rows)


def review_queue(t: Texts, tap: Tap, items: Sequence[Proposal], page: int) -> View:
    _ = t.gettext
    page, pages = page_of(len(items), page)
    shown = items[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    lines = [
        "<b>"
        + _e(_("Proposals waiting for your review: {count}").format(count=len(items)))
        + "</b>"
    ]
    if not items:
        lines.append(_e(_("Nothing waits. Thank you.")))
    rows = [
        [(f"{p.id} · {_kind(t, p)} · {p.entry_id}"[:60], encode(tap.to(Act.REVIEW, p.id)))]
        for p in shown
    ]
    return View("\n".join(lines), _paged(t, tap, rows, Act.REVIEWS, page, pages))


def review(t: Texts, tap: Tap, proposal: Proposal, *, may_decide: bool, part: int = 0) -> View:
    """A proposal for review, part by part: Approve and Reject come with the last part, so
    that nothing can be approved unseen. Who proposed it is not shown (volunteers need not
    know each other's Telegram ids)."""
    _ = t.gettext
    created = proposal.created_at.date().isoformat()
    block, part, parts = _diff_screen(t, _proposal_lines(t, proposal), part)
    lines = [_title(t, proposal), _e(_("Proposed on {date}.").format(date=created))]
    if proposal.kind == "recheck":  # only the date changes; say what approving it does
        lines.append(
            "<b>" + _e(_("Re-checked: still correct. Approving shows it to users again.")) + "</b>"
        )
    lines += ["", block]
    rows: list[list[Button]] = []
    paging = _part_buttons(t, tap, Act.REVIEW, proposal.id, part, parts)
    if paging:
        rows.append(paging)
    if not may_decide:
        lines += ["", _e(_("You made this proposal. Another volunteer must review it."))]
    elif part + 1 == parts:
        rows.append(
            [
                ("✅ " + _("Approve"), encode(tap.to(Act.APPROVE, proposal.id))),
                ("✖ " + _("Reject"), encode(tap.to(Act.REJECT, proposal.id))),
            ]
        )
    rows.append(_nav(t, tap, tap.to(Act.REVIEWS, 0)))
    return View("\n".join(lines), rows)


def reasons(t: Texts, tap: Tap, proposal: Proposal) -> View:
    _ = t.gettext
    rows = [
        [(_(reason)[:60], encode(tap.to(Act.REASON, proposal.id, str(index))))]
        for index, reason in enumerate(REJECT_REASONS)
    ]
    rows.append([("✏️ " + _("Write a reason"), encode(tap.to(Act.REASON_TYPE, proposal.id)))])
    rows.append(_nav(t, tap, tap.to(Act.REVIEW, proposal.id)))
    return View("<b>" + _e(_("Why is it rejected? The author will read this.")) + "</b>", rows)


def ask_reason(t: Texts, tap: Tap, proposal: Proposal) -> View:
    _ = t.gettext
    rows = [[("✖ " + _("Cancel"), encode(tap.to(Act.REVIEW, proposal.id)))]]
    return View("<b>" + _e(_("Send the reason as a message. Keep it short.")) + "</b>", rows)


def reason_text(t: Texts, reason: str) -> str:
    """A stored reason in the reader's language: presets are kept as `preset:N`."""
    prefix = "preset:"
    if reason.startswith(prefix) and reason[len(prefix) :].isdigit():
        index = int(reason[len(prefix) :])
        if index < len(REJECT_REASONS):
            return t.gettext(REJECT_REASONS[index])
    return reason


def rejected_notice(t: Texts, proposal: Proposal) -> str:
    _ = t.gettext
    head = _("Your proposal {number} ({id}) was not accepted.").format(
        number=proposal.id, id=proposal.entry_id
    )
    reason = _("Reason: {reason}").format(reason=reason_text(t, proposal.reason))
    return _e(head) + "\n" + _e(reason)


def digest(t: Texts, *, due: int, reported: bool, waiting: int) -> str:
    _ = t.gettext
    lines = [_e(_("Volunteer desk: today's list."))]
    if due:
        lines.append(
            _e(
                t.ngettext(
                    "{count} entry is due for a re-check.",
                    "{count} entries are due for a re-check.",
                    due,
                ).format(count=due)
            )
        )
        if reported:
            lines.append(_reported_line(t))
    if waiting:
        lines.append(
            _e(
                t.ngettext(
                    "{count} proposal waits for your review.",
                    "{count} proposals wait for your review.",
                    waiting,
                ).format(count=waiting)
            )
        )
    lines.append(_e(_("Open it with /volunteer.")))
    return "\n".join(lines)


def staff_list(t: Texts, tap: Tap, members: Sequence[Staff], me: int, page: int = 0) -> View:
    _ = t.gettext
    page, pages = page_of(len(members), page)
    lines = ["<b>" + _e(_("Volunteers and admins")) + "</b>", ""]
    rows: list[list[Button]] = []
    for member in members[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]:
        role = _("admin") if member.role == "admin" else _("volunteer")
        lines.append(f"<code>{member.user_id}</code> · {_e(role)} · {member.added_on.isoformat()}")
        if member.role == "volunteer" and member.user_id != me:
            label = "🗑 " + _("Remove {id}").format(id=member.user_id)
            rows.append([(label, encode(tap.to(Act.STAFF_DROP, page, str(member.user_id))))])
    lines += ["", _e(_("Admins are managed on the server: helpline staff add|remove."))]
    paging = _pages(t, tap, Act.STAFF, page, pages)
    if paging:
        rows.append(paging)
    rows.append([("➕ " + _("Add a volunteer"), encode(tap.to(Act.STAFF_ADD, 0)))])
    rows.append(_nav(t, tap, None))
    return View("\n".join(lines), rows)


def staff_add_question(t: Texts, tap: Tap, user_id: int) -> View:
    _ = t.gettext
    text = _(
        "Add {id} as a volunteer? They will see the volunteer desk, staff notes and the"
        " re-check queue."
    ).format(id=user_id)
    rows = [
        [("➕ " + _("Yes, add"), encode(tap.to(Act.STAFF_ADD_YES, 0, str(user_id))))],
        _nav(t, tap, tap.to(Act.STAFF, 0)),
    ]
    return View(_e(text), rows)


def staff_drop_question(t: Texts, tap: Tap, user_id: int) -> View:
    _ = t.gettext
    text = _("Remove volunteer {id}? They will no longer see the volunteer desk.").format(
        id=user_id
    )
    rows = [
        [("🗑 " + _("Yes, remove"), encode(tap.to(Act.STAFF_DROP_YES, 0, str(user_id))))],
        _nav(t, tap, tap.to(Act.STAFF, 0)),
    ]
    return View(_e(text), rows)


def ask_staff_id(t: Texts, tap: Tap) -> View:
    _ = t.gettext
    text = _(
        "Send the new volunteer's Telegram user id (digits only) as a message."
        " They can see it in a bot such as @userinfobot."
    )
    return View("<b>" + _e(text) + "</b>", [[("✖ " + _("Cancel"), encode(tap.to(Act.STAFF, 0)))]])


def history(t: Texts, entry_id: str, lines: Sequence[str]) -> str:
    """An entry's audit trail, newest last; older records give way, and a record too long on
    its own is cut, so that the newest change is always there."""
    _ = t.gettext
    head = "<b>" + _e(_("History of {id}").format(id=entry_id)) + "</b>\n"
    if not lines:
        return head + _e(_("No changes are recorded for this id."))
    room = MAX_MESSAGE - visible_length(head) - 50
    kept: list[str] = []
    used = 0
    for line in reversed(lines):
        size = _utf16(line) + 2
        if used + size > room:
            if not kept:
                kept.append(_cut_utf16(line, room))
            break
        kept.insert(0, line)
        used += size
    return head + "<pre>" + _e("\n\n".join(kept)) + "</pre>"


def _cut_utf16(text: str, limit: int) -> str:
    if _utf16(text) <= limit:
        return text
    out = ""
    for char in text:
        if _utf16(out + char) > limit - 1:
            break
        out += char
    return out + "…"


def _fit(text: str) -> str:
    """Keep a staff screen inside Telegram's limit (counted as Telegram counts, in UTF-16
    units after the markup): an over-long one loses its markup and its tail."""
    if visible_length(text) <= MAX_MESSAGE:
        return text
    plain = html.unescape(re.sub(r"<[^>]+>", "", text))
    return _e(_cut_utf16(plain, MAX_MESSAGE))


def fit(view: View) -> View:
    return View(_fit(view.text), view.rows)
