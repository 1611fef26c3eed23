"""An agency's own system plugs in: the administrator registers the Pudong commission's case system
(client credentials shown once), the system takes the union's referral and records the acceptance
decision (LDMAL Art. 29, D13) and schedules the hearing (Art. 35) through the same workflow Updates
as the staff's pages, each under an Idempotency-Key (a retry has its effect once), reads the commission's events, and reaches nothing
of another organisation's. Rotating the secret or revoking the system ends its tokens."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from sqlmodel import col, select

from domain.china_time import china_today
from infrastructure.tables import AgencySystem, AuditEntry, Evidence, TimelineEvent
from tests.api.agency_support import referral_to_commission, register, system_headers, wait_task
from tests.api.conftest import Api

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


async def _events(api: Api, headers: dict[str, str], cursor: int = 0) -> list[dict[str, Any]]:
    answer = await api.http.get("/api/v1/events", params={"cursor": cursor, "limit": 500}, headers=headers)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["items"])


async def test_the_commission_system_accepts_the_referral_and_records_acceptance_once(api: Api) -> None:
    credentials = await register(api)
    assert credentials["client_secret"].startswith("lfs_") and credentials["webhook_secret"].startswith("whsec_")
    async with api.deps.db.session() as session:
        stored = (await session.exec(select(AgencySystem))).one()
    assert credentials["client_secret"] not in stored.secret_hash and len(stored.secret_hash) == 64, "only the hash is kept"
    system = await system_headers(api, credentials)

    case_no = await referral_to_commission(api)
    referral = await wait_task(api, system, case_no, "receive_referral")
    path = f"/api/v1/tasks/{referral['task_id']}/actions"
    accept = {"action": "accept_referral", "payload": {"on": china_today().isoformat()}}
    assert (await api.http.post(path, headers=system, json=accept)).status_code == 400, "no Idempotency-Key: refused"
    refused = await api.http.post(path, headers={**system, "Idempotency-Key": "cms-1"},
                                  json={"action": "accept_referral", "payload": {"on": "2099-01-01"}})
    assert refused.status_code == 409, "the workflow's validator refuses a future date"
    first = await api.http.post(path, headers={**system, "Idempotency-Key": "cms-2"}, json=accept)
    assert first.status_code == 200 and first.headers["Idempotent-Replayed"] == "false", first.text
    again = await api.http.post(path, headers={**system, "Idempotency-Key": "cms-2"}, json=accept)
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true" and again.json() == first.json()
    other = await api.http.post(path, headers={**system, "Idempotency-Key": "cms-2"},
                                json={"action": "return_referral", "payload": {"on": china_today().isoformat(), "reason": "x"}})
    assert other.status_code == 409 and "Idempotency-Key" in other.json()["detail"]
    async with api.deps.db.session() as session:
        accepted = (await session.exec(select(TimelineEvent).where(TimelineEvent.kind == "referral_accepted"))).all()
        audit = (await session.exec(select(AuditEntry).where(col(AuditEntry.action) == "task.accept_referral"))).all()
    assert len(accepted) == 1, "the retried request had its effect once"
    assert [a.actor for a in audit] == [f"system:{credentials['client_id']}"], "recorded as the system acting"

    acceptance = await wait_task(api, system, case_no, "record_arbitration_acceptance")
    ruling = {"action": "record_acceptance", "payload": {"decided_on": china_today().isoformat(), "granted": True}}
    twice = [api.http.post(f"/api/v1/tasks/{acceptance['task_id']}/actions", headers={**system, "Idempotency-Key": "cms-3"},
                           json=ruling) for _ in range(2)]
    decided, raced = await asyncio.gather(*twice)  # a retry racing the first: the key names one Workflow Update
    assert decided.status_code == raced.status_code == 200 and decided.json() == raced.json(), (decided.text, raced.text)
    award = await wait_task(api, system, case_no, "record_award")
    # Scheduling the hearing does not close the task, so only the key stops a retry from recording it twice.
    hearing = {"action": "schedule_hearing", "payload": {"hearing_on": (china_today() + timedelta(days=10)).isoformat(),
                                                          "notice_served_on": china_today().isoformat()}}
    for _ in range(2):
        scheduled = await api.http.post(f"/api/v1/tasks/{award['task_id']}/actions", headers={**system, "Idempotency-Key": "cms-4"},
                                        json=hearing)
        assert scheduled.status_code == 200, scheduled.text
    async with api.deps.db.session() as session:
        hearings = (await session.exec(select(TimelineEvent).where(TimelineEvent.kind == "hearing_scheduled"))).all()
    assert len(hearings) == 1 and "case system" in hearings[0].actor

    events = await _events(api, system)
    assert [e["sequence"] for e in events] == list(range(1, len(events) + 1)), "numbered without gaps"
    kinds = [(e["type"], e["data"].get("kind")) for e in events]
    assert ("referral.sent", "arbitration") in kinds and ("referral.accepted", "arbitration") in kinds
    assert ("decision.recorded", "record_arbitration_acceptance") in kinds and ("task.opened", "record_award") in kinds
    assert [e["data"]["outcome"] for e in events if e["type"] == "decision.recorded"] == ["accept_referral", "record_acceptance"]
    assert any(e["type"] == "deadline.changed" and e["data"]["rule_id"] == "D22" for e in events), "the award period (D22)"
    assert all(e["subject"] == f"case:{case_no}" for e in events)
    last = events[-1]["sequence"]
    assert await _events(api, system, cursor=last) == [] and len(await _events(api, system, cursor=last - 2)) == 2


async def test_scopes_organisations_rotation_and_revocation_limit_the_system(api: Api) -> None:
    mediator = await api.token("mediator")
    commission = await register(api)
    court = await register(api, "court-pd", scopes=("referrals:write", "decisions:write", "events:read", "tasks:read"))
    case_no = await referral_to_commission(api)
    mine = await system_headers(api, commission)
    referral = await wait_task(api, mine, case_no, "receive_referral")
    path = f"/api/v1/tasks/{referral['task_id']}"
    accept = {"action": "accept_referral", "payload": {"on": china_today().isoformat()}}

    theirs = await system_headers(api, court)
    missing = await api.http.get("/api/v1/tasks/no-such-task", headers=theirs)
    seen = await api.http.get(path, headers=theirs)
    acted = await api.http.post(f"{path}/actions", headers={**theirs, "Idempotency-Key": "court-1"}, json=accept)
    assert seen.status_code == acted.status_code == missing.status_code == 404, "another organisation's task: as if missing"
    assert {**seen.json(), "instance": ""} == {**missing.json(), "instance": ""}
    assert not [t for t in (await api.http.get("/api/v1/tasks", headers=theirs)).json()["items"] if t["case_no"] == case_no]
    assert not [e for e in (await api.http.get("/api/v1/events", headers=theirs)).json()["items"] if e["subject"] == f"case:{case_no}"]

    narrow = await system_headers(api, commission, scope="events:read")
    assert (await api.http.post(f"{path}/actions", headers={**narrow, "Idempotency-Key": "n-1"}, json=accept)).status_code == 403
    assert (await api.http.get("/api/v1/tasks", headers=narrow)).status_code == 403
    asked_too_much = await api.http.post("/api/v1/auth/agency-token", data={
        "grant_type": "client_credentials", "client_id": court["client_id"], "client_secret": court["client_secret"], "scope": "admin"})
    assert asked_too_much.status_code == 400
    wrong = await api.http.post("/api/v1/auth/agency-token", data={
        "grant_type": "client_credentials", "client_id": court["client_id"], "client_secret": commission["client_secret"]})
    assert wrong.status_code == 401 and wrong.headers["content-type"] == "application/problem+json"

    admin = await api.token("admin")
    base = f"/api/v1/organisations/arb-pd/systems/{commission['client_id']}"
    elsewhere = f"/api/v1/organisations/court-pd/systems/{commission['client_id']}/rotate"
    assert (await api.http.post(elsewhere, headers=admin)).status_code == 404, "another organisation's system: as if missing"
    rotated = (await api.http.post(f"{base}/rotate", headers=admin)).json()
    assert (await api.http.get(path, headers=mine)).status_code == 401, "tokens of the old secret end"
    renewed = await system_headers(api, {**commission, "client_secret": rotated["client_secret"]})
    assert (await api.http.get(path, headers=renewed)).status_code == 200
    listed = (await api.http.get("/api/v1/organisations/arb-pd/systems", headers=admin)).json()
    assert [s["client_id"] for s in listed] == [commission["client_id"]] and listed[0]["rotated_at"]
    assert (await api.http.post(f"{base}/revoke", headers=admin)).json()["is_active"] is False
    assert (await api.http.get(path, headers=renewed)).status_code == 401
    assert (await api.http.get(path, headers=mediator)).status_code == 404


async def test_the_system_attaches_a_file_to_the_case_of_its_task_once(api: Api) -> None:
    """A hearing record attached by the commission's system: stored outside Temporal, on the case's
    timeline as the system's, told to the organisation as `document.attached`, once per key."""
    commission, court = await register(api), await register(api, "court-pd")
    case_no = await referral_to_commission(api)
    system = await system_headers(api, commission)
    referral = await wait_task(api, system, case_no, "receive_referral")
    url = f"/api/v1/tasks/{referral['task_id']}/attachments"
    pdf = {"file": ("庭审笔录.pdf", PDF, "application/pdf")}
    keyed = {**system, "Idempotency-Key": "cms-file-1"}
    first = await api.http.post(url, headers=keyed, files=pdf, data={"description": "庭审笔录"})
    assert first.status_code == 201 and first.headers["Idempotent-Replayed"] == "false", first.text
    again = await api.http.post(url, headers=keyed, files=pdf, data={"description": "庭审笔录"})
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    other_file = await api.http.post(url, headers=keyed, files={"file": ("b.pdf", PDF + b"%more", "application/pdf")})
    assert other_file.status_code == 409
    assert (await api.http.post(url, headers=system, files=pdf)).status_code == 400
    text_file = {"file": ("x.txt", b"hello", "text/plain")}
    not_pdf = await api.http.post(url, headers={**system, "Idempotency-Key": "cms-file-2"}, files=text_file)
    assert not_pdf.status_code == 415
    theirs = {**await system_headers(api, court), "Idempotency-Key": "court-file-1"}
    assert (await api.http.post(url, headers=theirs, files=pdf)).status_code == 404
    narrow = {**await system_headers(api, commission, scope="tasks:read"), "Idempotency-Key": "cms-file-3"}
    assert (await api.http.post(url, headers=narrow, files=pdf)).status_code == 403
    staff = {**await api.token("arb-clerk"), "Idempotency-Key": "clerk-file-1"}
    assert (await api.http.post(url, headers=staff, files=pdf)).status_code == 401, "a system's operation"

    async with api.deps.db.session() as session:
        stored = (await session.exec(select(Evidence).where(Evidence.case_no == case_no))).all()
        timeline = (await session.exec(select(TimelineEvent).where(TimelineEvent.kind == "document_attached"))).all()
    assert [e.uploaded_by for e in stored] == [f"system:{commission['client_id']}"], "one file stored, by the system"
    assert len(timeline) == 1 and timeline[0].data["evidence_id"] == stored[0].id and "case system" in timeline[0].actor
    events = await _events(api, system)
    attached = [e for e in events if e["type"] == "document.attached"]
    assert len(attached) == 1 and attached[0]["data"]["evidence_id"] == stored[0].id
