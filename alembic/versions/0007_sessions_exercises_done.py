"""sessions.exercises_done: a copy of how many exercises were done, so that streaks
need only dates, however long the history

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(
            sa.Column("exercises_done", sa.SmallInteger(), server_default="0", nullable=False)
        )
    # Sessions stored before: count their state's "done" list, in the database.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("UPDATE sessions SET exercises_done = json_array_length(state -> 'done')")
    else:
        op.execute("UPDATE sessions SET exercises_done = json_array_length(state, '$.done')")


def downgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("exercises_done")
