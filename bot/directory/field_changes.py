"""What a change to an entry does, field by field, for the audit trail: one record per field
and language that differs, so that the history shows the value that changed and who changed it,
whether the change came through the desk or in an imported file.
"""

from __future__ import annotations

from bot.directory.schema import TEXT_FIELDS, EntryModel, opening_text


def _listing(values: list[str]) -> str:
    return ", ".join(values)


def changes(before: EntryModel | None, after: EntryModel) -> list[tuple[str, str, str, str]]:
    """Field by field, what a change does: (field, language, old, new), for the audit trail."""
    found: list[tuple[str, str, str, str]] = []

    def scalar(field: str, old: object, new: object) -> None:
        old_text = "" if old is None else str(old)
        new_text = "" if new is None else str(new)
        if old_text != new_text:
            found.append((field, "", old_text, new_text))

    old_model = before
    scalar("status", old_model.status if old_model else None, after.status)
    scalar("verified_on", old_model.verified_on if old_model else None, after.verified_on)
    for key in ("categories", "regions", "languages"):
        scalar(
            key,
            _listing(getattr(old_model, key)) if old_model else None,
            _listing(getattr(after, key)),
        )
    for field in TEXT_FIELDS:
        old_texts: dict[str, str] = getattr(old_model, field) if old_model else {}
        new_texts: dict[str, str] = getattr(after, field)
        for lang in sorted(set(old_texts) | set(new_texts)):
            old_text, new_text = old_texts.get(lang, ""), new_texts.get(lang, "")
            if old_text != new_text:
                found.append((field, lang, old_text, new_text))

    def contacts(model: EntryModel | None) -> str:
        return "\n".join(f"{c.type}: {c.value}" for c in model.contacts) if model else ""

    scalar("opening", opening_text(old_model), opening_text(after))
    scalar("contacts", contacts(old_model), contacts(after))
    scalar("internal_note", old_model.internal_note if old_model else None, after.internal_note)
    return found
