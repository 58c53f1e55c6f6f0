"""Flags keep the word-level changes against their deciding source sentence, and that sentence.

For report schema 2 (``changes``, ``source_sentence`` on each flag). Both columns are
nullable: runs recorded from schema-1 reports have neither.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("flags") as batch:
        batch.add_column(sa.Column("changes", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("source_sentence", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("flags") as batch:
        batch.drop_column("source_sentence")
        batch.drop_column("changes")
