"""exercise pictures: a per-user switch, and the file_id of each picture uploaded

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("preferences") as batch:
        batch.add_column(
            sa.Column("pictures", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    op.create_table(
        "telegram_files",
        sa.Column("bot_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("file_id", sa.String(length=255), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("bot_id", "name", name=op.f("pk_telegram_files")),
    )


def downgrade() -> None:
    op.drop_table("telegram_files")
    with op.batch_alter_table("preferences") as batch:
        batch.drop_column("pictures")
