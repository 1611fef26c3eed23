"""What an agency system does through the API: its organisation's tasks, the same task actions the
pages run (the workflow's `act` update and its validator: a refused action leaves no trace), each
under an Idempotency-Key, and the organisation's event feed.

An action runs once per (system, Idempotency-Key): the key names the Workflow Update (Temporal
runs an update id once per workflow run and answers a repeat with the first result, also while the
first is still running or after our process died before recording it), and the answer is kept so a
retry later is answered from the database. The same key with a different request is refused."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from pydantic import AwareDatetime, Field
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from domain.actions import ActionResult, Actor, AttachedFile
from domain.agency_systems import AgencySystemPrincipal, Scope, scope_for_action
from domain.ids import case_workflow_id
from infrastructure import audit
from infrastructure.db import Database
from infrastructure.tables import AgencyActionReceipt, AgencyEvent, Task
from services.casework import run_task_action_as, run_update
from services.context import ServiceContext
from services.errors import Forbidden, NotFound, Refused, ServiceError
from services.evidence import EvidenceFile, store_evidence
from services.read_models import ReadModel, aware

MAX_FEED = 500


class IdempotencyKeyMissing(ServiceError):
    """An agency system's action came without an Idempotency-Key (400)."""

    status = 400

    def __init__(self) -> None:
        super().__init__("系统调用须带 Idempotency-Key 请求头 / an agency system's action must carry an Idempotency-Key header")


class IdempotencyKeyReused(Refused):
    """The key was used for a different request (409)."""

    def __init__(self) -> None:
        super().__init__("Idempotency-Key 已用于另一请求 / this Idempotency-Key was used for a different request")


def require_scope(system: AgencySystemPrincipal, scope: Scope) -> None:
    """403 unless the token carries `scope`."""
    if not system.may(scope):
        raise Forbidden(f"令牌无 {scope.value} 权限 / the token lacks the {scope.value} scope")


async def system_task(db: Database, task_id: str, system: AgencySystemPrincipal) -> Task:
    """One of the organisation's tasks; the same `NotFound` for a missing task and another's."""
    async with db.session() as session:
        task = await session.get(Task, task_id)
    if task is None or task.team_code not in system.team_codes:
        raise NotFound()
    return task


def system_actor(system: AgencySystemPrincipal, task: Task) -> Actor:
    """The system acts as its organisation's team, in the role the task is for, named as the system."""
    return Actor(kind="staff", username=system.username, role=task.role, team_code=task.team_code,
                 display_name=f"{system.name}（系统 / system）")


@dataclass(frozen=True)
class SystemActionDone:
    result: ActionResult
    replayed: bool  # True: the answer of the first request with this key


def _request_hash(task_id: str, action: str, payload: dict[str, Any]) -> str:
    body = json.dumps({"task": task_id, "action": action, "payload": payload}, sort_keys=True, default=str)
    return hashlib.sha256(body.encode()).hexdigest()


async def _receipt(db: Database, system: AgencySystemPrincipal, key: str) -> AgencyActionReceipt | None:
    async with db.session() as session:
        query = select(AgencyActionReceipt).where(AgencyActionReceipt.system_id == system.system_id,
                                                  AgencyActionReceipt.idempotency_key == key)
        return (await session.exec(query)).first()


async def _earlier(db: Database, system: AgencySystemPrincipal, key: str | None, digest: str) -> SystemActionDone | None:
    """The answer already given under this key (None: the key is new); 400 without a key, 409 for another request."""
    if not key:
        raise IdempotencyKeyMissing()
    earlier = await _receipt(db, system, key)
    if earlier is None:
        return None
    if earlier.request_hash != digest:
        raise IdempotencyKeyReused()
    return SystemActionDone(ActionResult.model_validate(earlier.result), replayed=True)


def _update_id(system: AgencySystemPrincipal, key: str) -> str:
    return "agency-" + hashlib.sha256(f"{system.system_id}:{key}".encode()).hexdigest()[:32]


async def _keep(db: Database, system: AgencySystemPrincipal, key: str, digest: str, result: ActionResult) -> SystemActionDone:
    try:
        async with db.write_session() as session:
            session.add(AgencyActionReceipt(system_id=system.system_id, idempotency_key=key, request_hash=digest,
                                            result=result.model_dump(mode="json")))
            await session.commit()
    except IntegrityError:
        pass  # a concurrent request with the same key recorded the same answer (the update ran once)
    return SystemActionDone(result, replayed=False)


async def act_as_system(ctx: ServiceContext, task_id: str, system: AgencySystemPrincipal, action: str,
                        payload: dict[str, Any], idempotency_key: str | None) -> SystemActionDone:
    """The system's action on one of its organisation's tasks, once per Idempotency-Key."""
    require_scope(system, scope_for_action(action))
    digest = _request_hash(task_id, action, payload)
    if earlier := await _earlier(ctx.db, system, idempotency_key, digest):
        return earlier
    assert idempotency_key is not None
    task = await system_task(ctx.db, task_id, system)
    result = await run_task_action_as(ctx, task, system_actor(system, task), action, payload, _update_id(system, idempotency_key))
    return await _keep(ctx.db, system, idempotency_key, digest, result)


async def attach_as_system(ctx: ServiceContext, task_id: str, system: AgencySystemPrincipal, upload: EvidenceFile,
                           description: str, idempotency_key: str | None) -> SystemActionDone:
    """The system adds a file to the case of one of its tasks (stored encrypted outside Temporal, then
    the case workflow's `attach-document` update records it), once per Idempotency-Key."""
    require_scope(system, Scope.documents_write)
    digest = hashlib.sha256(b"attach:" + task_id.encode() + b":" + description.encode() + b":" + upload.data).hexdigest()
    if earlier := await _earlier(ctx.db, system, idempotency_key, digest):
        return earlier
    assert idempotency_key is not None
    task = await system_task(ctx.db, task_id, system)
    if not task.subject.startswith("case:"):
        raise NotFound()  # files are attached to cases; a matter's task has none
    case_no = task.subject.removeprefix("case:")
    actor = system_actor(system, task)
    row = await store_evidence(ctx.storage, ctx.db, ctx.keyring, case_no, upload, description=description, uploaded_by=system.username)
    attached = AttachedFile(evidence_id=row.id, actor=actor, task_id=task.task_id)
    result = await run_update(ctx, case_workflow_id(case_no), "attach-document", attached, _update_id(system, idempotency_key))
    await audit.record(ctx.db, actor=system.username, action="case.attach_document", object_type="case", object_id=case_no,
                       after={"evidence_id": row.id, "task_id": task.task_id})
    return await _keep(ctx.db, system, idempotency_key, digest, result)


class AgencyEventPublic(ReadModel):
    """One event of the organisation's feed (the same body a webhook delivers)."""

    id: str = Field(description="unique event id: de-duplicate on it (it is also the webhook's `webhook-id`)")
    sequence: int = Field(description="1, 2, 3... per organisation, without gaps")
    type: str = Field(description="referral.sent|accepted|returned|withdrawn, task.opened, decision.recorded, "
                                  "task.cancelled, deadline.changed, document.issued")
    subject: str = Field(description="`case:<case_no>` or `matter:<matter_no>`")
    organisation: str
    timestamp: AwareDatetime
    data: dict[str, Any]


class EventFeed(ReadModel):
    """Events after the cursor, oldest first; ask again with `next_cursor`."""

    items: list[AgencyEventPublic]
    next_cursor: int = Field(description="the last sequence returned (the cursor given, when there is nothing new)")
    has_more: bool = Field(description="more events wait after this page")


def event_public(row: AgencyEvent) -> AgencyEventPublic:
    """An event as the feed and the webhook carry it."""
    return AgencyEventPublic(id=row.event_id, sequence=row.seq, type=row.type, subject=row.subject,
                             organisation=row.organisation_code, timestamp=aware(row.occurred_at), data=row.data)


async def events_after(db: Database, organisation_code: str, after: int, limit: int) -> list[AgencyEvent]:
    """Up to `limit` of the organisation's events after sequence `after`, in order."""
    async with db.session() as session:
        query = (select(AgencyEvent).where(AgencyEvent.organisation_code == organisation_code, col(AgencyEvent.seq) > after)
                 .order_by(col(AgencyEvent.seq)).limit(limit))
        return list((await session.exec(query)).all())


async def event_feed(db: Database, system: AgencySystemPrincipal, cursor: int, limit: int) -> EventFeed:
    """The pull feed: the organisation's events after `cursor`."""
    require_scope(system, Scope.events_read)
    rows = await events_after(db, system.organisation_code, cursor, min(limit, MAX_FEED) + 1)
    shown, more = rows[:limit], len(rows) > limit
    return EventFeed(items=[event_public(r) for r in shown], next_cursor=shown[-1].seq if shown else cursor, has_more=more)
