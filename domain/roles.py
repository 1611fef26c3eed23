"""Who acts: staff roles, and the principals every layer passes around (a signed-in staff member, or
the worker of one case proven by its access code). Workers have no account."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """Staff roles; each may act only where its organisation or team is involved."""

    admin = "admin"
    mediator = "mediator"  # union, enterprise and people's mediation (and the court's invited mediators)
    supervisor = "supervisor"  # the head of a team or organisation: receives escalations of overdue tasks
    union_legal = "union_legal"  # union legal staff: supervision notices
    arbitration_clerk = "arbitration_clerk"  # 立案庭: receives cases, accepts or refuses them (D13, D14)
    arbitrator = "arbitrator"  # 仲裁员: hearing, award, suspension
    commission_head = "commission_head"  # 仲裁委员会主任: approves the extension of the award period (D23)
    court_clerk = "court_clerk"  # 立案庭: files suits and applications
    judge = "judge"  # 法官: judicial confirmation, payment orders, judgments
    enforcement_officer = "enforcement_officer"  # 执行局
    inspector = "inspector"  # 劳动保障监察员
    procurator = "procurator"  # 检察官: support for a suit, the union's leads
    legal_aid_reviewer = "legal_aid_reviewer"  # 法律援助中心: decides (D56) and assigns (D57)
    legal_aid_lawyer = "legal_aid_lawyer"  # a lawyer who sees only the cases assigned to them
    police_officer = "police_officer"  # 公安机关: decides on a criminal referral


# Who may act on a channel's tasks (administrators always may). A supervisor acts for their team,
# where overdue tasks are escalated to them.
CASEWORK_ROLES: tuple[Role, ...] = (Role.mediator, Role.supervisor, Role.admin)
UNION_ROLES: tuple[Role, ...] = (Role.union_legal,)  # union labour-law supervision ("one letter, two notices")
ARBITRATION_INTAKE: tuple[Role, ...] = (Role.arbitration_clerk, Role.supervisor)
ARBITRATORS: tuple[Role, ...] = (Role.arbitrator, Role.supervisor)
COMMISSION_HEAD: tuple[Role, ...] = (Role.commission_head,)
COURT_INTAKE: tuple[Role, ...] = (Role.court_clerk, Role.supervisor)
JUDGES: tuple[Role, ...] = (Role.judge, Role.supervisor)
ENFORCEMENT: tuple[Role, ...] = (Role.enforcement_officer, Role.supervisor)
INSPECTORS: tuple[Role, ...] = (Role.inspector, Role.supervisor)
POLICE: tuple[Role, ...] = (Role.police_officer, Role.supervisor)
PROCURATORS: tuple[Role, ...] = (Role.procurator, Role.supervisor)
LEGAL_AID: tuple[Role, ...] = (Role.legal_aid_reviewer, Role.supervisor)
# Who works from the task inbox: every agency's staff; union legal staff work from their supervision console.
INBOX_ROLES: frozenset[Role] = frozenset(Role) - {Role.union_legal}


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
    """The worker of one case (case number + access code), or an agent the worker authorised
    (its own code): then `agent` names it and `powers` are the acts it may take."""

    case_no: str
    agent: str | None = None  # the agent's number; None: the worker themself
    agent_label: str = ""
    powers: frozenset[str] = frozenset()


Principal = StaffPrincipal | WorkerPrincipal
# Who receives a referral for their organisation, and who sends one (or deals with its return).
RECEIVERS: tuple[Role, ...] = (
    Role.arbitration_clerk, Role.court_clerk, Role.mediator, Role.legal_aid_reviewer, Role.inspector, Role.police_officer,
    Role.procurator, Role.supervisor,
)
SENDERS: tuple[Role, ...] = (
    Role.mediator, Role.arbitration_clerk, Role.arbitrator, Role.court_clerk, Role.judge, Role.enforcement_officer,
    Role.inspector, Role.union_legal, Role.supervisor,
)
