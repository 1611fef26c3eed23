"""Agents: a worker authorises a lawyer, a union official or a close relative to act for them on one
case (LDMAL Art. 24; Civil Procedure Law Art. 61), within a scope they choose; acts that dispose of
the claim itself (withdrawing it) need special authorisation (Civil Procedure Law Art. 62). The
scope is checked wherever an agent acts; every act records who acted, for whom."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from domain.actions import WorkerActionKind
from domain.identifiers import normalise_mobile

BASIS = "《劳动争议调解仲裁法》第二十四条 / LDMAL Art. 24; 《民事诉讼法》第六十一条 / Civil Procedure Law Art. 61"
SPECIAL_BASIS = "《民事诉讼法》第六十二条 / Civil Procedure Law Art. 62"


class AgentKind(StrEnum):
    lawyer = "lawyer"  # 律师
    union_official = "union_official"  # 工会推荐的工作人员
    relative = "relative"  # 近亲属


AGENT_KINDS: dict[AgentKind, tuple[str, str]] = {
    AgentKind.lawyer: ("律师", "Lawyer"),
    AgentKind.union_official: ("工会工作人员", "Union official"),
    AgentKind.relative: ("近亲属", "Close relative"),
}
# Acts that give up or change the claim: only with special authorisation (CPL Art. 62).
SPECIAL_ACTS = frozenset({WorkerActionKind.withdraw})
# What an agent may be given: every worker action (reading the case comes with any authorisation).
GRANTABLE = tuple(WorkerActionKind)
# The acts as a power of attorney words them (the formal register: 代为...).
POWER_WORDS: dict[WorkerActionKind, str] = {
    WorkerActionKind.accept_mediation: "代为同意调解",
    WorkerActionKind.refuse_mediation: "代为拒绝调解并申请仲裁",
    WorkerActionKind.choose_arbitration: "代为申请劳动争议仲裁",
    WorkerActionKind.apply_legal_aid: "代为申请法律援助",
    WorkerActionKind.add_evidence: "代为提交证据",
    WorkerActionKind.withdraw: "代为撤回申请",
    WorkerActionKind.sue: "代为向人民法院起诉",
    WorkerActionKind.apply_enforcement: "代为申请强制执行",
}


class AgentAuthorisation(BaseModel):
    """The worker's authorisation as filled in: who, and which acts they may do."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: AgentKind
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
    mobile: str
    powers: tuple[WorkerActionKind, ...] = Field(default=(), max_length=len(GRANTABLE))
    special: bool = False  # special authorisation: may also withdraw

    @field_validator("mobile")
    @classmethod
    def _mobile(cls, value: str) -> str:
        return normalise_mobile(value)

    def granted(self) -> frozenset[str]:
        """The acts granted; the special ones only with special authorisation."""
        return frozenset(p.value for p in self.powers if p not in SPECIAL_ACTS or self.special)


def scope_problem(granted: frozenset[str], action: str) -> str | None:
    """Why an agent may not take `action` (None: within its authorisation)."""
    if action in granted:
        return None
    if action in {a.value for a in SPECIAL_ACTS}:
        return (f"撤回申请须经委托人特别授权（{SPECIAL_BASIS}） / withdrawing needs the worker's special authorisation "
                f"({SPECIAL_BASIS})")
    return "超出委托权限 / this act is outside the scope of your authorisation"


def acted_by_label(kind: str, name: str) -> str:
    """How the record names an agent's act: who, in what capacity, for the worker."""
    zh, en = AGENT_KINDS[AgentKind(kind)]
    return f"{name}（{zh}，受劳动者委托） / {name} ({en.lower()}, for the worker)"
