"""Activities: every side effect of the workflows (database projections, documents, notifications).

`build_activities(deps)` returns the callables the worker registers; each activity is idempotent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from activities.deps import ActivityDeps


def build_activities(deps: ActivityDeps) -> list[Callable[..., Any]]:
    """The workflow worker's activities (every one but documents), bound to this process's
    dependencies."""
    from activities.agencies import AgencyActivities
    from activities.notifications import NotificationActivities
    from activities.parties import PartyActivities
    from activities.projections import ProjectionActivities
    from activities.supervision import SupervisionActivities
    from activities.tasks import TaskActivities

    groups: list[Any] = [ProjectionActivities(deps), TaskActivities(deps), NotificationActivities(deps)]
    groups += [SupervisionActivities(deps), AgencyActivities(deps), PartyActivities(deps)]
    return [fn for group in groups for fn in group.activities()]


def build_document_activities(deps: ActivityDeps) -> list[Callable[..., Any]]:
    """The document worker's activity (render-document), on its own task queue."""
    from activities.documents import DocumentActivities

    return DocumentActivities(deps).activities()
