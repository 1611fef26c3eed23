"""The contract, tried as an agency's integrator would: a client generated from `/openapi.json` by
openapi-python-client (its own generator, no hand edits, undocumented statuses raise), used to file
Li Jianguo's case, get the 422 for a wrong ID number as a typed problem, read the case with the
worker's access code, and list the inbox signed in as the demo mediator."""

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
