"""what to expect: a new text field of entries

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 09:00:00

An entry's texts are rows of `entry_texts` by field and language, and keys of its document:
a new text field needs no new column, so upgrade has nothing to change. Downgrade takes
`expect` out of everything the code at 0012 reads: its rows in `entry_texts`, the entries'
documents, and the proposals (whose checks, at 0012, refuse a field they do not know, so a
proposal that kept it could never be approved). What to expect is lost on the way down, as
a dropped column's values are.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
import yaml
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FIELD = "expect"


def upgrade() -> None:
    """Nothing to change: see above."""


def _without_expect_yaml(text: str) -> str | None:
    """A proposal's YAML without `expect`, as the desk writes drafts; None if it has none."""
    data = yaml.safe_load(text) if text else None
    if not isinstance(data, dict) or FIELD not in data:
        return None
    del data[FIELD]
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=4096)


def downgrade() -> None:
    connection = op.get_bind()
    connection.execute(sa.text("DELETE FROM entry_texts WHERE field = :field"), {"field": FIELD})
    rows = connection.execute(sa.text("SELECT id, document FROM entries")).all()
    for entry_id, document in rows:
        data = json.loads(document) if document else {}
        if FIELD in data:
            del data[FIELD]
            connection.execute(
                sa.text("UPDATE entries SET document = :document WHERE id = :id"),
                {"document": json.dumps(data, ensure_ascii=False), "id": entry_id},
            )
    proposals = connection.execute(sa.text("SELECT id, base, proposed FROM proposals")).all()
    for proposal_id, base, proposed in proposals:
        new_base, new_proposed = _without_expect_yaml(base), _without_expect_yaml(proposed)
        if new_base is None and new_proposed is None:
            continue
        connection.execute(
            sa.text("UPDATE proposals SET base = :base, proposed = :proposed WHERE id = :id"),
            {"base": new_base or base, "proposed": new_proposed or proposed, "id": proposal_id},
        )
