"""the weekly summary: on/off, its weekday, and when it is next due

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("preferences") as batch:
        batch.add_column(
            sa.Column("weekly_summary", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch.add_column(
            sa.Column("summary_weekday", sa.SmallInteger(), nullable=False, server_default="6")
        )
        batch.add_column(sa.Column("next_summary_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index(
            batch.f("ix_preferences_next_summary_at"), ["next_summary_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("preferences") as batch:
        batch.drop_index(batch.f("ix_preferences_next_summary_at"))
        batch.drop_column("next_summary_at")
        batch.drop_column("summary_weekday")
        batch.drop_column("weekly_summary")
