"""Read models of union supervision as the JSON API answers them: a matter in the list, one matter
in full (from the projections, plus the workflow's live view when Temporal answers), and a bulk
batch's progress. Built from the same rows the union's pages show."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import AwareDatetime, Field

from domain.documents import DocumentType
from domain.supervision import MatterView
from infrastructure.tables import StoredDocument, SupervisionBatch, SupervisionBatchLetter, SupervisionMatter, SupervisionRung
from services.case_view import CaseDeadline, TimelineEntry, deadline_row
from services.inbox import TaskRow, task_row
from services.read_models import Page, ReadModel, aware


class MatterSummary(ReadModel):
    """One matter in the union's list."""

    matter_no: str = Field(examples=["SV-2026-000007"])
    employer_name: str
    employer_uscc: str
    region: str
    status: str = Field(description="open or closed")
    phase: str
    rung: str | None = Field(description="the highest rung reached: reminder_letter, opinion_notice, recommendation_notice...")
    outcome: str | None
    opened_on: date
    next_deadline_on: date | None
    next_deadline_rule: str | None
    awaiting_reply: bool
    reply_due_on: date | None
    overdue_reply: bool = Field(description="a served notice's reply is past due")
    workflow_started: bool


class MatterPage(Page[MatterSummary]):
    """One page of matters: overdue replies first, then by the next deadline."""


class MatterPublic(ReadModel):
    """The matter itself: employer, origin, where it stands."""

    matter_no: str
    workflow_id: str
    workflow_started: bool
    team_code: str
    region: str
    jurisdiction: str
    employer_name: str
    employer_uscc: str
    employer_address: str
    employer_kind: str
    platform_uscc: str | None
    origin: str
    origin_note: str
    opened_on: date
    opened_by: str
    status: str
    phase: str
    rung: str | None
    outcome: str | None
    next_deadline_on: date | None
    next_deadline_rule: str | None
    awaiting_reply: bool
    reply_due_on: date | None
    closed_on: date | None


class RungPublic(ReadModel):
    """One rung the matter entered: its notice, approval, service and reply."""

    seq: int
    rung: str
    trigger: str
    direct: bool
    reason: str
    drafted_by: str
    approved_by: str
    document_id: str | None
    document_no: str | None
    addressee: str
    issued_on: date | None
    served_on: date | None
    service_method: str | None
    reply_rule: str | None
    reply_due_on: date | None
    replied_on: date | None
    reply_kind: str | None
    reply_source: str | None
    reply_accepted: bool | None


class MatterDocument(ReadModel):
    """A document issued in the matter (download: `GET /api/v1/documents/{document_id}`)."""

    document_id: str
    doc_type: DocumentType
    title_zh: str
    document_no: str | None
    version: int
    issued_on: date
    pdf_url: str
    html_url: str


class ReplyAttachment(ReadModel):
    """A file the employer sent with a reply (`GET /api/v1/supervision/attachments/{id}`)."""

    id: str
    filename: str
    size: int
    document_id: str = Field(description="the notice the reply answered")


class MatterDetail(ReadModel):
    """A matter in full: employer, cases, rungs, timeline, deadlines explained, documents, open tasks."""

    matter: MatterPublic
    cases: list[str] = Field(description="case numbers the matter concerns")
    events: list[TimelineEntry]
    deadlines: list[CaseDeadline]
    documents: list[MatterDocument]
    tasks: list[TaskRow] = Field(description="the matter's open tasks")
    rungs: list[RungPublic]
    attachments: list[ReplyAttachment]
    live: MatterView | None = Field(description="the workflow's own view; null while the workflow service is unavailable")


def matter_summary(m: SupervisionMatter, overdue_reply: bool) -> MatterSummary:
    """A matter as its list shows it."""
    return MatterSummary(
        matter_no=m.matter_no, employer_name=m.employer_name, employer_uscc=m.employer_uscc, region=m.region, status=m.status,
        phase=m.phase, rung=m.rung, outcome=m.outcome, opened_on=m.opened_on, next_deadline_on=m.next_deadline_on,
        next_deadline_rule=m.next_deadline_rule, awaiting_reply=m.awaiting_reply, reply_due_on=m.reply_due_on,
        overdue_reply=overdue_reply, workflow_started=m.workflow_started,
    )


def _document(row: StoredDocument) -> MatterDocument:
    return MatterDocument(document_id=row.id, doc_type=DocumentType(row.doc_type), title_zh=row.title_zh, document_no=row.document_no,
                          version=row.version, issued_on=row.issued_on, pdf_url=f"/api/v1/documents/{row.id}?format=pdf",
                          html_url=f"/api/v1/documents/{row.id}?format=html")


def _rung(row: SupervisionRung) -> RungPublic:
    return RungPublic.model_validate(row.model_dump(include=set(RungPublic.model_fields)))


def matter_view(detail: dict[str, Any], live: MatterView | None, today: date) -> MatterDetail:
    """The JSON form of `console.matter_detail` (the rows the matter page shows) and the live view."""
    row: SupervisionMatter = detail["matter"]
    return MatterDetail(
        matter=MatterPublic.model_validate(row.model_dump(include=set(MatterPublic.model_fields))),
        cases=list(detail["cases"]),
        events=[TimelineEntry(on=e.on_date, kind=e.kind, actor=e.actor, zh=e.summary_zh, en=e.summary_en, citation=e.citation)
                for e in detail["events"]],
        deadlines=[deadline_row(d) for d in detail["deadlines"]],
        documents=[_document(d) for d in detail["documents"]],
        tasks=[task_row(t, None, today) for t in detail["tasks"]],
        rungs=[_rung(r) for r in detail["rungs"]],
        attachments=[ReplyAttachment.model_validate(a) for a in detail["attachments"]],
        live=live,
    )


class BatchPublic(ReadModel):
    """A bulk reminder-letter batch and how far issuing has come."""

    batch_no: str = Field(examples=["BL-2026-000001"])
    team_code: str
    region: str
    topic: str
    issued_on: date
    created_by: str
    total: int
    issued: int
    failed: int
    status: str = Field(description="running, done or failed")
    created_at: AwareDatetime
    updated_at: AwareDatetime


class BatchLetter(ReadModel):
    """One employer row of the batch and its letter (文号) once issued."""

    line: int = Field(description="the row's line in the uploaded CSV")
    employer_name: str
    employer_uscc: str
    employer_address: str
    status: str = Field(description="pending, issued or failed")
    document_id: str | None
    document_no: str | None
    error: str | None


class BatchProgress(ReadModel):
    """A batch and its letters."""

    batch: BatchPublic
    letters: list[BatchLetter]


def batch_progress(batch: SupervisionBatch, letters: list[SupervisionBatchLetter]) -> BatchProgress:
    """The batch with its letters, as the JSON API answers it."""
    fields = batch.model_dump(include=set(BatchPublic.model_fields) - {"created_at", "updated_at"})
    return BatchProgress(
        batch=BatchPublic(**fields, created_at=aware(batch.created_at), updated_at=aware(batch.updated_at)),
        letters=[BatchLetter.model_validate(letter.model_dump(include=set(BatchLetter.model_fields))) for letter in letters],
    )
