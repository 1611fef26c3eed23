"""Assigning human tasks: same role, same team (or region), fewest open tasks first."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import func
from sqlmodel import select
from temporalio import activity

from activities.deps import ActivityDeps
from domain.records import AssignmentRequest
from infrastructure.tables import Task, User


class TaskActivities:
    def __init__(self, deps: ActivityDeps) -> None:
        self._db = deps.db

    def activities(self) -> list[Callable[..., Any]]:
        return [self.assign_task]

    @activity.defn(name="assign-task")
    async def assign_task(self, request: AssignmentRequest) -> str | None:
        """The least-loaded active staff member of the role and team (or region); None if nobody."""
        async with self._db.session() as session:
            query = select(User.username).where(User.role == request.role, User.is_active == True)  # noqa: E712
            query = query.where(User.team_code == request.team_code) if request.team_code else query.where(User.region == request.region)
            candidates = [name for name in (await session.exec(query)).all() if name not in request.exclude]
            if not candidates:
                return None
            load_rows = await session.exec(
                select(Task.assignee, func.count()).where(Task.status == "open", Task.assignee.in_(candidates))  # type: ignore[union-attr]
                .group_by(Task.assignee)
            )
            load = dict(load_rows.all())
        return min(candidates, key=lambda name: (load.get(name, 0), name))
