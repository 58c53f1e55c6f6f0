"""A desk of editors: server-side sessions, login throttling, roles, article status and
assignment, comments on flags, checks queued from the browser, and the evidence and
publication fields an editor reads.

New tables: ``sessions``, ``login_throttle``, ``comments``, ``check_jobs``. New columns:
``users.role/disabled_at/removed_at``, ``runs.article_url/article_published/status/assignee_id``,
``claims.decided_by/source_sentence/verdict_note``, ``evidence.url/title/date/probabilities``.
Portable: SQLAlchemy types only, named constraints, batch mode for SQLite's ALTER TABLE.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("role", sa.String(16), nullable=False, server_default="editor"))
        batch.add_column(sa.Column("disabled_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("removed_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("article_url", sa.Text(), nullable=True))
        batch.add_column(sa.Column("article_published", sa.String(40), nullable=True))
        batch.add_column(sa.Column("status", sa.String(16), nullable=False, server_default="new"))
        batch.add_column(sa.Column("assignee_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_runs_assignee_id_users", "users", ["assignee_id"], ["id"], ondelete="SET NULL")
        batch.create_index("ix_runs_status", ["status"])
        batch.create_index("ix_runs_assignee_id", ["assignee_id"])
    with op.batch_alter_table("claims") as batch:
        batch.add_column(sa.Column("decided_by", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("source_sentence", sa.Text(), nullable=True))
        batch.add_column(sa.Column("verdict_note", sa.Text(), nullable=True))
    with op.batch_alter_table("evidence") as batch:
        batch.add_column(sa.Column("url", sa.Text(), nullable=True))
        batch.add_column(sa.Column("title", sa.Text(), nullable=True))
        batch.add_column(sa.Column("date", sa.String(40), nullable=True))
        batch.add_column(sa.Column("probabilities", sa.JSON(), nullable=True))
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_sessions_user_id_users", ondelete="CASCADE"),
        sa.UniqueConstraint("token_hash", name="uq_sessions_token_hash"),
    )
    op.create_index("ix_sessions_user_id", "sessions", ["user_id"])
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(), nullable=True),
        sa.Column("blocked_until", sa.DateTime(), nullable=True),
        sa.Column("locked", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "comments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("flag_pk", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["flag_pk"], ["flags.id"], name="fk_comments_flag_pk_flags", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_comments_user_id_users"),
    )
    op.create_index("ix_comments_flag_pk", "comments", ["flag_pk"])
    op.create_table(
        "check_jobs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("suffix", sa.String(8), nullable=False),
        sa.Column("source_text", sa.Text(), nullable=False),
        sa.Column("evidence_set", sa.String(80), nullable=False),
        sa.Column("article_url", sa.Text(), nullable=True),
        sa.Column("article_published", sa.String(40), nullable=True),
        sa.Column("stage", sa.String(32), nullable=False),
        sa.Column("stages_done", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_check_jobs_user_id_users"),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name="fk_check_jobs_run_id_runs", ondelete="SET NULL"),
        sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="ck_check_jobs_status"),
    )


def downgrade() -> None:
    for table in ("check_jobs", "comments", "login_throttle", "sessions"):
        op.drop_table(table)
    with op.batch_alter_table("evidence") as batch:
        for column in ("probabilities", "date", "title", "url"):
            batch.drop_column(column)
    with op.batch_alter_table("claims") as batch:
        for column in ("verdict_note", "source_sentence", "decided_by"):
            batch.drop_column(column)
    with op.batch_alter_table("runs") as batch:
        batch.drop_index("ix_runs_assignee_id")
        batch.drop_index("ix_runs_status")
        batch.drop_constraint("fk_runs_assignee_id_users", type_="foreignkey")
        for column in ("assignee_id", "status", "article_published", "article_url"):
            batch.drop_column(column)
    with op.batch_alter_table("users") as batch:
        for column in ("removed_at", "disabled_at", "role"):
            batch.drop_column(column)
