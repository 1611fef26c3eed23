"""Who acts: staff roles, and the principals every layer passes around (a signed-in staff member, or
the worker of one case proven by its access code). Workers have no account."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """Staff roles; each may act only where its organisation or team is involved."""

    admin = "admin"
    mediator = "mediator"
    supervisor = "supervisor"  # team lead: receives escalations of overdue tasks
    union_legal = "union_legal"  # union legal staff: supervision notices


# Who may act on a dispute channel's tasks (mediators and their supervisors; administrators always).
CASEWORK_ROLES: tuple[Role, ...] = (Role.mediator, Role.supervisor, Role.admin)
# Union labour-law supervision ("one letter, two notices").
UNION_ROLES: tuple[Role, ...] = (Role.union_legal,)


@dataclass(frozen=True)
class StaffPrincipal:
    """A signed-in staff member."""

    user_id: int
    username: str
    role: Role
    team_code: str | None
    region: str
    display_name: str = ""

    @property
    def is_admin(self) -> bool:
        return self.role is Role.admin


@dataclass(frozen=True)
class WorkerPrincipal:
    """The worker of one case (case number + access code)."""

    case_no: str


Principal = StaffPrincipal | WorkerPrincipal
