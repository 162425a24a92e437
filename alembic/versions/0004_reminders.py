"""reminders: the next due instant per user, and one delivery row per user and day

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("preferences") as batch:
        batch.add_column(sa.Column("next_reminder_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index(
            batch.f("ix_preferences_next_reminder_at"), ["next_reminder_at"], unique=False
        )
    op.create_table(
        "reminder_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("snoozes", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_reminder_deliveries_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_deliveries")),
        sa.UniqueConstraint("user_id", "local_date", name=op.f("uq_reminder_deliveries_user_id")),
    )
    op.create_index(
        "ix_reminder_deliveries_status_claimed",
        "reminder_deliveries",
        ["status", "claimed_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_reminder_deliveries_status_claimed", table_name="reminder_deliveries")
    op.drop_table("reminder_deliveries")
    with op.batch_alter_table("preferences") as batch:
        batch.drop_index(batch.f("ix_preferences_next_reminder_at"))
        batch.drop_column("next_reminder_at")
