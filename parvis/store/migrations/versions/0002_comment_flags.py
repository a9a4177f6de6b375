"""The rules a comment's verdict flagged, searchable: ",insult,language,".

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("comments") as batch:
        batch.add_column(sa.Column("flags", sa.String(200), nullable=False, server_default=""))
    op.create_index("ix_comments_status_risk", "comments", ["status", "risk", "id"])


def downgrade() -> None:
    op.drop_index("ix_comments_status_risk", "comments")
    with op.batch_alter_table("comments") as batch:
        batch.drop_column("flags")
