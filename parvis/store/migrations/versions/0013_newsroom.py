"""The newsroom's pages: bulk approvals as one batch that can be taken back, the article's
public address, and the page a reader followed an article from.

Revision ID: 0013
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("batch", sa.String(32), nullable=True))
    op.create_index("ix_audit_log_batch", "audit_log", ["batch"])
    with op.batch_alter_table("threads") as batch:
        batch.add_column(sa.Column("url", sa.String(1024), nullable=True))
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(sa.Column("page", sa.String(1024), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_column("page")
    with op.batch_alter_table("threads") as batch:
        batch.drop_column("url")
    op.drop_index("ix_audit_log_batch", "audit_log")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("batch")
