"""What waits on someone, counted from the database for the metrics gauges: open and overdue tasks,
pending deadlines by when they fall due, and the notification outbox's backlog.

Four grouped counts on indexed columns (status, role, due date), read every
`LABOURFLOW_METRICS_SAMPLE_SECONDS` by a workflow worker (labourflow/runner.py)."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, date, datetime, timedelta

import structlog
from sqlalchemy import case, func
from sqlmodel import col, select

from domain.china_time import china_today
from infrastructure.db import Database
from infrastructure.metrics import Backlog, ProductMetrics
from infrastructure.tables import Deadline, Notification, Task

log = structlog.get_logger("labourflow.monitoring")


async def read_backlog(db: Database, today: date | None = None) -> Backlog:
    """One reading of every gauge (dates by China's calendar day)."""
    today = today or china_today()
    async with db.session() as session:
        tasks = (await session.exec(
            select(Task.role, func.count(), func.sum(case((col(Task.due_on) < today, 1), else_=0)))
            .where(Task.status == "open").group_by(Task.role)
        )).all()
        window = case((col(Deadline.due_on) < today, "past"), (col(Deadline.due_on) == today, "today"), else_="next_7_days")
        deadlines = (await session.exec(
            select(window, func.count()).where(Deadline.status == "pending", col(Deadline.due_on) <= today + timedelta(days=7))
            .group_by(window)
        )).all()
        outbox = (await session.exec(
            select(Notification.status, func.count(), func.min(Notification.created_at))
            .where(col(Notification.status).in_(("pending", "failed"))).group_by(Notification.status)
        )).all()
    by_status = {status: (int(count), oldest) for status, count, oldest in outbox}
    oldest = by_status.get("pending", (0, None))[1]
    return Backlog(
        tasks_open={role: int(count) for role, count, _ in tasks},
        tasks_overdue={role: int(overdue or 0) for role, _, overdue in tasks},
        deadlines_pending={str(name): int(count) for name, count in deadlines},
        outbox_pending=by_status.get("pending", (0, None))[0],
        outbox_failed=by_status.get("failed", (0, None))[0],
        outbox_oldest_pending_seconds=_age_seconds(oldest),
        sampled_at=time.time(),
    )


def _age_seconds(moment: datetime | None) -> float:
    if moment is None:
        return 0.0
    if moment.tzinfo is None:  # SQLite hands back naive timestamps; they were written in UTC
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (datetime.now(UTC) - moment).total_seconds())


async def sample_backlog_forever(db: Database, metrics: ProductMetrics, interval: float) -> None:
    """Set the backlog gauges every `interval` seconds until cancelled; a failed reading is logged
    and the gauges keep their last values (`labourflow_backlog_sampled_timestamp_seconds` shows
    its age)."""
    while True:
        try:
            metrics.record_backlog(await read_backlog(db))
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("backlog not counted; retrying", error=type(exc).__name__)
        await asyncio.sleep(interval)
