"""Registering a case and starting its workflow.

The API commits the case row first (gap-free number, idempotency key, personal data encrypted),
then starts the workflow with a conflict policy that reuses a running one. If Temporal is down the
case is still accepted: `start_pending` starts it when Temporal is back. Nothing is lost.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import structlog
from sqlalchemy import Table, text
from sqlalchemy import insert as insert_into
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, select
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.service import RPCError

from domain.case import CaseFacts
from domain.china_time import china_today
from domain.ids import case_workflow_id, format_case_no
from domain.intake import IntakeRequest, registered_facts
from domain.organisations import Agency
from domain.workflow_models import DisputeInput
from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.settings import Settings
from infrastructure.tables import Case, CaseClaim, CaseRespondent, IdempotencyKey
from infrastructure.temporal import case_search_attributes
from infrastructure.temporal_gateway import TemporalUnavailable
from infrastructure.timing import phase
from services.access import hash_access_code, new_access_code
from services.context import ServiceContext
from services.errors import Refused, Unavailable
from services.evidence import EvidenceFile, store_evidence
from services.organisations import Holders, holders_for, holders_in
from services.started_marks import started_here, started_marks

log = structlog.get_logger("services.intake")


UNNUMBERED = "LD-0000-000000"  # in the facts made before the number is allocated, replaced in the transaction


class IdempotencyConflict(Refused):
    """The Idempotency-Key was used before with a different request."""


@dataclass(frozen=True)
class StartRow:
    """What the workflow's start needs from the committed case row: read back from the row, or, right
    after registering, the values that transaction committed."""

    case_no: str
    workflow_id: str
    category: str
    region: str
    team_code: str | None
    facts: dict[str, Any]  # CaseFacts as stored (JSON)
    access_code: str  # until the workflow has it; "" once started

    @classmethod
    def of(cls, case: Case, keyring: Keyring) -> StartRow:
        pending = json.loads(keyring.decrypt_text(case.pending_start_enc)) if case.pending_start_enc else {}
        return cls(case.case_no, case.workflow_id, case.category, case.region, case.team_code, case.facts,
                   pending.get("access_code", ""))


@dataclass(frozen=True)
class Registered:
    case_no: str
    access_code: str
    created: bool  # False when an Idempotency-Key replay returned the earlier case
    row: StartRow | None = None  # what the transaction committed, when it created the case
    holders: Holders | None = None  # the region's agencies that transaction read, when it created the case


def _table(model: type[SQLModel]) -> Table:
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


CASES, CLAIMS, RESPONDENTS = _table(Case), _table(CaseClaim), _table(CaseRespondent)
IDEMPOTENCY_KEYS = _table(IdempotencyKey)



def request_hash(request: IntakeRequest) -> str:
    return hashlib.sha256(request.model_dump_json().encode()).hexdigest()


_NEXT_SERIAL = text(
    "INSERT INTO case_counter (year, last_serial) VALUES (:year, 1) "
    "ON CONFLICT (year) DO UPDATE SET last_serial = case_counter.last_serial + 1 RETURNING last_serial"
)


def _next_case_no(session: Session, year: int) -> str:
    """Allocate the next serial of the year inside the caller's transaction (rolls back with it)."""
    result = session.connection().execute(_NEXT_SERIAL, {"year": year})
    return format_case_no(year, int(result.scalar_one()))


async def _replay(db: Database, keyring: Keyring, key: str, digest: str) -> Registered | None:
    async with db.session() as session:
        row = await session.get(IdempotencyKey, key)
    if row is None:
        return None
    if row.request_hash != digest:
        raise IdempotencyConflict("Idempotency-Key 已用于另一份不同的申请 / this Idempotency-Key was used for a different request")
    return Registered(row.case_no, keyring.decrypt_text(row.access_code_enc), created=False)


async def register_case(db: Database, keyring: Keyring, request: IntakeRequest, idempotency_key: str | None,
                        holders: Holders | None = None) -> Registered:
    """Commit the case (number, encrypted personal data, claims, idempotency key) in one transaction.
    `holders`: the region's agencies, when the caller has read them already; otherwise the
    transaction reads them (one write turn instead of a read and then a write turn: under a burst of
    intake the separate read waited for the event loop and the reading thread, README "Performance")."""
    digest = request_hash(request)
    if idempotency_key and (earlier := await _replay(db, keyring, idempotency_key, digest)):
        return earlier
    filed_on = china_today()
    access_code = new_access_code()
    # Everything but the number is made before the write turn; the transaction only numbers and inserts.
    facts = registered_facts(UNNUMBERED, request, filed_on)
    stored_facts = facts.model_dump(mode="json")
    name_enc, id_enc = keyring.encrypt_text(request.worker.name), keyring.encrypt_text(request.worker.id_number)
    id_hash, phone_enc = keyring.lookup_hash(request.worker.id_number), keyring.encrypt_text(request.worker.mobile)
    intake_enc = keyring.encrypt_text(request.model_dump_json())
    pending_enc = keyring.encrypt_text(json.dumps({"access_code": access_code}))
    contacts = [keyring.encrypt_text(party.contact) if party.contact else None for party in request.parties]
    code_enc = keyring.encrypt_text(access_code) if idempotency_key else ""

    claims = [
        {"seq": seq, "kind": claim.kind.value, "amount": claim.amount, "months": claim.months,
         "description": claim.description}
        for seq, claim in enumerate(request.claims, start=1)
    ]
    respondents = [
        {"seq": seq, "role": party.role.value, "name": party.name, "uscc": party.uscc, "address": party.address,
         "contact_enc": contact}
        for seq, (party, contact) in enumerate(zip(request.parties, contacts, strict=True), start=1)
    ]
    case_row = {
        "category": request.category.value,
        "region": request.region,
        "jurisdiction": facts.jurisdiction,
        "worker_count": request.worker_count,
        "collective": facts.collective,
        "employer_name": request.employer.name,
        "employer_uscc": request.employer.uscc,
        "knew_on": request.knew_on,
        "filed_on": filed_on,
        "total_claimed": facts.total_claimed,
        "worker_name_enc": name_enc,
        "worker_id_enc": id_enc,
        "worker_id_hash": id_hash,
        "worker_phone_enc": phone_enc,
        "intake_enc": intake_enc,
        "pending_start_enc": pending_enc,
    }

    def insert(session: Session) -> tuple[StartRow, Holders]:
        # Core inserts (the tables' column defaults apply): building and flushing ORM objects here
        # was a fifth of the API's CPU per intake, inside the write turn (README, "Performance").
        conn = session.connection()
        region_holders = holders or holders_in(conn, request.region)  # read before the year's counter is locked
        union_team = region_holders.teams.get(Agency.union_mediation)
        case_no = _next_case_no(session, filed_on.year)
        row = StartRow(case_no, case_workflow_id(case_no), request.category.value, request.region, union_team,
                       {**stored_facts, "case_no": case_no}, access_code)
        conn.execute(insert_into(CASES), [{
            **case_row, "case_no": case_no, "team_code": union_team, "workflow_id": row.workflow_id, "facts": row.facts,
            "access_code_hash": hash_access_code(keyring, case_no, access_code),
        }])
        if claims:
            conn.execute(insert_into(CLAIMS), [{**claim, "case_no": case_no} for claim in claims])
        if respondents:
            conn.execute(insert_into(RESPONDENTS), [{**party, "case_no": case_no} for party in respondents])
        if idempotency_key:
            conn.execute(insert_into(IDEMPOTENCY_KEYS), [
                {"key": idempotency_key, "request_hash": digest, "case_no": case_no, "access_code_enc": code_enc}])
        session.commit()
        return row, region_holders

    try:
        row, read = await db.write(insert)
    except IntegrityError:
        if idempotency_key and (earlier := await _replay(db, keyring, idempotency_key, digest)):
            return earlier  # a concurrent request with the same key won the race
        raise
    log.info("case registered", case_no=row.case_no, category=request.category.value, region=request.region)
    return Registered(row.case_no, access_code, created=True, row=row, holders=read)


async def workflow_input(
    db: Database, settings: Settings, row: StartRow, calendar_years: tuple[Any, ...] = (),
    holders: Holders | None = None, search_attributes: bool = True,
) -> DisputeInput:
    """The workflow's start input from the committed case row."""
    holders = holders or await holders_for(db, row.region)
    return DisputeInput(
        facts=CaseFacts.model_validate(row.facts),
        access_code=row.access_code,
        team_code=row.team_code,
        teams=holders.teams,
        team_names=holders.names,
        calendar_years=calendar_years,
        status_url=f"{settings.base_url}/status/{row.case_no}",
        search_attributes=search_attributes,
    )


async def start_workflow(
    client: Client,
    settings: Settings,
    db: Database,
    keyring: Keyring,
    case_no: str,
    calendar_years: tuple[Any, ...] = (),
    search_attributes: bool = True,
    holders: Holders | None = None,
    row: StartRow | None = None,
    wait_for_mark: bool = True,
) -> None:
    """Start (or find running) the case's workflow, then mark the row started and forget the code.
    `row`: what registering the case committed (else it is read back). `wait_for_mark=False`: return
    once the workflow is started, with the mark still being written (`services.started_marks`)."""
    with structlog.contextvars.bound_contextvars(case_no=case_no, workflow_id=case_workflow_id(case_no)):
        await _start_workflow(client, settings, db, keyring, case_no, calendar_years, search_attributes, holders, row,
                              wait_for_mark)


async def _start_workflow(
    client: Client, settings: Settings, db: Database, keyring: Keyring, case_no: str, calendar_years: tuple[Any, ...],
    search_attributes: bool, holders: Holders | None, row: StartRow | None, wait_for_mark: bool,
) -> None:
    with phase("input"):
        if row is None:
            async with db.session() as session:
                row = StartRow.of((await session.exec(select(Case).where(Case.case_no == case_no))).one(), keyring)
        inp = await workflow_input(db, settings, row, calendar_years, holders, search_attributes)
        attributes = case_search_attributes(case_no, row.category, row.region) if search_attributes else None
    with phase("start"):
        await client.start_workflow(
            "dispute",
            inp,
            id=row.workflow_id,
            task_queue=settings.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            search_attributes=attributes,
        )
    if wait_for_mark:
        with phase("started"):
            await started_marks(db).mark(db, case_no)
    else:
        started_marks(db).mark_soon(db, case_no)
    log.info("case workflow started")  # case_no and workflow_id are bound by start_workflow


async def pending_starts(db: Database, older_than: timedelta = timedelta(seconds=5)) -> list[str]:
    """Cases committed but whose workflow has not started (Temporal was down)."""
    cutoff = datetime.now(UTC) - older_than
    async with db.session() as session:
        rows = await session.exec(
            select(Case.case_no)
            .where(Case.workflow_started == False, Case.created_at < cutoff)  # noqa: E712
            .order_by(col(Case.id))
            .limit(100)
        )
        return list(rows.all())


@dataclass(frozen=True)
class Filed:
    """What filing an intake did: the case, its access code (shown once), whether it is new and started."""

    case_no: str
    access_code: str
    created: bool
    started: bool


async def try_start(ctx: ServiceContext, case_no: str, holders: Holders | None = None,
                    row: StartRow | None = None) -> bool:
    """Start the workflow now; if Temporal is down the case waits for `start_pending` (nothing lost).
    The answer does not wait for the started mark to be written (`services.started_marks`)."""
    try:
        client = await ctx.client()
        await start_workflow(client, ctx.settings, ctx.db, ctx.keyring, case_no, await ctx.calendar_years(),
                             search_attributes=ctx.search_attributes, holders=holders, row=row, wait_for_mark=False)
        return True
    except (Unavailable, TemporalUnavailable, RPCError, ConnectionError):
        return False


async def file_intake(
    ctx: ServiceContext, intake: IntakeRequest, idempotency_key: str | None, uploads: tuple[EvidenceFile, ...] = ()
) -> Filed:
    """Register the case (idempotent by key), store its evidence files, then start its workflow.

    Evidence is stored before the start, so the first documents already list it."""
    with phase("register"):  # the region's agencies are read in its transaction: the union team and the workflow's
        registered = await register_case(ctx.db, ctx.keyring, intake, idempotency_key)
    if not registered.created:
        async with ctx.db.session() as session:
            started = (await session.exec(select(Case.workflow_started).where(Case.case_no == registered.case_no))).one()
        return Filed(registered.case_no, registered.access_code, False, started or started_here(ctx.db, registered.case_no))
    with phase("evidence"):
        for upload in uploads:
            await store_evidence(ctx.storage, ctx.db, ctx.keyring, registered.case_no, upload)
    started = await try_start(ctx, registered.case_no, registered.holders, registered.row)
    return Filed(registered.case_no, registered.access_code, True, started)


async def start_pending(ctx: ServiceContext) -> None:
    """Start the workflows of cases accepted while Temporal was down (stops at the first failure)."""
    waiting = await pending_starts(ctx.db)
    if not waiting:
        return
    client = await ctx.client()
    for case_no in waiting:
        try:
            await start_workflow(client, ctx.settings, ctx.db, ctx.keyring, case_no, await ctx.calendar_years(),
                                 search_attributes=ctx.search_attributes)
            log.info("started a workflow that waited for Temporal", case_no=case_no)
        except Exception as exc:
            log.warning("workflow start still failing", case_no=case_no, error=str(exc))
            break
