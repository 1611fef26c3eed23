"""Monitoring: when each case's figures last changed (`monitoring_case.changed_at`, indexed), so the
monitoring pages can reuse a report until the data changes.

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("monitoring_case", sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_monitoring_case_changed_at", "monitoring_case", ["changed_at"])


def downgrade() -> None:
    op.drop_index("ix_monitoring_case_changed_at", table_name="monitoring_case")
    op.drop_column("monitoring_case", "changed_at")
