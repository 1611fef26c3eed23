"""Agents: the worker authorises a lawyer with a scope (LDMAL Art. 24); the agent has its own code
to that one case, acts within its scope and not beyond (withdrawal needs special authorisation,
Civil Procedure Law Art. 62); every act records who acted, for whom; revocation ends access at once."""

from __future__ import annotations

import asyncio
import re
import time

import httpx
from sqlmodel import col, select

from infrastructure.tables import AuditEntry, TimelineEvent
from tests.api.conftest import Api
from tests.stories import dismissal, wage_arrears


def _csrf(html: str) -> str:
    return html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


async def _signed_in(client: httpx.AsyncClient, case_no: str, code: str) -> None:
    page = await client.get("/status")
    entered = await client.post("/status", data={"case_no": case_no, "access_code": code, "csrf_token": _csrf(page.text)})
    assert entered.status_code in (302, 303), entered.text[:300]


async def _events(api: Api, case_no: str, kind: str) -> list[TimelineEvent]:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        async with api.deps.db.session() as session:
            found = (await session.exec(select(TimelineEvent).where(TimelineEvent.subject == f"case:{case_no}",
                                                                    TimelineEvent.kind == kind))).all()
        if found:
            return list(found)
        await asyncio.sleep(0.1)
    raise AssertionError(f"no event {kind}")


async def test_a_lawyer_acts_within_the_scope_the_worker_gave(api: Api) -> None:
    filed = (await api.http.post("/api/v1/cases", json=wage_arrears())).json()
    case_no = filed["case_no"]
    other = (await api.http.post("/api/v1/cases", json=dismissal())).json()["case_no"]
    await _events(api, case_no, "mediation_started")
    await _signed_in(api.http, case_no, filed["access_code"])
    status = await api.http.get(f"/status/{case_no}")
    made = await api.http.post(f"/status/{case_no}/agents", data={
        "csrf_token": _csrf(status.text), "op": "authorise", "kind": "lawyer", "name": "周律师", "mobile": "13900001111",
        "powers": ["add_evidence", "refuse_mediation", "withdraw"]})
    assert made.status_code in (302, 303)
    shown = (await api.http.get(f"/status/{case_no}")).text
    code = re.search(r"([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})", shown)  # shown once, in the flash
    assert code is not None and "周律师" in shown
    agent = {"X-Access-Code": code.group(1)}
    poa = await api.http.get(f"/status/{case_no}/agents")
    assert "授权委托书" in poa.text and "周律师" in poa.text
    assert "不得代为撤回" in poa.text, "withdrawal is not granted without special authorisation"
    documents = (await api.http.get(f"/api/v1/cases/{case_no}/documents", headers={"X-Access-Code": filed["access_code"]})).json()
    assert "授权委托书" in [d["title_zh"] for d in documents["items"]], "the power of attorney is a case document (PDF)"

    view = await api.http.get(f"/api/v1/cases/{case_no}", headers=agent)
    assert view.status_code == 200 and view.json()["case_no"] == case_no
    assert (await api.http.get(f"/api/v1/cases/{other}", headers=agent)).status_code == 404, "its own access, to that case only"
    withdraw = await api.http.post(f"/api/v1/cases/{case_no}/actions", headers=agent,
                                   json={"action": "withdraw", "payload": {"reason": "和解"}})
    assert withdraw.status_code == 403 and "第六十二条" in withdraw.json()["detail"]
    spoof = {"action": "refuse_mediation", "payload": {}, "acted_by": "劳动者本人"}
    refused = await api.http.post(f"/api/v1/cases/{case_no}/actions", headers=agent, json=spoof)
    assert refused.status_code == 200, refused.text
    acted = await _events(api, case_no, "agent_acted")
    assert "周律师（律师，受劳动者委托）" in acted[0].summary_zh and "refuse_mediation" in acted[0].summary_zh
    async with api.deps.db.session() as session:
        entry = (await session.exec(select(AuditEntry).where(col(AuditEntry.actor).startswith("agent:"))
                                    .order_by(col(AuditEntry.id).desc()))).first()
    assert entry is not None and entry.action == "worker.refuse_mediation" and entry.after["for"] == "worker"

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=api.app), base_url="http://test") as lawyer:
        await _signed_in(lawyer, case_no, code.group(1))
        page = await lawyer.get(f"/status/{case_no}")
        assert 'id="acting-as"' in page.text and 'id="authorise-agent"' not in page.text
        tried = await lawyer.post(f"/status/{case_no}/agents", data={"csrf_token": _csrf(page.text), "op": "authorise",
                                                                     "kind": "relative", "name": "x", "mobile": "13900002222"})
        assert "只有劳动者本人" in (await lawyer.get(f"/status/{case_no}")).text, "an agent cannot authorise another"

        status = await api.http.get(f"/status/{case_no}")
        agent_no = re.search(r'data-agent="([0-9a-f]{12})"', status.text)
        assert agent_no is not None and tried.status_code in (302, 303)
        await api.http.post(f"/status/{case_no}/agents",
                            data={"csrf_token": _csrf(status.text), "op": "revoke", "agent": agent_no.group(1)})
        assert (await api.http.get(f"/api/v1/cases/{case_no}", headers=agent)).status_code == 404, "revoked: out at once"
        after = await lawyer.get(f"/status/{case_no}", follow_redirects=False)
        assert after.status_code in (302, 303) and after.headers["location"].startswith("/status?")
