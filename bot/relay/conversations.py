"""The open conversations and the blocks: all of the relay's SQL, each function one short
transaction.

One row per open conversation, found by her chat's tag (when she writes) or by its topic (when
a volunteer answers), whichever bot process receives the update: nothing is kept per process.
What the row holds about her is sealed (bot/relay/route.py); it is deleted when the
conversation ends. Changes to a route (the ids to delete, whether she keeps her side) read,
change and write the sealed blob again, so two processes doing it at once must take turns:
PostgreSQL locks the row (`FOR UPDATE`), SQLite writes one transaction at a time, and the
transaction takes its write lock before it reads (`_locked`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import database
from bot.db.models import RelayBlock, RelayConversation
from bot.relay.keys import RelayKeys
from bot.relay.route import Route, RouteUnreadable, seal, unseal
from bot.relay.topic import new_code

Sessions = async_sessionmaker[AsyncSession]
OPEN_ATTEMPTS = 8  # new codes tried when one is taken (one in a million per open row)


@dataclass(frozen=True)
class Conversation:
    code: str
    topic_id: int | None
    route: Route
    opened_at: dt.datetime
    last_activity: dt.datetime
    answered_at: dt.datetime | None


class Blocked(Exception):
    """She is refused for a while ("End and block"); until when is not told."""


def _utc(value: dt.datetime) -> dt.datetime:
    """SQLite gives back what it was given without its zone: it was UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _conversation(keys: RelayKeys, row: RelayConversation) -> Conversation:
    return Conversation(
        code=row.code,
        topic_id=row.topic_id,
        route=unseal(keys, row.code, row.sealed),
        opened_at=_utc(row.opened_at),
        last_activity=_utc(row.last_activity),
        answered_at=_utc(row.answered_at) if row.answered_at is not None else None,
    )


async def _blocked(session: AsyncSession, keys: RelayKeys, user_id: int, now: dt.datetime) -> bool:
    tag = keys.person_tag(user_id)
    return (
        await session.scalar(
            select(RelayBlock.tag).where(RelayBlock.tag == tag, RelayBlock.until > now)
        )
    ) is not None


async def blocked(sessions: Sessions, keys: RelayKeys, user_id: int, now: dt.datetime) -> bool:
    """Whether `user_id` is refused now (in a private chat her chat id is her user id)."""
    async with sessions() as session:
        return await _blocked(session, keys, user_id, now)


async def _open_once(
    session: AsyncSession, keys: RelayKeys, route: Route, now: dt.datetime
) -> tuple[Conversation, bool] | None:
    tag = keys.chat_tag(route.chat_id)
    found = await session.scalar(select(RelayConversation).where(RelayConversation.chat_tag == tag))
    if found is not None:
        try:
            return _conversation(keys, found), False
        except RouteUnreadable:  # not this key's: it cannot be continued, so it is replaced
            await session.delete(found)
            await session.flush()
    code = new_code()
    if await session.get(RelayConversation, code) is not None:
        return None
    session.add(
        RelayConversation(
            code=code,
            topic_id=None,
            chat_tag=tag,
            sealed=seal(keys, code, route),
            opened_at=now,
            last_activity=now,
            answered_at=None,
        )
    )
    return Conversation(code, None, route, now, now, None), True


async def open_conversation(
    sessions: Sessions, keys: RelayKeys, route: Route, now: dt.datetime
) -> tuple[Conversation, bool]:
    """Her open conversation, and whether it is new. Raises Blocked if she is refused (her
    chat id, in a private chat, is her user id)."""
    for _attempt in range(OPEN_ATTEMPTS):
        try:
            async with sessions() as session, session.begin():
                if await _blocked(session, keys, route.chat_id, now):
                    raise Blocked
                opened = await _open_once(session, keys, route, now)
        except IntegrityError:  # the code was taken, or she opened one in another process
            continue
        if opened is not None:
            return opened
    raise RuntimeError("no free case code found")


async def set_topic(sessions: Sessions, code: str, topic_id: int) -> None:
    async with sessions() as session, session.begin():
        await session.execute(
            update(RelayConversation)
            .where(RelayConversation.code == code)
            .values(topic_id=topic_id)
        )


def _readable(keys: RelayKeys, row: RelayConversation | None) -> Conversation | None:
    if row is None:
        return None
    try:
        return _conversation(keys, row)
    except RouteUnreadable:  # sealed under an earlier RELAY_KEY: see purge_unreadable
        return None


async def by_chat(sessions: Sessions, keys: RelayKeys, chat_id: int) -> Conversation | None:
    tag = keys.chat_tag(chat_id)
    async with sessions() as session:
        row = await session.scalar(
            select(RelayConversation).where(RelayConversation.chat_tag == tag)
        )
        return _readable(keys, row)


async def by_topic(sessions: Sessions, keys: RelayKeys, topic_id: int) -> Conversation | None:
    async with sessions() as session:
        row = await session.scalar(
            select(RelayConversation).where(RelayConversation.topic_id == topic_id)
        )
        return _readable(keys, row)


async def _locked(session: AsyncSession, code: str) -> RelayConversation | None:
    """The row, for this transaction alone until it ends. PostgreSQL locks the row. SQLite
    locks the whole file for writing, but only at a transaction's first write: a no-op
    update takes that lock now, before the read, so that another process's read-and-write
    waits for this one's to be committed instead of overwriting it."""
    if session.get_bind().dialect.name == "sqlite":
        await session.execute(
            update(RelayConversation)
            .where(RelayConversation.code == code)
            .values(code=RelayConversation.code)
        )
    return await session.scalar(
        select(RelayConversation).where(RelayConversation.code == code).with_for_update()
    )


def _with_ids(ids: list[int], more: list[int]) -> list[int]:
    seen = set(ids)
    return ids + [i for i in dict.fromkeys(more) if i not in seen]


async def _noted(
    session: AsyncSession, keys: RelayKeys, code: str, message_ids: list[int], now: dt.datetime
) -> RelayConversation | None:
    """The row, locked, with `message_ids` added to the ids to delete and active now; None
    if the conversation has ended (elsewhere)."""
    row = await _locked(session, code)
    if row is None:
        return None
    route = unseal(keys, code, row.sealed)
    route.her_message_ids = _with_ids(route.her_message_ids, message_ids)
    row.sealed = seal(keys, code, route)
    row.last_activity = max(_utc(row.last_activity), now)
    return row


async def note_hers(
    sessions: Sessions, keys: RelayKeys, code: str, message_ids: list[int], now: dt.datetime
) -> None:
    """Message ids in her chat (hers, relayed) to delete when it ends; she was active now."""
    async with sessions() as session, session.begin():
        await _noted(session, keys, code, message_ids, now)


async def note_answer(
    sessions: Sessions, keys: RelayKeys, code: str, message_ids: list[int], now: dt.datetime
) -> dt.timedelta | None:
    """Message ids the bot sent into her chat with a volunteer's answer, to delete when it
    ends. Returns how long she waited for the first answer, on the first one only."""
    async with sessions() as session, session.begin():
        row = await _noted(session, keys, code, message_ids, now)
        if row is None or row.answered_at is not None:
            return None
        row.answered_at = now
        return max(now - _utc(row.opened_at), dt.timedelta(0))


async def keep_her_side(sessions: Sessions, keys: RelayKeys, code: str) -> None:
    """She chose to keep her side: her chat is left as it is when the conversation ends."""
    async with sessions() as session, session.begin():
        row = await _locked(session, code)
        if row is None:
            return
        route = unseal(keys, code, row.sealed)
        route.keep_her_side = True
        row.sealed = seal(keys, code, route)


async def end(sessions: Sessions, keys: RelayKeys, code: str) -> Conversation | None:
    """Delete the conversation's row and return what it held; None if another process ended
    it first (one delete wins), or if it does not open under this key."""
    columns = RelayConversation.__table__.columns
    async with sessions() as session, session.begin():
        gone = delete(RelayConversation).where(RelayConversation.code == code)
        found = (await session.execute(gone.returning(*columns))).one_or_none()
    if found is None:
        return None
    row = RelayConversation(**found._asdict())
    return _readable(keys, row)


async def idle(sessions: Sessions, now: dt.datetime, idle_hours: int) -> list[str]:
    """The codes of conversations without a message for `idle_hours`, oldest first."""
    since = now - dt.timedelta(hours=idle_hours)
    async with sessions() as session:
        found = await session.scalars(
            select(RelayConversation.code)
            .where(RelayConversation.last_activity <= since)
            .order_by(RelayConversation.last_activity, RelayConversation.code)
        )
        return list(found)


async def purge_unreadable(sessions: Sessions, keys: RelayKeys) -> list[int]:
    """Delete the conversations that do not open under this RELAY_KEY (it was rotated: they
    can no longer reach her) and return their topics, for the group's side to delete."""
    async with sessions() as session, session.begin():
        rows = list(await session.scalars(select(RelayConversation)))
        gone = [row for row in rows if _readable(keys, row) is None]
        for row in gone:
            await session.delete(row)
    return [row.topic_id for row in gone if row.topic_id is not None]


async def block(sessions: Sessions, keys: RelayKeys, user_id: int, until: dt.datetime) -> None:
    """Refuse `user_id` until `until` (a later block wins over an earlier one)."""
    tag = keys.person_tag(user_id)
    async with sessions() as session, session.begin():
        stmt = database.insert_for(session)(RelayBlock).values(tag=tag, until=until)
        await session.execute(
            stmt.on_conflict_do_update(
                index_elements=["tag"],
                set_={"until": stmt.excluded.until},
                where=RelayBlock.until < stmt.excluded.until,
            )
        )


async def purge_blocks(sessions: Sessions, now: dt.datetime) -> int:
    """Delete the blocks that are past; how many."""
    async with sessions() as session, session.begin():
        result = await session.execute(delete(RelayBlock).where(RelayBlock.until <= now))
        return int(result.rowcount)  # type: ignore[attr-defined]
