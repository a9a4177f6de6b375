"""The mail outbox, follow-by-mail subscriptions, digests, reply and moderator alerts.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Timestamp = sa.DateTime(timezone=True)
FALSE = sa.false()


def upgrade() -> None:
    with op.batch_alter_table("comments") as batch:
        batch.add_column(
            sa.Column("notify_replies", sa.Boolean, nullable=False, server_default=FALSE)
        )
    with op.batch_alter_table("moderators") as batch:
        batch.add_column(sa.Column("email", sa.String(320), nullable=True))
        for name in ("alert_queue", "alert_wait", "alert_reports"):
            batch.add_column(sa.Column(name, sa.Boolean, nullable=False, server_default=FALSE))
    op.create_table(
        "outbox",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("body_text", sa.Text, nullable=False),
        sa.Column("body_html", sa.Text, nullable=False),
        sa.Column("headers", sa.Text, nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", Timestamp, nullable=False),
        sa.Column("locked_until", Timestamp, nullable=True),
        sa.Column("locked_by", sa.String(64), nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("created", Timestamp, nullable=False),
        sa.Column("sent_at", Timestamp, nullable=True),
        sa.Column("message_id", sa.String(255), nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_outbox_status_next", "outbox", ["status", "next_attempt_at", "id"])
    op.create_table(
        "subscriptions",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("thread_id", Id, sa.ForeignKey("threads.id"), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("created", Timestamp, nullable=False),
        sa.Column("confirmed", Timestamp, nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ux_subscriptions_thread_email", "subscriptions", ["thread_id", "email"], unique=True
    )
    op.create_index("ix_subscriptions_confirmed", "subscriptions", ["confirmed", "created"])
    op.create_table(
        "digest_items",
        sa.Column(
            "subscription_id",
            Id,
            sa.ForeignKey("subscriptions.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("comment_id", Id, sa.ForeignKey("comments.id"), primary_key=True),
    )
    op.create_table(
        "notify_jobs",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("last_run", Timestamp, nullable=True),
    )


def downgrade() -> None:
    for table in ("notify_jobs", "digest_items", "subscriptions", "outbox"):
        op.drop_table(table)
    with op.batch_alter_table("moderators") as batch:
        for name in ("alert_reports", "alert_wait", "alert_queue", "email"):
            batch.drop_column(name)
    with op.batch_alter_table("comments") as batch:
        batch.drop_column("notify_replies")
