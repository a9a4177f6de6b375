"""Threads, comments, moderators, audit log, rate limits.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Timestamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "threads",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("uri", sa.String(1024), nullable=False, unique=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=True),
        sa.Column("closed", sa.Boolean, nullable=False),
        sa.Column("mode", sa.String(8), nullable=True),
        sa.Column("created", Timestamp, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "moderators",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=True, unique=True),
        sa.Column("created", Timestamp, nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False),
    )
    op.create_table(
        "comments",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("thread_id", Id, sa.ForeignKey("threads.id"), nullable=False),
        sa.Column("parent_id", Id, sa.ForeignKey("comments.id"), nullable=True),
        sa.Column("root_id", Id, nullable=True),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("html", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created", Timestamp, nullable=False),
        sa.Column("modified", Timestamp, nullable=True),
        sa.Column("decided", Timestamp, nullable=True),
        sa.Column("client_hash", sa.String(64), nullable=False),
        sa.Column("verdict", sa.Text, nullable=True),
        sa.Column("risk", sa.Float, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_comments_thread_status_id", "comments", ["thread_id", "status", "id"])
    op.create_index("ix_comments_root", "comments", ["root_id", "status"])
    op.create_index("ix_comments_status_id", "comments", ["status", "id"])
    op.create_table(
        "audit_log",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("at", Timestamp, nullable=False),
        sa.Column("moderator_id", Id, sa.ForeignKey("moderators.id"), nullable=True),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("comment_id", Id, sa.ForeignKey("comments.id"), nullable=True),
        sa.Column("thread_id", Id, sa.ForeignKey("threads.id"), nullable=True),
        sa.Column("rule", sa.String(32), nullable=True),
        sa.Column("note", sa.Text, nullable=True),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_comment", "audit_log", ["comment_id"])
    op.create_table(
        "rate_limits",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("window_start", sa.BigInteger, nullable=False),
        sa.Column("hits", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    for table in ("rate_limits", "audit_log", "comments", "moderators", "threads"):
        op.drop_table(table)
