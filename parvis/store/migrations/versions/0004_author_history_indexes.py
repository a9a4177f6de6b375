"""Indexes for an author's history beside each queued comment (by client or pseudonym).

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_comments_client_hash", "comments", ["client_hash", "id"])
    op.create_index("ix_comments_author", "comments", ["author", "id"])


def downgrade() -> None:
    op.drop_index("ix_comments_author", "comments")
    op.drop_index("ix_comments_client_hash", "comments")
