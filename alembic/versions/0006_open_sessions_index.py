"""an index of open sessions only: a user's open session and /metrics' gauge, no scan

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = sa.text("outcome IS NULL")


def upgrade() -> None:
    op.create_index(
        "ix_sessions_open", "sessions", ["user_id"], sqlite_where=OPEN, postgresql_where=OPEN
    )


def downgrade() -> None:
    op.drop_index("ix_sessions_open", table_name="sessions")
