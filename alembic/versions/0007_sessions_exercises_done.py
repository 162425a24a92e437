"""sessions.exercises_done and sessions.single: copies of the state's count of exercises
done and its "Do it now" flag, so that streaks and "is today's routine done?" are plain
queries, however long the history

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
    # In place (SQLite can add and drop these columns): rebuilding the table, batch mode's
    # other way, drops the old one, and with foreign keys on that cascades to the session
    # timers and pain ratings that point at it.
    with op.batch_alter_table("sessions", recreate="never") as batch:
        batch.add_column(
            sa.Column("exercises_done", sa.SmallInteger(), server_default="0", nullable=False)
        )
        batch.add_column(
            sa.Column("single", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    # Sessions stored before: count their state's "done" list, in the database. (Their
    # "Do it now" flag was not stored: they read as routines.)
    if op.get_bind().dialect.name == "postgresql":
        done = "json_array_length(state -> 'done')"
    else:
        done = "json_array_length(state, '$.done')"
    op.execute(f"UPDATE sessions SET exercises_done = COALESCE({done}, 0)")


def downgrade() -> None:
    with op.batch_alter_table("sessions", recreate="never") as batch:  # in place, as above
        batch.drop_column("single")
        batch.drop_column("exercises_done")
