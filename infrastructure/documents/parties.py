"""Context loaders: who the parties of a document's subject are, read from the database.

Workflows pass no personal data, so the activity joins it in here. `case:` subjects are built in:
the `dispute_case` row (worker name, ID number and phone decrypted), its claims and evidence, and
the encrypted intake JSON (see `IntakeDetails` for the keys read). Other prefixes plug in with
`register_context_loader`; until the supervision feature registers one for `matter:`, matter
documents take the employer from `facts.employer` and the issuing union from `facts.issuer`.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlmodel import col, select

from domain.documents import DocumentType, split_subject
from domain.identifiers import IdentifierError, id_number_birth_date, id_number_gender
from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.documents.context import DocumentDataError, Parties
from infrastructure.tables import Case, CaseClaim, Deadline, Evidence, StoredDocument, TimelineEvent

ContextLoader = Callable[[Database, Keyring, str, DocumentType], Awaitable[Parties]]


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class IntakeWorker(_Lenient):
    gender: str | None = None  # "male" / "female"; derived from the ID number when there is one
    birth_date: date | None = None
    ethnicity: str | None = None  # 民族
    address: str | None = None  # 住所 / 通讯地址
    occupation: str | None = None  # 职业 / 岗位


class IntakeEmployer(_Lenient):
    address: str | None = None
    legal_representative: str | None = None
    legal_representative_title: str | None = None
    phone: str | None = None


class Witness(_Lenient):
    name: str
    address: str | None = None


class IntakeDetails(_Lenient):
    """The keys of the decrypted intake JSON (`dispute_case.intake_enc`) that documents use."""

    worker: IntakeWorker = Field(default_factory=IntakeWorker)
    employer: IntakeEmployer = Field(default_factory=IntakeEmployer)
    description: str | None = None  # the worker's account: 事实和理由
    witnesses: list[Witness] = Field(default_factory=list)


_LOADERS: dict[str, ContextLoader] = {}


def register_context_loader(prefix: str, loader: ContextLoader) -> None:
    """Plug in the loader for subjects `prefix:ID` (e.g. "matter" for union supervision)."""
    _LOADERS[prefix] = loader


async def load_parties(
    db: Database, keyring: Keyring, subject: str, doc_type: DocumentType
) -> Parties:
    """The parties of `subject`, from the loader registered for its prefix."""
    prefix, ident = split_subject(subject)
    loader = _LOADERS.get(prefix)
    if loader is None:
        raise DocumentDataError(f"no context loader for subjects '{prefix}:'; register one")
    return await loader(db, keyring, ident, doc_type)


async def facts_only_loader(
    db: Database, keyring: Keyring, ident: str, doc_type: DocumentType
) -> Parties:
    """Default for matter subjects: no database join, the employer comes from `facts.employer`."""
    return Parties()


def _intake(keyring: Keyring, case: Case) -> IntakeDetails:
    try:
        return IntakeDetails.model_validate(json.loads(keyring.decrypt_text(case.intake_enc)))
    except ValidationError as exc:
        fields = ", ".join(".".join(str(p) for p in error["loc"]) for error in exc.errors())
        raise DocumentDataError(
            f"case {case.case_no}: intake fields of the wrong type: {fields}"
        ) from None


def _worker(keyring: Keyring, case: Case, intake: IntakeWorker) -> dict[str, Any]:
    id_number = keyring.decrypt_text(case.worker_id_enc) if case.worker_id_enc else None
    gender, birth = intake.gender, intake.birth_date
    if id_number:
        # Staff may have accepted an ID number failing its checksum: keep the intake's values.
        with contextlib.suppress(IdentifierError):
            gender, birth = id_number_gender(id_number), id_number_birth_date(id_number)
    return {
        "name": keyring.decrypt_text(case.worker_name_enc),
        "id_number": id_number,
        "phone": keyring.decrypt_text(case.worker_phone_enc) if case.worker_phone_enc else None,
        "gender": gender,
        "birth_date": birth,
        "ethnicity": intake.ethnicity,
        "address": intake.address,
        "occupation": intake.occupation,
    }


def _evidence_item(keyring: Keyring, row: Evidence) -> dict[str, Any]:
    return {
        "name": row.description or keyring.decrypt_text(row.filename_enc),
        "source": "申请人提供" if row.uploaded_by == "worker" else "经办人员收集",
        "purpose": None,
        "pages": None,
        "original": None,
    }


async def load_case_parties(
    db: Database, keyring: Keyring, case_no: str, doc_type: DocumentType
) -> Parties:
    """The worker, employer, claims and evidence of a case (plus its history for the report)."""
    async with db.session() as session:
        case = (await session.exec(select(Case).where(Case.case_no == case_no))).first()
        if case is None:
            raise DocumentDataError(f"case {case_no} has no intake row")
        claims = (
            await session.exec(
                select(CaseClaim).where(CaseClaim.case_no == case_no).order_by(col(CaseClaim.seq))
            )
        ).all()
        evidence = (
            await session.exec(
                select(Evidence)
                .where(Evidence.case_no == case_no)
                .order_by(col(Evidence.created_at))
            )
        ).all()
        if doc_type is DocumentType.case_summary_report:
            extra = await _case_history(session, f"case:{case_no}")
        elif doc_type is DocumentType.case_transfer_letter:
            extra = {"file": await _case_file(session, f"case:{case_no}")}
        else:
            extra = {}
    intake = _intake(keyring, case)
    case_values: dict[str, Any] = {
        "case_no": case.case_no,
        "category": case.category,
        "stage": case.stage,
        "channel": case.channel,
        "region": case.region,
        "filed_on": case.filed_on,
        "knew_on": case.knew_on,
        "worker_count": case.worker_count,
        "collective": case.collective,
        "claims": [
            {
                "seq": c.seq,
                "kind": c.kind,
                "amount": c.amount,
                "months": c.months,
                "description": c.description,
            }
            for c in claims
        ],
        "total_claimed": case.total_claimed
        if case.total_claimed is not None
        else sum((c.amount for c in claims if c.amount is not None), start=0),
        "description": intake.description,
        "evidence": [_evidence_item(keyring, row) for row in evidence],
        "witnesses": [w.model_dump() for w in intake.witnesses],
        "next_deadline_on": case.next_deadline_on,
        "next_deadline_rule": case.next_deadline_rule,
        "closed_on": case.closed_on,
        "closing_state": case.closing_state,
    }
    employer = {
        "name": case.employer_name,
        "uscc": case.employer_uscc,
        **intake.employer.model_dump(),
    }
    return Parties(
        case=case_values,
        worker=_worker(keyring, case, intake.worker),
        employer=employer,
        extra=extra,
    )


async def _case_file(session: Any, subject: str) -> list[dict[str, Any]]:
    """The documents that travel with a referral: the latest version of each of the case's documents
    issued so far, in issue order, without the earlier transfer letters (each is the sender's own)."""
    rows = (
        await session.exec(
            select(StoredDocument)
            .where(
                StoredDocument.subject == subject,
                StoredDocument.doc_type != DocumentType.case_transfer_letter.value,
            )
            .order_by(col(StoredDocument.created_at), col(StoredDocument.version))
        )
    ).all()
    latest: dict[str, StoredDocument] = {}
    for row in rows:  # ordered by creation: a correction replaces its lineage's entry, in place
        latest[row.lineage_id] = row
    return [
        {"title_zh": d.title_zh, "document_no": d.document_no, "issued_on": d.issued_on}
        for d in latest.values()
    ]


async def _case_history(session: Any, subject: str) -> dict[str, Any]:
    """Timeline, deadlines and documents of a subject, for the case summary report."""
    events = (
        await session.exec(
            select(TimelineEvent)
            .where(TimelineEvent.subject == subject)
            .order_by(col(TimelineEvent.on_date), col(TimelineEvent.id))
        )
    ).all()
    deadlines = (
        await session.exec(
            select(Deadline)
            .where(Deadline.subject == subject)
            .order_by(col(Deadline.due_on), col(Deadline.id))
        )
    ).all()
    documents = (
        await session.exec(
            select(StoredDocument)
            .where(StoredDocument.subject == subject)
            .order_by(col(StoredDocument.created_at))
        )
    ).all()
    return {
        "timeline": [
            {
                "on_date": e.on_date,
                "actor": e.actor,
                "summary_zh": e.summary_zh,
                "citation": e.citation,
            }
            for e in events
        ],
        "deadlines": [
            {
                "rule_id": d.rule_id,
                "start_on": d.start_on,
                "due_on": d.due_on,
                "status": d.status,
                "provisional": d.provisional,
                "label_zh": str(d.explanation.get("label_zh") or d.deadline_key),
            }
            for d in deadlines
        ],
        "documents": [
            {
                "title_zh": d.title_zh,
                "document_no": d.document_no,
                "version": d.version,
                "issued_on": d.issued_on,
            }
            for d in documents
        ],
    }


register_context_loader("case", load_case_parties)
register_context_loader("matter", facts_only_loader)
