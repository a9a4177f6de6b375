"""Each thread counts its published comments, so a count costs one row read at any size.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("threads") as batch:
        batch.add_column(sa.Column("published", sa.Integer(), nullable=False, server_default="0"))
    op.execute(
        "UPDATE threads SET published = (SELECT count(*) FROM comments"
        " WHERE comments.thread_id = threads.id AND comments.status = 'published')"
    )


def downgrade() -> None:
    with op.batch_alter_table("threads") as batch:
        batch.drop_column("published")
