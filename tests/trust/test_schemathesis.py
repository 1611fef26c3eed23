"""Property-based API testing over the whole OpenAPI description (schemathesis v4), in-process.

Every operation gets schema-conforming (positive) and schema-violating (negative) requests, sent
in every auth mode: anonymously, as the worker of a real case (`X-Access-Code`), as an
administrator (bearer token) and as the agency system of the organisation holding the case (client
credentials, every scope), through the ASGI app, which has a real Temporal (time-skipping test
server) and worker behind it. Positive requests of the worker, the administrator and the system name the real
case, its task, its receipt, a real account, organisation and (another) agency system where the path asks for one, so the answers carry
real objects. Checks: no server error (5xx); no invalid input accepted (`negative_data_rejection`);
and the contract holds: every status is documented for its operation, the content type is the
documented one, the body and the documented headers are valid against their schemas. Generation is
derandomised (hypothesis' derandomize: a fixed seed; bounded examples, no shrinking) so a failure
reproduces; a failure is a bug to fix in the API, not an operation to exclude.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import time
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlmodel import col, select
from temporalio.testing import WorkflowEnvironment

from activities.deps import ActivityDeps
from api.app import create_app
from domain.agency_systems import Scope
from infrastructure.settings import Settings
from infrastructure.tables import StoredDocument, Task, Team
from infrastructure.temporal import data_converter
from infrastructure.temporal_gateway import TemporalGateway
from labourflow.worker import build_worker
from services.accounts import seed_demo
from services.agency_systems import register_system
from tests.conftest import TEST_SERVER
from tests.stories import wage_arrears

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

PASSWORD = "demo-password-123"
EXAMPLES = int(os.environ.get("LABOURFLOW_SCHEMATHESIS_EXAMPLES", "5"))
CHECKS = [
    not_a_server_error,
    negative_data_rejection,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


def _cases(operation: Any, mode: GenerationMode) -> list[Any]:
    """`EXAMPLES` cases of one operation, the same on every run (derandomised, no shrinking)."""
    found: list[Any] = []
    strategy = operation.as_strategy(generation_mode=mode)

    @hsettings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def collect(data: st.DataObject) -> None:
        found.append(data.draw(strategy))

    with contextlib.suppress(Unsatisfiable):  # nothing to negate (no parameters, no body)
        collect()
    return found


def _raw(value: Any) -> Any:
    return value if isinstance(value, bytes | str) else json.dumps(value, default=str).encode()


def _as_files(files: Any) -> Any:
    """Negative multipart cases put numbers or objects where a file goes; send them as bytes (as
    schemathesis' own requests transport does) so that the server, not httpx, judges them."""
    items = files.items() if isinstance(files, dict) else files
    return [
        (
            name,
            tuple(_raw(v) if i == 1 else v for i, v in enumerate(value))
            if isinstance(value, tuple)
            else _raw(value),
        )
        for name, value in items
    ]


@pytest.fixture
async def app_client(
    settings: Settings, deps: ActivityDeps
) -> AsyncIterator[tuple[httpx.AsyncClient, Any]]:
    await seed_demo(deps.db, PASSWORD)
    settings = settings.model_copy(
        update={
            "rate_limit_intake": "100000/60",
            "rate_limit_login": "100000/60",
            "rate_limit_access": "100000/60",
            "rate_limit_agency_token": "100000/60",
        }
    )
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=data_converter(settings), test_server_existing_path=TEST_SERVER
    )
    app = create_app(
        settings,
        db=deps.db,
        temporal=TemporalGateway(settings, env.client),
        start_pending=False,
        search_attributes=False,
    )
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with (
        build_worker(env.client, deps, task_queue=settings.task_queue),
        httpx.AsyncClient(transport=transport, base_url="http://test", timeout=30) as http,
    ):
        yield http, app
    await env.shutdown()


async def _real_objects(http: httpx.AsyncClient, app: Any) -> tuple[dict[str, str], str]:
    """File Li Jianguo's case; once its task and receipt exist, the ids a path may name, and the access code."""
    filed = (await http.post("/api/v1/cases", json=wage_arrears(), headers={"Idempotency-Key": "schemathesis-world"})).json()
    db = app.state.services.db
    deadline = time.monotonic() + 30
    while True:
        async with db.session() as session:
            task = (await session.exec(select(Task.task_id).where(Task.subject == f"case:{filed['case_no']}"))).first()
            document = (await session.exec(select(StoredDocument.id).where(StoredDocument.subject == f"case:{filed['case_no']}"))).first()
        if task and document:
            break
        assert time.monotonic() < deadline, "the case's task and receipt did not appear"
        await asyncio.sleep(0.2)
    async with db.session() as session:
        organisation = (await session.exec(select(Team.organisation_code).join(Task, col(Task.team_code) == col(Team.code))
                                           .where(Task.task_id == task))).one()
    assert organisation is not None
    ids = {"case_no": filed["case_no"], "task_id": task, "document_id": document, "username": "mediator", "rule_id": "D03",
           "code": organisation}
    return ids, filed["access_code"]


async def _agency_system(http: httpx.AsyncClient, app: Any, organisation: str) -> tuple[str, str]:
    """The organisation's system with every scope: its bearer token; and another system's client id
    (the administrator's rotate and revoke name that one, so the probing system's token stays valid)."""
    services = app.state.services
    mine = await register_system(services.db, services.keyring, organisation, "probing system", list(Scope), None, by="admin")
    other = await register_system(services.db, services.keyring, organisation, "other system", list(Scope), None, by="admin")
    form = {"grant_type": "client_credentials", "client_id": mine.client_id, "client_secret": mine.client_secret}
    issued = (await http.post("/api/v1/auth/agency-token", data=form)).json()
    return issued["access_token"], other.client_id


async def test_whole_openapi_conforms_in_every_auth_mode(
    app_client: tuple[httpx.AsyncClient, Any],
) -> None:
    http, app = app_client
    token = (
        await http.post("/api/v1/auth/token", data={"username": "admin", "password": PASSWORD})
    ).json()["access_token"]
    real, code = await _real_objects(http, app)
    system_token, real["client_id"] = await _agency_system(http, app, real["code"])
    schema = schemathesis.openapi.from_dict(app.openapi())
    identities = {"anonymous": {}, "worker": {"X-Access-Code": code}, "admin": {"Authorization": f"Bearer {token}"},
                  "system": {"Authorization": f"Bearer {system_token}"}}
    operations = [result.ok() for result in schema.get_all_operations()]
    failures: list[str] = []
    sent: Counter[str] = Counter()
    started = time.monotonic()
    generated = {
        (op.label, mode): _cases(op, mode)
        for op in operations
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    }
    generating = time.monotonic() - started
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for case in generated[(operation.label, mode)]:
                generated_path = dict(case.path_parameters or {})
                for who, auth in identities.items():
                    case.path_parameters = generated_path
                    if mode is GenerationMode.POSITIVE and who != "anonymous" and generated_path:
                        case.path_parameters = {k: real.get(k, v) for k, v in generated_path.items()}
                    kwargs = case.as_transport_kwargs(base_url="http://test", headers=auth)
                    kwargs.pop("base_url", None)
                    if kwargs.get("files"):
                        kwargs["files"] = _as_files(kwargs["files"])
                    request = http.build_request(
                        **{
                            k: v
                            for k, v in kwargs.items()
                            if k
                            in {
                                "method",
                                "url",
                                "headers",
                                "params",
                                "cookies",
                                "json",
                                "content",
                                "data",
                                "files",
                            }
                        }
                    )
                    request.read()  # multipart bodies: the checks read the request again
                    response = await http.send(request)
                    sent[f"{mode.value}"] += 1
                    try:
                        case.validate_response(response, checks=CHECKS)
                    except (Exception, BaseExceptionGroup) as exc:  # checks raise a FailureGroup
                        failures.append(
                            f"{who} {operation.label} [{mode.value}]: {str(exc)[:1500]}"
                        )
    examples = sum(len(cases) for cases in generated.values())
    print(
        f"schemathesis: {len(operations)} operations, {examples} examples, {len(identities)} auth modes, "
        f"{sum(sent.values())} requests "
        f"({dict(sent)}), {len(failures)} failures; generating {generating:.0f} s, "
        f"sending {time.monotonic() - started - generating:.0f} s"
    )
    assert not failures, "\n\n".join(failures)
