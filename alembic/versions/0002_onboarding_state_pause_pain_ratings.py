"""onboarding state, pause, pain ratings

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pain_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("rating", sa.SmallInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("exercise_id", sa.String(length=24), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_pain_ratings_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pain_ratings")),
    )
    with op.batch_alter_table("pain_ratings", schema=None) as batch_op:
        batch_op.create_index("ix_pain_ratings_user_time", ["user_id", "recorded_at"], unique=False)

    with op.batch_alter_table("preferences", schema=None) as batch_op:
        batch_op.add_column(sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("onboarding_step", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("disclaimer_accepted_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("red_flags", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("awaiting", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("menu_message_id", sa.BigInteger(), nullable=True))
    # Everyone stored so far joined before onboarding existed: start them at its beginning.
    op.execute("UPDATE preferences SET onboarding_step = 'disclaimer'")


def downgrade() -> None:
    with op.batch_alter_table("preferences", schema=None) as batch_op:
        batch_op.drop_column("menu_message_id")
        batch_op.drop_column("awaiting")
        batch_op.drop_column("red_flags")
        batch_op.drop_column("disclaimer_accepted_at")
        batch_op.drop_column("onboarding_step")
        batch_op.drop_column("paused_at")

    with op.batch_alter_table("pain_ratings", schema=None) as batch_op:
        batch_op.drop_index("ix_pain_ratings_user_time")

    op.drop_table("pain_ratings")
