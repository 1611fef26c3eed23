"""`WorkflowKit`: what every statutory workflow has: its subject and clock, keys for idempotent side
effects, and the side effects themselves (timeline events, documents, notifications, the task
projection), each an activity with its options from `options`."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from temporalio import workflow

from workflows.kit import options
from workflows.kit.clock import Clock
from workflows.kit.tasks import OpenTask

with workflow.unsafe.imports_passed_through():
    from domain.actions import ActionResult, Actor, LegalAidReferral
    from domain.deadlines import Deadline
    from domain.documents import DocumentRef, DocumentType, RenderDocumentInput
    from domain.organisations import Agency
    from domain.records import (
        DeadlineStatus,
        NotificationRequest,
        TimelineEventRecord,
    )
    from domain.referrals import ReferralKind, ReferralRequest
    from domain.workflow_models import CaseContext


@dataclass
class DeadlineEntry:
    key: str
    rule: str
    start: date
    options: dict[str, Any]
    deadline: Deadline
    status: DeadlineStatus = DeadlineStatus.pending


@dataclass
class Kit:
    subject: str
    workflow_id: str
    clock: Clock
    region: str
    team_code: str | None
    seq: int = 0
    deadlines: dict[str, DeadlineEntry] = field(default_factory=dict)
    tasks: dict[str, OpenTask] = field(default_factory=dict)
    epoch: int = 0
    watchers: list[asyncio.Future[None]] = field(default_factory=list)
    teams: dict[str, str] = field(default_factory=dict)  # Agency -> team, for tasks other agencies hold


class WorkflowKit:
    """The state and side effects shared by the kit's parts (deadlines, tasks, actions)."""

    status: str = "starting"

    def setup(self, subject: str, clock: Clock, region: str, team_code: str | None, teams: dict[str, str] | None = None) -> None:
        self.kit = Kit(subject, workflow.info().workflow_id, clock, region, team_code, teams=dict(teams or {}))

    def setup_case(self, ctx: CaseContext, team_code: str | None = None) -> None:
        """Set up a channel of a case: its clock, region, holding team (default: the case's) and the
        teams of the agencies its tasks may go to."""
        clock = Clock(ctx.jurisdiction, ctx.calendar_years, ctx.shift_days, ctx.shift_seconds)
        self.setup(ctx.subject, clock, ctx.region, team_code or ctx.team_code, ctx.teams)

    @property
    def clock(self) -> Clock:
        return self.kit.clock

    def next_key(self, label: str) -> str:
        self.kit.seq += 1
        return f"{self.kit.workflow_id}~{self.kit.seq}:{label}"  # URL-safe: task ids travel in URLs

    async def event(
        self,
        kind: str,
        zh: str,
        en: str,
        *,
        citation: str | None = None,
        actor: Actor | None = None,
        on: date | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        record = TimelineEventRecord(
            subject=self.kit.subject,
            event_key=self.next_key(kind),
            on_date=on or self.clock.today(),
            actor=actor.label if actor else "系统 / system",
            kind=kind,
            summary_zh=zh,
            summary_en=en,
            citation=citation,
            data=data or {},
        )
        await options.run_quick("record-timeline-event", record, options.PROJECTION)

    async def document(
        self, doc_type: DocumentType, facts: dict[str, Any], *, series: str | None = None, issued_by: str = "system"
    ) -> DocumentRef:
        request = RenderDocumentInput(
            doc_type=doc_type,
            subject=self.kit.subject,
            idempotency_key=self.next_key(doc_type.value),
            facts=facts,
            number_series=series,
            issued_by=issued_by,
            issued_on=self.clock.today(),
        )
        ref: DocumentRef = await workflow.execute_activity(
            "render-document", request, result_type=DocumentRef, **options.DOCUMENT, **options.document_queue()
        )
        return ref

    async def tell_parent(self, signal: str, arg: Any) -> None:
        """Signal the workflow that started this one (the case), if any."""
        parent = workflow.info().parent
        if parent is not None:
            await workflow.get_external_workflow_handle(parent.workflow_id).signal(signal, arg)

    async def refer_alongside(self, request: Any, kind: str, zh: str, en: str, actor: Actor) -> None:
        """Record why, then ask the case to refer it on (a `ReferralRequest`): labour inspection for a
        suspected violation, legal aid for the worker; this proceeding goes on meanwhile."""
        await self.event(kind, zh, en, actor=actor, on=request.on)
        await self.tell_parent("refer", request)

    async def refer_for_legal_aid(
        self, sender: Agency, request: LegalAidReferral, actor: Actor, who_zh: str, proceeding: tuple[str, str]
    ) -> ActionResult:
        """Any channel's staff refer the worker to the legal-aid centre (Legal Aid Law Art. 43, D56);
        `proceeding` (zh, en) goes on meanwhile."""
        await self.refer_alongside(
            ReferralRequest(kind=ReferralKind.legal_aid, sender=sender, on=request.on, reason_zh=request.reason),
            "legal_aid_requested",
            f"{who_zh}为劳动者转请法律援助：{request.reason}",
            "The worker is referred for legal aid",
            actor,
        )
        return ActionResult(
            message_zh=f"已转请法律援助，{proceeding[0]}继续", message_en=f"Referred for legal aid; {proceeding[1]} goes on"
        )

    async def notify(
        self,
        template: str,
        recipient_kind: str,
        *,
        recipient: str | None = None,
        params: dict[str, Any] | None = None,
        team_code: str | None = None,
    ) -> None:
        request = NotificationRequest(
            subject=self.kit.subject,
            event_key=self.next_key(template),
            template=template,
            recipient_kind=recipient_kind,
            recipient=recipient,
            team_code=team_code or self.kit.team_code,
            params=params or {},
        )
        await options.run_quick("notify", request, options.NOTIFY)

    async def _record_task(self, task: OpenTask) -> None:
        await options.run_quick("record-task", task.record(self.kit.subject, self.kit.workflow_id, self.kit.region), options.PROJECTION)
