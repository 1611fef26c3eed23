"""Monitoring aggregates: each case's monitoring facts, the figures it adds, and their sums by
region level, agency, month and group of workers.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = sqlmodel.sql.sqltypes.AutoString
GROUP_COLUMNS = ("migrant_worker", "platform_worker", "woman", "minor", "disabled", "older", "collective")


def upgrade() -> None:
    op.create_table(
        "monitoring_case",
        sa.Column("case_no", S(length=20), nullable=False),
        sa.Column("region", S(length=6), nullable=False),
        sa.Column("agency", S(length=64), nullable=False),
        sa.Column("workers", sa.Integer(), nullable=False),
        *(sa.Column(f"g_{name}", sa.Boolean(), nullable=False) for name in GROUP_COLUMNS),
        sa.PrimaryKeyConstraint("case_no"),
    )
    op.create_table(
        "monitoring_row",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_no", S(length=20), nullable=False),
        sa.Column("measure", S(length=20), nullable=False),
        sa.Column("month", S(length=7), nullable=False),
        sa.Column("agency", S(length=64), nullable=False),
        sa.Column("grouped", sa.Boolean(), nullable=False),
        sa.Column("d1", S(length=200), nullable=False),
        sa.Column("d2", S(length=64), nullable=False),
        sa.Column("d3", S(length=40), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(16, 2), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_monitoring_row_case_no", "monitoring_row", ["case_no"])
    op.create_table(
        "monitoring_cell",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region", S(length=6), nullable=False),
        sa.Column("agency", S(length=64), nullable=False),
        sa.Column("measure", S(length=20), nullable=False),
        sa.Column("month", S(length=7), nullable=False),
        sa.Column("grp", S(length=20), nullable=False),
        sa.Column("d1", S(length=200), nullable=False),
        sa.Column("d2", S(length=64), nullable=False),
        sa.Column("d3", S(length=40), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("w", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(16, 2), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("region", "agency", "measure", "month", "grp", "d1", "d2", "d3", name="uq_monitoring_cell"),
    )
    op.create_index("ix_monitoring_cell_measure_grp_region", "monitoring_cell", ["measure", "grp", "agency", "region"])


def downgrade() -> None:
    op.drop_index("ix_monitoring_cell_measure_grp_region", table_name="monitoring_cell")
    op.drop_table("monitoring_cell")
    op.drop_index("ix_monitoring_row_case_no", table_name="monitoring_row")
    op.drop_table("monitoring_row")
    op.drop_table("monitoring_case")
