"""Readers' reports ("Alerter") and bans.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Timestamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "reports",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("thread_id", Id, sa.ForeignKey("threads.id"), nullable=False),
        sa.Column("comment_id", Id, sa.ForeignKey("comments.id"), nullable=True),
        sa.Column("target", sa.String(32), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("reader", sa.String(64), nullable=False),
        sa.Column("client_hash", sa.String(64), nullable=False),
        sa.Column("created", Timestamp, nullable=False),
        sa.Column("resolved", Timestamp, nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index("ux_reports_target_reader", "reports", ["target", "reader"], unique=True)
    op.create_index("ux_reports_target_client", "reports", ["target", "client_hash"], unique=True)
    op.create_index("ix_reports_open", "reports", ["resolved", "target"])
    op.create_table(
        "bans",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("value", sa.String(200), nullable=False),
        sa.Column("author", sa.String(200), nullable=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("created", Timestamp, nullable=False),
        sa.Column("expires", Timestamp, nullable=True),
        sa.Column("moderator_id", Id, sa.ForeignKey("moderators.id"), nullable=True),
        sa.Column("lifted", Timestamp, nullable=True),
        sa.Column("lifted_by", Id, sa.ForeignKey("moderators.id"), nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_bans_kind_value", "bans", ["kind", "value"])


def downgrade() -> None:
    op.drop_table("bans")
    op.drop_table("reports")
