"""The audit trail: every change to the directory, who made it, who approved it.

Records are only ever appended; nothing in the application updates or deletes them.
"""

from __future__ import annotations

import datetime as dt
import difflib

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import utc_now
from bot.db.models import AuditRecord

CLI = "cli"


def values(
    *,
    actor: str,
    entry_id: str,
    action: str,
    at: dt.datetime,
    field: str = "",
    lang: str = "",
    old: str = "",
    new: str = "",
    approved_by: str = "",
) -> dict[str, object]:
    """A record's columns, for a set-based insert in the caller's transaction (an import)."""
    return {
        "at": at,
        "actor": actor,
        "entry_id": entry_id,
        "action": action,
        "field": field,
        "lang": lang,
        "old": old,
        "new": new,
        "approved_by": approved_by,
    }


def record(
    session: AsyncSession,
    *,
    actor: str,
    entry_id: str,
    action: str,
    field: str,
    lang: str,
    old: str,
    new: str,
    approved_by: str = "",
    at: dt.datetime | None = None,
) -> None:
    """Add a record to the caller's transaction, so it lands with the change or not at all.
    Each change is of one field in one language ("" for a field that has none)."""
    session.add(
        AuditRecord(
            **values(
                actor=actor,
                entry_id=entry_id,
                action=action,
                at=at or utc_now(),
                field=field,
                lang=lang,
                old=old,
                new=new,
                approved_by=approved_by,
            )
        )
    )


async def history(session: AsyncSession, entry_id: str) -> list[AuditRecord]:
    query = select(AuditRecord).where(AuditRecord.entry_id == entry_id).order_by(AuditRecord.id)
    return list(await session.scalars(query))


async def everything(session: AsyncSession) -> list[AuditRecord]:
    """Every record, oldest first: what an HSDS export's `metadata` is made of."""
    return list(await session.scalars(select(AuditRecord).order_by(AuditRecord.id)))


def describe(item: AuditRecord) -> str:
    """One record as text: when, who, what, and the change as a diff."""
    at = item.at.astimezone(dt.UTC) if item.at.tzinfo else item.at  # stored without: UTC
    head = f"{at:%Y-%m-%d %H:%M} UTC  {item.action}  by {item.actor}"
    if item.approved_by:
        head += f", approved by {item.approved_by}"
    where = " ".join(part for part in (item.field, item.lang) if part)
    if where:
        head += f"  ({where})"
    diff = difflib.unified_diff(item.old.splitlines(), item.new.splitlines(), lineterm="", n=1)
    body = [f"    {line}" for line in list(diff)[2:]]  # after the two lines naming the files
    return "\n".join([head, *body])
