"""Indexes for the statistics over a window of days (posted, decided).

Revision ID: 0006
Revises: 0005
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_comments_created", "comments", ["created"])
    op.create_index("ix_comments_decided", "comments", ["decided"])


def downgrade() -> None:
    op.drop_index("ix_comments_decided", "comments")
    op.drop_index("ix_comments_created", "comments")
