"""The contract, tried as an agency's integrator would: a client generated from `/openapi.json` by
openapi-python-client (its own generator, no hand edits, undocumented statuses raise), used to file
Li Jianguo's case, get the 422 for a wrong ID number as a typed problem, read the case with the
worker's access code, and list the inbox signed in as the demo mediator; then, as the arbitration
commission's own system with client credentials, accept a referral and record a decision."""

from __future__ import annotations

import asyncio
import importlib
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from openapi_python_client import generate
from openapi_python_client.config import Config, ConfigFile, MetaType

from api.examples import LI_JIANGUO
from domain.china_time import china_today
from tests.api.agency_support import referral_to_commission, register
from tests.api.conftest import DEMO_PASSWORD, Api

PACKAGE = "labourflow_client"


@pytest.fixture
def generated(tmp_path: Path) -> Iterator[Path]:
    """Where the client goes; its modules are forgotten afterwards (each test generates its own)."""
    yield tmp_path
    for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
        del sys.modules[name]
    if str(tmp_path) in sys.path:
        sys.path.remove(str(tmp_path))


def _generate(spec: dict[str, Any], where: Path) -> ModuleType:
    document = where / "openapi.json"
    document.write_text(json.dumps(spec), "utf-8")
    config = Config.from_sources(
        ConfigFile(package_name_override=PACKAGE, post_hooks=[]),  # no formatter run: the code as generated
        MetaType.NONE, document, "utf-8", overwrite=True, output_path=where / PACKAGE,
    )
    problems = generate(config=config)
    assert not problems, [f"{p.header}: {p.detail}" for p in problems]
    sys.path.insert(0, str(where))
    importlib.invalidate_caches()
    return importlib.import_module(PACKAGE)


def _module(name: str) -> Any:
    return importlib.import_module(f"{PACKAGE}.{name}")


async def test_a_generated_client_files_reads_and_lists(api: Api, generated: Path) -> None:
    spec = (await api.http.get("/openapi.json")).json()
    _generate(spec, generated)
    client_mod, models = _module("client"), _module("models")
    file_case, get_case = _module("api.cases.file_case"), _module("api.cases.get_case")
    issue_token, list_tasks = _module("api.auth.issue_token"), _module("api.staff.list_tasks")

    plumbing = {"base_url": "http://test", "raise_on_unexpected_status": True,
                "httpx_args": {"transport": httpx.ASGITransport(app=api.app)}}  # the app in-process
    anonymous = client_mod.Client(**plumbing)

    filed = await file_case.asyncio_detailed(client=anonymous, body=models.IntakeRequest.from_dict(LI_JIANGUO),
                                             idempotency_key="agency-system-0001")
    assert filed.status_code == 201 and isinstance(filed.parsed, models.IntakeAccepted), filed.content
    case_no, code = filed.parsed.case_no, filed.parsed.access_code
    again = await file_case.asyncio_detailed(client=anonymous, body=models.IntakeRequest.from_dict(LI_JIANGUO),
                                             idempotency_key="agency-system-0001")
    assert again.status_code == 200 and (again.parsed.case_no, again.parsed.access_code) == (case_no, code)

    wrong = {**LI_JIANGUO, "worker": {**LI_JIANGUO["worker"], "id_number": "341221198003120032"}}  # type: ignore[dict-item]
    refused = await file_case.asyncio_detailed(client=anonymous, body=models.IntakeRequest.from_dict(wrong))
    assert refused.status_code == 422 and isinstance(refused.parsed, models.Problem)
    assert refused.parsed.type_ == "/problems/validation" and refused.parsed.status == 422
    [error] = refused.parsed.errors
    assert isinstance(error, models.FieldError)
    assert (error.field, error.code) == ("worker.id_number", "id_number.check_char")
    assert "校验位" in error.message and "check character" in error.message and error.fix

    worker = client_mod.AuthenticatedClient(token=code, prefix="", auth_header_name="X-Access-Code", **plumbing)
    case = await get_case.asyncio(case_no, client=worker)
    assert isinstance(case, models.CaseDetail)
    assert case.case_no == case_no and case.region == "shanghai-pudong" and case.worker.name == "李建国"
    assert case.worker.id_number.startswith("3412") and "*" in case.worker.id_number
    assert case.workflow_started is again.parsed.workflow_started is True and case.tasks == []
    stranger = await get_case.asyncio_detailed("LD-2026-999999", client=worker)
    assert stranger.status_code == 404 and isinstance(stranger.parsed, models.Problem)

    token = await issue_token.asyncio(client=anonymous, body=models.BodyIssueToken(username="mediator", password=DEMO_PASSWORD))
    assert isinstance(token, models.Token) and token.token_type == "bearer"
    mediator = client_mod.AuthenticatedClient(token=token.access_token, **plumbing)
    deadline = time.monotonic() + 20
    while True:
        inbox = await list_tasks.asyncio(client=mediator)
        assert isinstance(inbox, models.TaskPage) and inbox.page == 1
        mine = [t for t in inbox.items if t.case_no == case_no]
        if mine:
            break
        assert time.monotonic() < deadline, "the mediator's task did not arrive"
        await asyncio.sleep(0.2)
    assert mine[0].kind == "mediate" and inbox.total >= 1 and "record_failure" in mine[0].actions
    anonymous_inbox = await list_tasks.asyncio_detailed(client=anonymous)
    assert anonymous_inbox.status_code == 401 and isinstance(anonymous_inbox.parsed, models.Problem)


async def test_a_generated_client_as_an_agency_system_accepts_a_referral_and_records_a_decision(api: Api, generated: Path) -> None:
    """The commission's own system, with client credentials from the administrator, gets a token,
    finds the union's referral among its tasks, accepts it and records the acceptance decision, each
    under an Idempotency-Key; the event feed then tells it what happened, in order."""
    spec = (await api.http.get("/openapi.json")).json()
    _generate(spec, generated)
    client_mod, models = _module("client"), _module("models")
    issue_agency_token, list_tasks = _module("api.auth.issue_agency_token"), _module("api.staff.list_tasks")
    act_on_task, list_events = _module("api.cases.act_on_task"), _module("api.agency_systems.list_events")
    plumbing = {"base_url": "http://test", "raise_on_unexpected_status": True,
                "httpx_args": {"transport": httpx.ASGITransport(app=api.app)}}

    credentials = await register(api)
    case_no = await referral_to_commission(api)
    anonymous = client_mod.Client(**plumbing)
    body = models.BodyIssueAgencyToken(grant_type="client_credentials", client_id=credentials["client_id"],
                                       client_secret=credentials["client_secret"])
    token = await issue_agency_token.asyncio(client=anonymous, body=body)
    assert isinstance(token, models.AgencyToken) and "referrals:write" in token.scope.split()
    system = client_mod.AuthenticatedClient(token=token.access_token, **plumbing)

    async def task_of(kind: str) -> Any:
        deadline = time.monotonic() + 15
        while True:
            page = await list_tasks.asyncio(client=system, per_page=200)
            assert isinstance(page, models.TaskPage)
            found = [t for t in page.items if t.case_no == case_no and t.kind == kind]
            if found:
                return found[0]
            assert time.monotonic() < deadline, f"{kind} did not arrive"
            await asyncio.sleep(0.2)

    referral = await task_of("receive_referral")
    accept = models.TaskActionIn.from_dict({"action": "accept_referral", "payload": {"on": china_today().isoformat()}})
    accepted = await act_on_task.asyncio_detailed(referral.task_id, client=system, body=accept, idempotency_key="cms-accept-1")
    assert accepted.status_code == 200 and isinstance(accepted.parsed, models.ActionResult), accepted.content
    retried = await act_on_task.asyncio_detailed(referral.task_id, client=system, body=accept, idempotency_key="cms-accept-1")
    assert retried.status_code == 200 and retried.headers["idempotent-replayed"] == "true"

    acceptance = await task_of("record_arbitration_acceptance")
    ruling = models.TaskActionIn.from_dict({"action": "record_acceptance",
                                            "payload": {"decided_on": china_today().isoformat(), "granted": True}})
    decided = await act_on_task.asyncio_detailed(acceptance.task_id, client=system, body=ruling, idempotency_key="cms-accept-2")
    assert decided.status_code == 200, decided.content
    unkeyed = await act_on_task.asyncio_detailed(acceptance.task_id, client=system, body=ruling)
    assert unkeyed.status_code == 400 and isinstance(unkeyed.parsed, models.Problem)

    feed = await list_events.asyncio(client=system, cursor=0, limit=500)
    assert isinstance(feed, models.EventFeed) and not feed.has_more
    types = [e.type_ for e in feed.items]
    assert types.index("referral.sent") < types.index("referral.accepted") < types.index("decision.recorded")
    assert [e.sequence for e in feed.items] == list(range(1, len(feed.items) + 1)) and feed.next_cursor == len(feed.items)
