"""Reading a case: what its page and its JSON show, built from the database projections (not from
Temporal, so it answers while Temporal is down), and the road ahead from the dates it reached."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Literal

from pydantic import Field
from sqlmodel import col, select

from domain.calendar import Calendar
from domain.case import Category, Channel, ClaimKind, Stage
from domain.deadlines import Deadline as DeadlineExplanation
from domain.parties import RespondentRole
from domain.privacy import mask_id_number, mask_mobile
from domain.referrals import REFERRALS, ReferralKind, ReferralStatus
from domain.roles import Principal, StaffPrincipal
from domain.whatif import WhatIfChain, WhatIfInput, whatif
from domain.workflow_models import WorkerOption
from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.tables import Case, CaseClaim, CaseRespondent, Deadline, Referral, Task, TimelineEvent
from services.errors import NotFound
from services.read_models import ReadModel
from services.started_marks import started_here

AMOUNT_OUT = r"^\d{1,9}\.\d{2}$"
DeadlineStatus = Literal["pending", "met", "missed", "cancelled"]
TaskStatus = Literal["open", "done", "cancelled"]


class WorkerPublic(ReadModel):
    """The worker as a case shows them: identifiers always masked."""

    name: str
    id_number: str | None = Field(description="masked: the first 4 and last 4 characters")
    mobile: str | None = Field(description="masked: the first 3 and last 4 digits")


class EmployerPublic(ReadModel):
    name: str
    uscc: str | None = Field(description="unified social credit code (GB 32100), when the worker gave it")


class RespondentPublic(ReadModel):
    """One respondent of the case: its place in the list, role, identity and whether it answered."""

    seq: int = Field(description="1 is the party given as `employer` at intake")
    role: RespondentRole
    name: str
    uscc: str | None = Field(description="unified social credit code (GB 32100), when given")
    address: str
    answer: str | None = Field(description="`agreed` or `refused` (to mediate), once it answered through its link")
    electronic_service: bool = Field(description="agreed to be served through its link (Civil Procedure Law Art. 90)")


class ClaimPublic(ReadModel):
    kind: ClaimKind
    amount: str | None = Field(pattern=AMOUNT_OUT, description="yuan, two decimals, as a decimal string (e.g. `12000.00`)")
    months: int | None
    description: str


class Bilingual(ReadModel):
    zh: str
    en: str


class NextDeadline(ReadModel):
    on: date
    rule: str = Field(description="the deadline rule, D01-D72 (`GET /api/v1/deadlines`)")


class TimelineEntry(ReadModel):
    on: date
    kind: str
    actor: str
    zh: str
    en: str
    citation: str | None


class TaskDeadline(ReadModel):
    """A recorded deadline and why it falls on that day (`explanation`)."""

    rule: str
    due: date
    status: DeadlineStatus
    provisional: bool = Field(description="true while the holiday calendar of the year it falls in is not yet published")
    explanation: DeadlineExplanation


class CaseDeadline(TaskDeadline):
    key: str = Field(description="the deadline's name within the case, e.g. `arbitration_limitation`")
    start: date


class CaseTask(ReadModel):
    """A task of the case (shown to staff only)."""

    task_id: str
    kind: str
    title_zh: str
    title_en: str
    status: TaskStatus
    due_on: date | None
    assignee: str | None
    actions: list[str]
    escalated: bool


class CaseHolder(ReadModel):
    """Who holds the case now, since when, and what it must do by when."""

    team: str = Field(description="the holding team's code")
    name: str = Field(description="the holding organisation's name")
    since: date | None
    duties: list[CaseDeadline] = Field(description="the pending deadlines its open tasks answer to, soonest first, each with why")


class CaseReferral(ReadModel):
    """One hand-over of the case between agencies, as both sides and the worker see it."""

    kind: ReferralKind
    title_zh: str
    title_en: str
    basis: str = Field(description="the law the hand-over rests on")
    sender: str
    receiver: str
    sent_on: date
    acknowledge_by: date | None = Field(description="the receiver's service level to acknowledge (not a statutory period)")
    status: ReferralStatus
    decided_on: date | None
    reason: str = Field(description="why it was returned, when it was")


class CaseDetail(ReadModel):
    """One case as its worker or authorised staff see it (the status page and the admin case page show the same)."""

    case_no: str = Field(examples=["LD-2026-000123"])
    stage: Stage
    channel: Channel | None
    category: Category
    region: str = Field(description="region slug (`GET /api/v1/regions`)")
    filed_on: date
    knew_on: date
    jurisdiction: str
    employment_ended_on: date | None
    still_employed: bool | None
    collective: bool
    worker_count: int
    worker: WorkerPublic
    employer: EmployerPublic
    respondents: list[RespondentPublic] = Field(default_factory=list, description="every respondent, the employer first")
    claims: list[ClaimPublic]
    limitation_warning: bool
    guidance: Bilingual
    worker_options: list[WorkerOption] = Field(description="what the worker may do now, each with its last day when the law sets one")
    next_deadline: NextDeadline | None
    timeline: list[TimelineEntry]
    deadlines: list[CaseDeadline]
    holder: CaseHolder | None = Field(description="who holds the case now; none while it waits for the worker, or once closed")
    referrals: list[CaseReferral] = Field(description="the chain of hand-overs between agencies, oldest first")
    tasks: list[CaseTask] = Field(description="the case's tasks; always empty for the worker")
    closed_on: date | None
    closing_state: str | None
    workflow_started: bool = Field(description="false while the case waits for the workflow service; it starts by itself")


def deadline_row(row: Deadline) -> CaseDeadline:
    """A recorded deadline with its explanation, as a case shows it."""
    return CaseDeadline(key=row.deadline_key.split("#", 1)[-1], rule=row.rule_id, start=row.start_on, due=row.due_on,
                        status=row.status, provisional=row.provisional,  # type: ignore[arg-type]
                        explanation=DeadlineExplanation.model_validate(row.explanation))


def _amount(value: Any) -> str | None:
    return f"{value:.2f}" if value is not None else None


async def case_detail(db: Database, keyring: Keyring, case_no: str, principal: Principal) -> CaseDetail:
    """Everything one case page shows; tasks only for staff, identifiers always masked."""
    subject = f"case:{case_no}"
    async with db.session() as session:
        case = (await session.exec(select(Case).where(Case.case_no == case_no))).first()
        if case is None:
            raise NotFound()
        claims = (await session.exec(select(CaseClaim).where(CaseClaim.case_no == case_no).order_by(col(CaseClaim.seq)))).all()
        events = (await session.exec(select(TimelineEvent).where(TimelineEvent.subject == subject)
                                     .order_by(col(TimelineEvent.on_date), col(TimelineEvent.id)))).all()
        deadlines = (await session.exec(select(Deadline).where(Deadline.subject == subject).order_by(col(Deadline.due_on)))).all()
        all_tasks = (await session.exec(select(Task).where(Task.subject == subject).order_by(col(Task.created_at)))).all()
        referrals = (await session.exec(select(Referral).where(Referral.case_no == case_no).order_by(col(Referral.id)))).all()
        parties = (await session.exec(select(CaseRespondent).where(CaseRespondent.case_no == case_no)
                                      .order_by(col(CaseRespondent.seq)))).all()
    tasks = all_tasks if isinstance(principal, StaffPrincipal) else []
    rows = [deadline_row(d) for d in deadlines]
    return CaseDetail(
        case_no=case.case_no,
        stage=Stage(case.stage),
        channel=Channel(case.channel) if case.channel else None,
        category=Category(case.category),
        region=case.region,
        filed_on=case.filed_on,
        knew_on=case.knew_on,
        jurisdiction=case.jurisdiction,
        employment_ended_on=case.facts.get("employment_ended_on"),
        still_employed=case.facts.get("still_employed"),
        collective=case.collective,
        worker_count=case.worker_count,
        worker=WorkerPublic(
            name=keyring.decrypt_text(case.worker_name_enc),
            id_number=mask_id_number(keyring.decrypt_text(case.worker_id_enc)) if case.worker_id_enc else None,
            mobile=mask_mobile(keyring.decrypt_text(case.worker_phone_enc)) if case.worker_phone_enc else None,
        ),
        employer=EmployerPublic(name=case.employer_name, uscc=case.employer_uscc),
        respondents=[RespondentPublic(seq=p.seq, role=RespondentRole(p.role), name=p.name, uscc=p.uscc, address=p.address,
                                      answer=p.answer, electronic_service=p.electronic_service) for p in parties],
        claims=[ClaimPublic(kind=ClaimKind(c.kind), amount=_amount(c.amount), months=c.months, description=c.description)
                for c in claims],
        limitation_warning=case.limitation_warning,
        guidance=Bilingual(zh=case.guidance_zh, en=case.guidance_en),
        worker_options=[WorkerOption.model_validate(o) for o in case.worker_options],
        next_deadline=NextDeadline(on=case.next_deadline_on, rule=case.next_deadline_rule or "")
        if case.next_deadline_on else None,
        timeline=[TimelineEntry(on=e.on_date, kind=e.kind, actor=e.actor, zh=e.summary_zh, en=e.summary_en, citation=e.citation)
                  for e in events],
        deadlines=rows,
        holder=_holder(case, all_tasks, deadlines, rows),
        referrals=[_referral(r) for r in referrals],
        tasks=[CaseTask(task_id=t.task_id, kind=t.kind, title_zh=t.title_zh, title_en=t.title_en, status=t.status,  # type: ignore[arg-type]
                        due_on=t.due_on, assignee=t.assignee, actions=list(t.actions), escalated=t.escalated) for t in tasks],
        closed_on=case.closed_on,
        closing_state=case.closing_state,
        workflow_started=case.workflow_started or started_here(db, case.case_no),
    )


def _holder(case: Case, tasks: Sequence[Task], deadlines: Sequence[Deadline], rows: list[CaseDeadline]) -> CaseHolder | None:
    """Who holds the case now, since when, and what it must do by when: the pending deadlines its open
    tasks answer to (each with "why this date"), soonest first."""
    if not case.holder_team:
        return None
    owed = {(t.workflow_id, t.deadline_rule) for t in tasks if t.status == "open" and t.team_code == case.holder_team and t.deadline_rule}
    duties = [row for d, row in zip(deadlines, rows, strict=True) if (d.workflow_id, d.rule_id) in owed and d.status == "pending"]
    return CaseHolder(team=case.holder_team, name=case.holder_name, since=case.holder_since, duties=sorted(duties, key=lambda r: r.due))


def _referral(r: Referral) -> CaseReferral:
    rule = REFERRALS[ReferralKind(r.kind)]
    return CaseReferral(kind=ReferralKind(r.kind), title_zh=rule.title_zh, title_en=rule.title_en, basis=rule.basis,
                        sender=r.sender_name, receiver=r.receiver_name, sent_on=r.sent_on, acknowledge_by=r.acknowledge_by,
                        status=ReferralStatus(r.status), decided_on=r.decided_on, reason=r.reason)


# Deadline rules whose start day is a key date of the road ahead (what-if chain).
_KEY_DATES = {
    "D03": "mediation_applied_on", "D39": "mediation_applied_on", "D40": "mediation_applied_on",
    "D13": "arbitration_applied_on", "D22": "accepted_on", "D30": "award_received_on",
    "D25": "award_received_on",
}


def road_ahead(detail: CaseDetail, today: date, calendar: Calendar | None) -> WhatIfChain:
    """The case's road ahead from the key dates it has reached (its recorded deadlines)."""
    values: dict[str, Any] = {
        "knew_on": detail.knew_on, "category": detail.category, "as_of": today,
        "employment_ended_on": detail.employment_ended_on,
        "still_employed": detail.still_employed,
    }
    for deadline in detail.deadlines:
        key = _KEY_DATES.get(deadline.rule)
        if key and key not in values:
            values[key] = deadline.start
    facts = WhatIfInput.model_validate(values)
    return whatif(facts, jurisdiction=detail.jurisdiction, calendar=calendar)


def next_deadline(detail: CaseDetail) -> CaseDeadline | None:
    """The case's next pending deadline with its explanation ('why this date')."""
    nxt = detail.next_deadline
    pending = [d for d in detail.deadlines if d.status == "pending"]
    if nxt:
        same = [d for d in pending if d.due == nxt.on and d.rule == nxt.rule]
        pending = same or pending
    return min(pending, key=lambda d: d.due) if pending else None


def worker_actions(detail: CaseDetail) -> list[dict[str, Any]]:
    """What the worker may do now: the case workflow records it with each status change, decided by
    `domain.catalogue.open_worker_actions`, the same rule its validator applies."""
    return [option.model_dump(mode="json") for option in detail.worker_options]
