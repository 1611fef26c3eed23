"""Agents on a case: the worker authorises one (its own access code, shown once, to hand over; the
power of attorney shows what it may do), revokes it (its access ends at once), and an agent's act is
checked against its scope and recorded with who acted, for whom."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import col, select
from temporalio.common import WorkflowIDConflictPolicy

from domain.actions import WorkerActionKind
from domain.agents import AGENT_KINDS, BASIS, POWER_WORDS, SPECIAL_BASIS, AgentAuthorisation, acted_by_label
from domain.china_time import china_today
from domain.documents import DocumentRef, DocumentType, RenderDocumentInput, document_idempotency_key
from domain.ids import document_workflow_id
from domain.privacy import mask_mobile
from domain.roles import WorkerPrincipal
from infrastructure import audit
from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.tables import CaseAgent
from services.access import new_access_code, normalise_access_code
from services.context import ServiceContext
from services.errors import NotFound, Unavailable


def agent_code_hash(keyring: Keyring, case_no: str, code: str) -> str:
    """Keyed hash bound to the case (like the worker's code), kept apart from it by its prefix."""
    return keyring.lookup_hash(f"agent:{case_no}:{normalise_access_code(code)}")


@dataclass(frozen=True)
class Authorised:
    agent_no: str
    access_code: str  # shown once, to the worker, to hand to the agent


@dataclass(frozen=True)
class AgentView:
    """One agent as the worker's page and the power of attorney show it."""

    agent_no: str
    kind: str
    kind_zh: str
    name: str
    mobile: str
    powers: list[str]
    special: bool
    created_at: datetime
    revoked: bool


async def authorise(db: Database, keyring: Keyring, worker: WorkerPrincipal, request: AgentAuthorisation) -> Authorised:
    """The worker (never an agent) authorises an agent for their case."""
    if worker.agent is not None:
        raise NotFound()
    code, agent_no = new_access_code(), secrets.token_hex(6)
    async with db.write_session() as session:
        session.add(CaseAgent(agent_no=agent_no, case_no=worker.case_no, kind=request.kind.value,
                              name_enc=keyring.encrypt_text(request.name), mobile_enc=keyring.encrypt_text(request.mobile),
                              powers=sorted(request.granted()), special=request.special,
                              code_hash=agent_code_hash(keyring, worker.case_no, code)))
        await session.commit()
    await audit.record(db, actor=f"worker:{worker.case_no}", action="agent.authorise", object_type="case", object_id=worker.case_no,
                       after={"agent": agent_no, "kind": request.kind.value, "powers": sorted(request.granted())})
    return Authorised(agent_no, code)


async def revoke(db: Database, worker: WorkerPrincipal, agent_no: str) -> None:
    """The worker ends an authorisation: the agent's code stops working at once."""
    if worker.agent is not None:
        raise NotFound()
    async with db.write_session() as session:
        row = (await session.exec(select(CaseAgent).where(CaseAgent.case_no == worker.case_no, CaseAgent.agent_no == agent_no))).first()
        if row is None:
            raise NotFound()
        row.revoked_at = row.revoked_at or datetime.now(UTC)
        session.add(row)
        await session.commit()
    await audit.record(db, actor=f"worker:{worker.case_no}", action="agent.revoke", object_type="case", object_id=worker.case_no,
                       after={"agent": agent_no})


async def agents_of(db: Database, keyring: Keyring, case_no: str) -> list[AgentView]:
    """Every agent the worker authorised for the case, newest first."""
    async with db.session() as session:
        rows = (await session.exec(select(CaseAgent).where(CaseAgent.case_no == case_no).order_by(col(CaseAgent.id).desc()))).all()
    return [AgentView(r.agent_no, r.kind, AGENT_KINDS[r.kind][0], keyring.decrypt_text(r.name_enc),  # type: ignore[index]
                      keyring.decrypt_text(r.mobile_enc), list(r.powers), r.special, r.created_at, r.revoked_at is not None)
            for r in rows]


async def agent_by_code(db: Database, keyring: Keyring, case_no: str, code: str) -> WorkerPrincipal | None:
    """The agent a code belongs to, while its authorisation stands."""
    async with db.session() as session:
        row = (await session.exec(select(CaseAgent).where(CaseAgent.code_hash == agent_code_hash(keyring, case_no, code)))).first()
    return _principal(keyring, row)


async def agent_principal(db: Database, keyring: Keyring, case_no: str, agent_no: str) -> WorkerPrincipal | None:
    """The agent named in a signed cookie, if it is still authorised (revocation takes effect at once)."""
    async with db.session() as session:
        row = (await session.exec(select(CaseAgent).where(CaseAgent.case_no == case_no, CaseAgent.agent_no == agent_no))).first()
    return _principal(keyring, row)


def _principal(keyring: Keyring, row: CaseAgent | None) -> WorkerPrincipal | None:
    if row is None or row.revoked_at is not None:
        return None
    return WorkerPrincipal(row.case_no, agent=row.agent_no, agent_label=acted_by_label(row.kind, keyring.decrypt_text(row.name_enc)),
                           powers=frozenset(row.powers))


async def issue_power_of_attorney(ctx: ServiceContext, worker: WorkerPrincipal, agent_no: str) -> str | None:
    """The power of attorney as a case document (PDF), once per agent; None while Temporal is away
    (the authorisation stands, and its page shows it)."""
    found = next((a for a in await agents_of(ctx.db, ctx.keyring, worker.case_no) if a.agent_no == agent_no), None)
    if found is None:
        raise NotFound()
    facts = {"agent_name": found.name, "agent_kind_zh": found.kind_zh, "agent_mobile": mask_mobile(found.mobile),
             "powers_zh": [POWER_WORDS[WorkerActionKind(p)] for p in found.powers], "special": found.special,
             "basis": BASIS.split(" / ")[0], "special_basis": SPECIAL_BASIS.split(" / ")[0],
             "authorised_on": found.created_at.date().isoformat()}
    key = document_idempotency_key(f"agent/{worker.case_no}/{agent_no}", DocumentType.power_of_attorney)
    order = RenderDocumentInput(doc_type=DocumentType.power_of_attorney, subject=f"case:{worker.case_no}", idempotency_key=key,
                                facts=facts, issued_on=china_today(), issued_by=f"worker:{worker.case_no}")
    try:
        client = await ctx.client()
        ref: DocumentRef = await client.execute_workflow("issue-document", order, id=document_workflow_id(key),
                                                         task_queue=ctx.settings.task_queue,
                                                         id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING, result_type=DocumentRef)
    except Unavailable:
        return None
    return ref.document_id
