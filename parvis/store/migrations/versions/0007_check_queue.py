"""The moderation queue: comments whose charter checks are still to run.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

DUE = sa.text("check_after IS NOT NULL")


def upgrade() -> None:
    with op.batch_alter_table("comments") as batch:
        batch.add_column(sa.Column("check_after", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "ix_comments_check_after",
        "comments",
        ["check_after"],
        sqlite_where=DUE,
        postgresql_where=DUE,
    )


def downgrade() -> None:
    op.drop_index("ix_comments_check_after", "comments")
    with op.batch_alter_table("comments") as batch:
        batch.drop_column("check_after")
