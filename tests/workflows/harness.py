"""Driving real case workflows in tests: the product's own simulator (`devtools.simulate`) plus a
few test-only probes (notifications, the latest task of a kind)."""

from __future__ import annotations

from sqlmodel import col, select

from devtools.simulate import CaseRun as SimCaseRun
from devtools.simulate import Simulation
from infrastructure.tables import Notification, Task


class CaseRun(SimCaseRun):
    async def notifications(self) -> list[Notification]:
        async with self.sim.db.session() as session:
            return list((await session.exec(select(Notification).where(Notification.subject == self.subject))).all())

    async def latest_task(self, kind: str) -> Task:
        """The latest task of `kind`, open or not."""
        async with self.sim.db.session() as session:
            task = (await session.exec(select(Task).where(Task.subject == self.subject, Task.kind == kind)
                                       .order_by(col(Task.created_at).desc()))).first()
        assert task is not None, f"no task '{kind}'"
        return task


class Harness(Simulation):
    async def file(self, body: dict, filed_on):  # type: ignore[no-untyped-def, override]
        run = await super().file(body, filed_on)
        return CaseRun(run.sim, run.case_no, run.handle)
