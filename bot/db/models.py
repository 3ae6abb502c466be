"""Database tables. They hold the directory only: nothing here can describe a user, except
while a conversation with a volunteer is open, and then only sealed (`RelayConversation`)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Entry(Base):
    """One vetted support contact (an organisation or service)."""

    __tablename__ = "entries"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    verified_on: Mapped[dt.date | None] = mapped_column(Date)
    internal_note: Mapped[str | None] = mapped_column(Text)  # staff only, never shown to users
    # The whole entry as JSON (the file format's fields), written with the row: what screens
    # read, in one query. The tables below are what lists filter and rank by. Every row has
    # one (`directory.to_row`, migration 0008); the column allows NULL only because SQLite can
    # add a NOT NULL column to a table others refer to only by rebuilding it, and rebuilding
    # it would cascade-delete their rows.
    document: Mapped[str] = mapped_column(Text, nullable=True)
    # Structured opening hours (file version 2, `opening`), also in the document: the rule in
    # OpenStreetMap notation, the IANA time zone, the country whose public holidays close it.
    opening_rule: Mapped[str | None] = mapped_column(Text)
    opening_zone: Mapped[str | None] = mapped_column(String(64))
    opening_holidays: Mapped[str | None] = mapped_column(String(8))

    texts: Mapped[list[EntryText]] = relationship(
        back_populates="entry",
        cascade="all, delete-orphan",
        order_by="EntryText.field, EntryText.lang",
    )
    categories: Mapped[list[EntryCategory]] = relationship(
        cascade="all, delete-orphan", order_by="EntryCategory.position"
    )
    regions: Mapped[list[EntryRegion]] = relationship(
        cascade="all, delete-orphan", order_by="EntryRegion.position"
    )
    languages: Mapped[list[EntryLanguage]] = relationship(
        cascade="all, delete-orphan", order_by="EntryLanguage.position"
    )
    contacts: Mapped[list[Contact]] = relationship(
        cascade="all, delete-orphan", order_by="Contact.position"
    )
    listings: Mapped[list[Listing]] = relationship(cascade="all, delete-orphan")


class EntryText(Base):
    """A piece of an entry's text (name, description, hours) in one language."""

    __tablename__ = "entry_texts"

    entry_id: Mapped[str] = mapped_column(
        ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True
    )
    field: Mapped[str] = mapped_column(String(16), primary_key=True)
    lang: Mapped[str] = mapped_column(String(8), primary_key=True)
    text: Mapped[str] = mapped_column(Text)

    entry: Mapped[Entry] = relationship(back_populates="texts")


class EntryCategory(Base):
    __tablename__ = "entry_categories"
    __table_args__ = (Index("ix_entry_categories_category", "category", "entry_id"),)

    entry_id: Mapped[str] = mapped_column(
        ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True
    )
    category: Mapped[str] = mapped_column(String(32), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)


class EntryRegion(Base):
    __tablename__ = "entry_regions"
    __table_args__ = (Index("ix_entry_regions_region", "region", "entry_id"),)

    entry_id: Mapped[str] = mapped_column(
        ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True
    )
    region: Mapped[str] = mapped_column(String(16), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)


class EntryLanguage(Base):
    """A language the service's staff speak."""

    __tablename__ = "entry_languages"

    entry_id: Mapped[str] = mapped_column(
        ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True
    )
    lang: Mapped[str] = mapped_column(String(8), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)


class Contact(Base):
    __tablename__ = "contacts"

    entry_id: Mapped[str] = mapped_column(
        ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    type: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(200))


class Listing(Base):
    """Where a verified entry is listed: one row per need and place it serves (an entry for
    anywhere is listed in every place, and once more in the anywhere list: need '' and place
    ANY), with its order in each user language. A list is then one range of one index, read
    in order, whatever the size of the directory."""

    __tablename__ = "listings"
    __table_args__ = (
        Index("ix_listings_ko", "need", "place", "key_ko", "entry_id", "verified_on"),
        Index("ix_listings_zh", "need", "place", "key_zh", "entry_id", "verified_on"),
        Index("ix_listings_en", "need", "place", "key_en", "entry_id", "verified_on"),
        # The page total: a count over a range of this narrower index.
        Index("ix_listings_fresh", "need", "place", "verified_on"),
    )

    entry_id: Mapped[str] = mapped_column(
        ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True
    )
    need: Mapped[str] = mapped_column(String(32), primary_key=True)
    place: Mapped[str] = mapped_column(String(16), primary_key=True)
    verified_on: Mapped[dt.date] = mapped_column(Date)
    # Her language's order: "0" if the service's staff speak it, else "1", then the name in
    # her language (else English, else the lowest language code).
    key_ko: Mapped[str] = mapped_column(Text)
    key_zh: Mapped[str] = mapped_column(Text)
    key_en: Mapped[str] = mapped_column(Text)


class DailyCount(Base):
    """One aggregate number for one UTC day: how many times `metric` happened for `key`.

    Metrics: sessions, unique_users, erases (key ''); language, place, need (key: the code);
    entry_opened, not_working (key: the entry id). No row can be tied to a person: there is
    no time finer than the day and no combination of dimensions.
    """

    __tablename__ = "daily_counts"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    metric: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class WeeklyNeedPlace(Base):
    """Need x place, the one combination kept, and only per ISO week (`2026-W48`)."""

    __tablename__ = "weekly_need_place"

    week: Mapped[str] = mapped_column(String(8), primary_key=True)
    need: Mapped[str] = mapped_column(String(32), primary_key=True)
    place: Mapped[str] = mapped_column(String(16), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class PublishedPeriod(Base):
    """A week or month whose counts were published: decided once, then never changed, so
    that no two views of it differ (`bot/stats/publish.py`)."""

    __tablename__ = "stats_periods"

    label: Mapped[str] = mapped_column(String(8), primary_key=True)  # 2026-W47, 2026-11
    kind: Mapped[str] = mapped_column(String(8))  # week, month
    first_day: Mapped[dt.date] = mapped_column(Date)
    last_day: Mapped[dt.date] = mapped_column(Date, index=True)
    min_count: Mapped[int] = mapped_column(Integer)


class PublishedCell(Base):
    """One published number of a period (`need_place:shelter:CN`, `day:2026-11-16`,
    `opened:some-entry`...), with whether it is shown or hidden. Hidden numbers are kept
    because a month is decided around the weeks it is made of."""

    __tablename__ = "stats_cells"

    period: Mapped[str] = mapped_column(
        ForeignKey("stats_periods.label", ondelete="CASCADE"), primary_key=True
    )
    cell: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    hidden: Mapped[bool] = mapped_column(Boolean)


class Staff(Base):
    """Volunteers and admins: the only Telegram user ids the bot ever stores."""

    __tablename__ = "staff"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    role: Mapped[str] = mapped_column(String(16))
    added_on: Mapped[dt.date] = mapped_column(Date)
    lang: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    # The one typed answer the bot waits for from this member of staff (new text for a draft,
    # a reason for a rejection, an id to add), and since when: it lapses after a while.
    waiting_for: Mapped[str | None] = mapped_column(String(64))
    waiting_since: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # "Talk to a person": whether she takes conversations now (she is pinged when one waits),
    # and the first name shown under her answers, if she chose one (bot/relay/duty.py).
    on_duty: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    signature: Mapped[str | None] = mapped_column(String(32))


class Proposal(Base):
    """A change to one entry, proposed by a member of staff and applied only once approved.

    `base` is the entry as the author saw it (empty for a new entry): if the entry is no
    longer exactly that at approval, the approval is refused rather than overwriting a change
    the author never saw. `proposed` is the whole entry afterwards, in the file's YAML form;
    while a draft it may still be incomplete. Proposals made together (one uploaded file)
    share a `batch`.
    """

    __tablename__ = "proposals"
    __table_args__ = (
        Index("ix_proposals_state", "state", "id"),
        Index("ix_proposals_author", "author", "state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch: Mapped[int] = mapped_column(Integer)
    author: Mapped[int] = mapped_column(BigInteger)  # a staff id
    state: Mapped[str] = mapped_column(String(16))  # draft, open, approved, rejected
    kind: Mapped[str] = mapped_column(String(16))  # new, change, retire, recheck
    entry_id: Mapped[str] = mapped_column(String(40))
    base: Mapped[str] = mapped_column(Text)
    proposed: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    reviewer: Mapped[int | None] = mapped_column(BigInteger)  # a staff id
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")


class DailyJob(Base):
    """A once-a-day job (the volunteers' digest) claimed by one bot process for one day, so
    that several processes sharing the database run it once."""

    __tablename__ = "daily_jobs"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)


class AuditRecord(Base):
    """One change to the directory. Appended, never updated or deleted by the application."""

    __tablename__ = "audit"
    __table_args__ = (Index("ix_audit_entry", "entry_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(32))  # a staff id, or "cli"
    entry_id: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(16))  # added, updated, removed, rechecked, ...
    field: Mapped[str] = mapped_column(String(32), default="")
    lang: Mapped[str] = mapped_column(String(8), default="")
    old: Mapped[str] = mapped_column(Text, default="")
    new: Mapped[str] = mapped_column(Text, default="")
    approved_by: Mapped[str] = mapped_column(String(32), default="")


class RelayConversation(Base):
    """One open conversation between a user and the volunteers (bot/relay/, docs/PRIVACY.md).

    Nothing here is readable without RELAY_KEY, which is never in the database: `chat_tag` is
    a keyed hash of her chat id (to find the row when she writes again), `sealed` her route
    (chat id, language, place, need, the ids of messages to delete) under AES-GCM with the
    case code as associated data. The row is deleted when the conversation ends."""

    __tablename__ = "relay_conversations"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    topic_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    chat_tag: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    last_activity: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    answered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class RelayBlock(Base):
    """A person refused "Talk to a person" until `until`: a keyed hash of her user id under
    RELAY_KEY, deleted once past."""

    __tablename__ = "relay_blocks"

    tag: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    until: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
