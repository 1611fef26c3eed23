"""Activities: every side effect of the workflows (database projections, documents, notifications).

`build_activities(deps)` returns the callables the worker registers; each activity is idempotent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from activities.deps import ActivityDeps


def build_activities(deps: ActivityDeps) -> list[Callable[..., Any]]:
    """Every activity of the product, bound to this process's dependencies."""
    from activities.documents import DocumentActivities
    from activities.notifications import NotificationActivities
    from activities.projections import ProjectionActivities
    from activities.supervision import SupervisionActivities
    from activities.tasks import TaskActivities

    groups: list[Any] = [ProjectionActivities(deps), TaskActivities(deps), NotificationActivities(deps), DocumentActivities(deps)]
    groups.append(SupervisionActivities(deps))
    return [fn for group in groups for fn in group.activities()]
