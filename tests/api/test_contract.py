"""The OpenAPI description keeps its conventions (operation ids, tags, typed answers, problem details
for every error, security schemes, examples that are valid, JSON Schema only), and the answers the
description promises are the ones given: problem details with field errors, 404 for a missing
account, the regions by GB/T 2260 code, and the truth about `workflow_started` on a repeated
Idempotency-Key. No Temporal here: what needs a running workflow is in test_generated_client.py
and tests/trust/test_schemathesis.py."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import jsonschema_rs
import pytest
from sqlmodel import select

from api.app import create_app
from api.examples import LI_JIANGUO
from infrastructure.db import Database
from infrastructure.tables import User
from services.accounts import seed_demo
from tests.conftest import make_settings

PASSWORD = "contract-password-1"
# The operation ids integrators' generated code calls: renaming one breaks them. Add, never rename.
OPERATION_IDS = {
    "actOnCase", "actOnMatter", "actOnTask", "addEvidence", "checkLiveness", "checkReadiness", "computeWhatIf",
    "createReplyLink", "createUser", "decodePayloads", "dismissSuggestion", "downloadDocument", "encodePayloads",
    "fileCase", "getBulkLetters", "getCase", "getCaseHistory", "getCaseRoad", "getDashboard", "getDeadline",
    "getIntakeGuidance", "getMatter", "getMe", "getReplyAttachment", "getSupervisionStatistics", "getTask",
    "issueBulkLetters", "issueCaseSummaryReport", "issueToken", "listCaseDocuments", "listDeadlineRules",
    "listMatterDocuments", "listMatters", "listOutbox", "listRegions", "listSuggestions", "listTasks", "listUsers",
    "openMatter", "resumeBulkLetters", "searchCases", "updateUser",
    "listOrganisations", "createOrganisation", "getOrganisation", "updateOrganisation", "createTeam", "updateTeam",
    "verifyDocumentFile", "checkDocumentCode",
    "issueAgencyToken", "listEvents", "listAgencySystems", "registerAgencySystem", "rotateAgencySystemSecret",
    "revokeAgencySystem", "attachDocument", "updateAgencySystem", "rotateAgencySystemWebhookSecret",
    "getCalendar", "createRespondentLink",
}
PAGED = {"listTasks", "searchCases", "listUsers", "listOutbox", "listMatters", "listCaseDocuments", "listMatterDocuments",
         "listSuggestions"}
NOT_JSON_SCHEMA = {"decimal_places", "max_digits", "ge", "le", "gt", "lt"}
BINARY_DOWNLOADS = {"downloadDocument", "getReplyAttachment"}


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The description (building it touches neither the database nor Temporal)."""
    return dict(create_app(make_settings(tmp_path_factory.mktemp("spec")), start_pending=False).openapi())


@pytest.fixture
async def app(tmp_path: Path, sqlite_db: Database) -> AsyncIterator[Any]:
    """The app with its database, and a Temporal address where nothing answers."""
    yield create_app(make_settings(tmp_path, temporal_address="127.0.0.1:1"), db=sqlite_db, start_pending=False)


@pytest.fixture
async def http(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        yield client


def _operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            yield method.upper(), path, operation


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def test_operation_ids_are_readable_stable_and_tagged(spec: dict[str, Any]) -> None:
    ids = [op["operationId"] for _, _, op in _operations(spec)]
    assert len(ids) == len(set(ids)) and all(re.fullmatch(r"[a-z][a-zA-Z0-9]+", i) for i in ids), ids
    assert not OPERATION_IDS - set(ids), f"renamed or gone: {sorted(OPERATION_IDS - set(ids))}"
    assert all(op.get("tags") for _, _, op in _operations(spec))
    assert {t["name"] for t in spec["tags"]} >= {tag for _, _, op in _operations(spec) for tag in op["tags"]}


def test_every_answer_is_typed_and_every_error_is_a_documented_problem(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    for method, path, op in _operations(spec):
        where = f"{method} {path}"
        for status, response in op["responses"].items():
            content = response.get("content", {})
            if int(status) >= 400:
                assert list(content) == ["application/problem+json"], (where, status)
                ref = content["application/problem+json"]["schema"]["$ref"].rsplit("/", 1)[-1]
                assert ref in ("Problem", "ReadinessProblem"), (where, status)
            elif status == "204":
                assert not content, where
            elif op["operationId"] in BINARY_DOWNLOADS:
                assert all(media["schema"]["type"] == "string" for media in content.values()), where
            else:
                schema = content["application/json"]["schema"]
                target = schema.get("items", schema)
                assert "$ref" in target, (where, status, schema)  # a named model, not a free-form object
                assert schemas[target["$ref"].rsplit("/", 1)[-1]].get("properties"), (where, status)
        assert "422" in op["responses"] or (not op.get("parameters") and "requestBody" not in op), where
        if "requestBody" in op:
            assert {"413", "422"} <= set(op["responses"]), where
        if op["operationId"] in PAGED:
            names = {p["name"] for p in op["parameters"]}
            page = schemas[op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]]
            assert {"page", "per_page"} <= names and set(page["required"]) >= {"items", "total", "page", "per_page", "pages"}, where
    assert {"Problem", "FieldError"} <= set(schemas) and "HTTPValidationError" not in schemas
    assert set(schemas["FieldError"]["required"]) == {"field", "code", "message", "fix"}
    assert set(schemas["Problem"]["required"]) >= {"type", "title", "status", "detail", "instance"}


def test_security_schemes_let_docs_sign_in_and_name_who_may_call(spec: dict[str, Any]) -> None:
    schemes = spec["components"]["securitySchemes"]
    assert schemes["staffBearer"]["flows"]["password"]["tokenUrl"] == "/api/v1/auth/token"
    assert (schemes["workerAccessCode"]["type"], schemes["workerAccessCode"]["in"], schemes["workerAccessCode"]["name"]) == (
        "apiKey", "header", "X-Access-Code")
    by_id = {op["operationId"]: op for _, _, op in _operations(spec)}
    assert by_id["getCase"]["security"] == [{"staffBearer": []}, {"workerAccessCode": []}]
    assert by_id["listTasks"]["security"] == [{"staffBearer": []}, {"agencyClientCredentials": ["tasks:read"]}]
    assert by_id["actOnTask"]["security"] == [{"staffBearer": []},
                                              {"agencyClientCredentials": ["referrals:write", "decisions:write"]}]
    assert by_id["listEvents"]["security"] == [{"agencyClientCredentials": ["events:read"]}]
    agency = schemes["agencyClientCredentials"]["flows"]["clientCredentials"]
    assert agency["tokenUrl"] == "/api/v1/auth/agency-token"
    assert set(agency["scopes"]) == {"referrals:write", "decisions:write", "events:read", "tasks:read", "documents:write"}
    assert "security" not in by_id["fileCase"] and "security" not in by_id["listRegions"]
    for op in by_id.values():
        if ("401" in op["responses"] and op["operationId"] not in ("issueToken", "issueAgencyToken")) or "403" in op["responses"]:
            named = {name for requirement in op.get("security", []) for name in requirement}
            assert named & {"staffBearer", "agencyClientCredentials"}, op["operationId"]


def test_every_request_body_has_a_valid_example_and_only_json_schema(spec: dict[str, Any]) -> None:
    for method, path, op in _operations(spec):
        for media_type, media in op.get("requestBody", {}).get("content", {}).items():
            values = [e["value"] for e in media.get("examples", {}).values()] + ([media["example"]] if "example" in media else [])
            assert values, f"{method} {path} {media_type}: no example"
            validator = jsonschema_rs.Draft202012Validator({**media["schema"], "components": spec["components"]})
            for value in values:
                assert not list(validator.iter_errors(value)), (method, path, [str(e) for e in validator.iter_errors(value)])
    keywords = {key for node in _walk(spec["components"]["schemas"]) for key in node if isinstance(node.get("type"), str | None)}
    assert not keywords & NOT_JSON_SCHEMA, keywords & NOT_JSON_SCHEMA


def test_input_schemas_say_what_is_accepted(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    intake = schemas["IntakeRequest"]["properties"]
    assert {"310115", "330106", "441900", "110105", "shanghai-pudong"} <= set(intake["region"]["enum"])
    channel = next(s for s in intake["preferred_channel"]["anyOf"] if s.get("type") == "string")
    assert sorted(channel["enum"]) == ["arbitration", "enterprise_committee", "inspection", "peoples_mediation", "union_mediation"]
    worker, employer = schemas["WorkerIn"]["properties"], schemas["EmployerIn"]["properties"]
    assert all(re.compile(worker[f]["pattern"]) for f in ("id_number", "mobile")) and employer["uscc"]["pattern"]
    amount = schemas["ClaimIn"]["properties"]["amount"]["anyOf"][0]["anyOf"]
    assert {"type": "string", "pattern": r"^[0-9]{1,9}(\.[0-9]{1,2})?$"} in amount
    assert {"type": "number", "minimum": 0, "maximum": 999999999.99} in amount
    assert intake["knew_on"]["format"] == "date"


async def test_a_bad_id_number_is_a_problem_with_field_errors_saying_how_to_fix_them(http: httpx.AsyncClient) -> None:
    wrong = {**LI_JIANGUO, "worker": {**LI_JIANGUO["worker"], "id_number": "341221198003120032", "mobile": "12"}}  # type: ignore[dict-item]
    answer = await http.post("/api/v1/cases", json=wrong | {"unexpected": 1})
    assert answer.status_code == 422 and answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert (problem["type"], problem["status"], problem["instance"]) == ("/problems/validation", 422, "/api/v1/cases")
    errors = {e["field"]: e for e in problem["errors"]}
    assert set(errors) == {"worker.id_number", "worker.mobile", "unexpected"}
    assert errors["worker.id_number"]["code"] == "id_number.check_char" and "逐位" in errors["worker.id_number"]["fix"]
    assert errors["worker.mobile"]["code"] == "mobile.format" and "13812345678" in errors["worker.mobile"]["fix"]
    assert errors["unexpected"]["code"] == "extra_forbidden" and " / " in errors["unexpected"]["message"]
    assert "341221198003120032" not in answer.text  # the input is never echoed


async def test_errors_of_every_kind_are_problems_and_pages_keep_their_pages(http: httpx.AsyncClient) -> None:
    for path in ("/api/v1/tasks", "/api/v1/no-such-thing", "/api/v1/cases/LD-2026-999999"):
        answer = await http.get(path)
        assert answer.headers["content-type"] == "application/problem+json" and answer.json()["status"] == answer.status_code
    assert (await http.get("/api/v1/tasks")).headers["www-authenticate"] == "Bearer"
    page = await http.get("/no-such-page")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")


async def test_patching_a_missing_account_is_404_and_changes_answer_the_account(http: httpx.AsyncClient, app: Any) -> None:
    await seed_demo(app.state.services.db, PASSWORD)
    token = (await http.post("/api/v1/auth/token", data={"username": "admin", "password": PASSWORD})).json()["access_token"]
    admin = {"Authorization": f"Bearer {token}"}
    missing = await http.patch("/api/v1/users/nobody", json={"unlock": True}, headers=admin)
    assert missing.status_code == 404 and "nobody" in missing.json()["detail"]
    changed = await http.patch("/api/v1/users/mediator", json={"is_active": False}, headers=admin)
    assert changed.status_code == 200 and changed.json()["username"] == "mediator" and changed.json()["is_active"] is False
    users = (await http.get("/api/v1/users", params={"per_page": 2, "page": 2}, headers=admin)).json()
    async with app.state.services.db.session() as session:
        accounts = len((await session.exec(select(User.id))).all())  # the union's and every demo agency's
    assert (users["total"], users["page"], users["pages"], len(users["items"])) == (accounts, 2, -(-accounts // 2), 2)


async def test_regions_by_gbt_2260_code_and_slug(http: httpx.AsyncClient) -> None:
    regions = (await http.get("/api/v1/regions")).json()
    assert {(r["division_code"], r["code"], r["jurisdiction"]) for r in regions} == {
        ("310115", "shanghai-pudong", "national"), ("330106", "hangzhou-xihu", "zhejiang"), ("441900", "dongguan", "national"),
        ("110105", "beijing-chaoyang", "national")}
    filed = (await http.post("/api/v1/cases", json=LI_JIANGUO | {"region": "330106"})).json()
    case = (await http.get(f"/api/v1/cases/{filed['case_no']}", headers={"X-Access-Code": filed["access_code"]})).json()
    assert (case["region"], case["jurisdiction"]) == ("hangzhou-xihu", "zhejiang"), "330106 is Xihu: Zhejiang's periods apply"
    unknown = await http.post("/api/v1/cases", json=LI_JIANGUO | {"region": "310116"})
    [error] = unknown.json()["errors"]
    assert (error["field"], error["code"]) == ("region", "region.unknown") and "310115" in error["fix"]


async def test_a_repeated_idempotency_key_answers_200_and_the_truth_about_the_workflow(http: httpx.AsyncClient) -> None:
    """Temporal is away here: the case is kept and says so, the first time and on the retry."""
    body, key = LI_JIANGUO | {"region": "310115"}, {"Idempotency-Key": "agency-retry-7"}
    first = await http.post("/api/v1/cases", json=body, headers=key)
    again = await http.post("/api/v1/cases", json=body | {"region": "shanghai-pudong"}, headers=key)  # the same request
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json() and first.json()["workflow_started"] is False
    case = await http.get(f"/api/v1/cases/{first.json()['case_no']}", headers={"X-Access-Code": first.json()["access_code"]})
    assert case.json()["workflow_started"] is False and case.json()["region"] == "shanghai-pudong"


def test_the_problem_examples_are_valid_problems(spec: dict[str, Any]) -> None:
    for method, path, op in _operations(spec):
        for status, response in op["responses"].items():
            media = response.get("content", {}).get("application/problem+json")
            if media and "example" in media:
                validator = jsonschema_rs.Draft202012Validator({**media["schema"], "components": spec["components"]})
                assert validator.is_valid(media["example"]) and media["example"]["status"] == int(status), (method, path, status)
