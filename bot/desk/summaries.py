"""Proposals and staff as the desk's screens are given them: plain values copied out of the
database rows by the code that read them, so that a screen can neither load nor change
anything, and shows only what it was handed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class ProposalTitle:
    """A proposal as a list or a title names it."""

    id: int
    kind: str  # new, change, retire or recheck
    entry_id: str


@dataclass(frozen=True)
class ProposalDetail:
    """A proposal as the editor, the preview and the review show it."""

    title: ProposalTitle
    batch: int
    created_on: dt.date
    diff: tuple[str, ...]  # its before/after, line by line; empty while nothing changed

    @property
    def id(self) -> int:
        return self.title.id

    @property
    def first_check(self) -> bool:
        """A re-check of a draft: approving it shows the entry to users for the first time."""
        return self.title.kind == "recheck" and "-status: draft" in self.diff


@dataclass(frozen=True)
class Member:
    """A line of the admins' staff list."""

    user_id: int
    role: str
    added_on: dt.date
