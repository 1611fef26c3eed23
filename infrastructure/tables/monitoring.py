"""Monitoring aggregates, kept by the projections: each case's facts and the figures it adds
(`monitoring_case`, `monitoring_row`), and their sums by region level, agency, month and group of
workers (`monitoring_cell`), which the monitoring pages read."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Index, Numeric, UniqueConstraint
from sqlmodel import Field, SQLModel

from infrastructure.tables._common import timestamp

MONEY = Numeric(16, 2)


class MonitoringCase(SQLModel, table=True):
    """One case's dimensions: its region (GB/T 2260), agency, workers and groups."""

    __tablename__ = "monitoring_case"

    case_no: str = Field(primary_key=True, max_length=20)
    region: str = Field(max_length=6)
    agency: str = Field(default="", max_length=64)
    workers: int = 1
    g_migrant_worker: bool = False
    g_platform_worker: bool = False
    g_woman: bool = False
    g_minor: bool = False
    g_disabled: bool = False
    g_older: bool = False
    g_collective: bool = False
    # When its figures last changed: the newest is the version the monitoring pages' cache is keyed on.
    changed_at: datetime | None = timestamp(nullable=True, index=True, default_now=False)


class MonitoringRow(SQLModel, table=True):
    """A figure one case adds (domain.monitoring.BaseRow), replaced whenever the case changes."""

    __tablename__ = "monitoring_row"

    id: int | None = Field(default=None, primary_key=True)
    case_no: str = Field(max_length=20, index=True)
    measure: str = Field(max_length=20)
    month: str = Field(max_length=7)
    agency: str = Field(default="", max_length=64)
    grouped: bool = False
    d1: str = Field(default="", max_length=200)
    d2: str = Field(default="", max_length=64)
    d3: str = Field(default="", max_length=40)
    n: int = 1
    amount: Decimal = Field(default=Decimal(0), sa_type=MONEY)


class MonitoringCell(SQLModel, table=True):
    """A sum of rows: region '' is the whole country, else a province, city or county code; agency ''
    is every agency (an agency's own cells carry region '')."""

    __tablename__ = "monitoring_cell"
    __table_args__ = (
        UniqueConstraint("region", "agency", "measure", "month", "grp", "d1", "d2", "d3", name="uq_monitoring_cell"),
        Index("ix_monitoring_cell_measure_grp_region", "measure", "grp", "agency", "region"),  # the regions the data has
    )

    id: int | None = Field(default=None, primary_key=True)
    region: str = Field(max_length=6)
    agency: str = Field(max_length=64)
    measure: str = Field(max_length=20)
    month: str = Field(max_length=7)
    grp: str = Field(max_length=20)
    d1: str = Field(max_length=200)
    d2: str = Field(max_length=64)
    d3: str = Field(max_length=40)
    n: int = 0
    w: int = 0  # workers behind the figure (for suppression)
    amount: Decimal = Field(default=Decimal(0), sa_type=MONEY)
