"""Authorisation probes generated from the app's route table.

Every API and page route of the app is enumerated (FastAPI's route contexts, so included routers
count) and must be classified here: PUBLIC (anyone may call it), or PROTECTED. A new route that is
in neither list fails the test, so nobody adds an endpoint without deciding who may call it.

User A's world is real (time-skipping Temporal with every workflow and activity): a case filed
through the API with its mediation task and receipt, a supervision matter carried to an employer
reply (documents, a one-time reply link, an attachment), a bulk-letter batch. Each protected route
is then called with A's objects in its path parameters by two users of every role (workers of two
cases, mediators of two teams, union legal staff of two regions, two administrators), the staff of
every other agency (each kind, and another region's commission) and anonymously; a case that went
straight to arbitration (C) is the Pudong commission's, whose task the union may not open. Three
agency systems with client credentials and every scope probe too: the commission's own (entitled to
case C's task only) and two other organisations' (entitled to nothing). Whoever
is not entitled to an object must get exactly what they get for a missing object (the same 404), or
a role-level refusal (401/403, or the redirect to the sign-in page) - never a success. Routes
without an object parameter (lists, dashboards) must not show A's objects to those users. The counts
are printed.
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx
import pytest
from fastapi.routing import iter_route_contexts
from itsdangerous import Signer
from sqlmodel import select
from starlette.requests import Request

from api.auth import SESSION_COOKIE, WORKER_COOKIE_PREFIX, issue_worker_cookie
from api.csrf import CSRF_COOKIE, CSRF_FIELD
from domain.actions import WorkerActionKind
from domain.agency_systems import Scope
from domain.agents import AgentAuthorisation, AgentKind
from domain.roles import Role, WorkerPrincipal
from infrastructure.tables import RespondentLink, StoredDocument, Task
from services import access, agents, respondents
from services.accounts import create_user
from services.agency_systems import register_system
from tests.stories import dismissal, wage_arrears
from tests.supervision.bulk_support import employers_csv
from tests.supervision.harness import Console
from tests.supervision.stories import complaint
from tests.support import swap_settings

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

PASSWORD = "probe-password-123"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# The API description is built once and the same for everyone; its examples are the stories'
# invented people (Li Jianguo...), which this world's cases also use, so they are not leaks.
DOCUMENTATION = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}

# Anyone may call these (the intake, sign-in, the public rules, probes, documentation). Routes
# with a one-time reply token: the token itself is the employer's credential.
PUBLIC = {
    ("GET", "/openapi.json"),
    ("GET", "/docs"),
    ("GET", "/docs/oauth2-redirect"),
    ("GET", "/redoc"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("POST", "/api/v1/auth/token"),
    ("POST", "/api/v1/auth/agency-token"),
    ("POST", "/api/v1/cases"),
    ("POST", "/api/v1/intake/guidance"),
    ("GET", "/api/v1/deadlines"),
    ("GET", "/api/v1/deadlines/{rule_id}"),
    ("POST", "/api/v1/whatif"),
    ("GET", "/api/v1/regions"),
    ("OPTIONS", "/api/v1/codec/{operation}"),
    ("GET", "/"),
    ("POST", "/"),
    ("POST", "/intake/guidance"),
    ("GET", "/intake/birthplaces.json"),
    ("GET", "/status"),
    ("POST", "/status"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/logout"),
    ("GET", "/reply/{token}"),
    ("GET", "/reply/{token}/notice.pdf"),
    ("POST", "/reply/{token}"),
    # Document verification (README "Signed documents"): anyone, rate-limited; the answer shows no
    # personal data. The development CA's revocation list and root certificate, as certificates name them.
    ("POST", "/api/v1/documents/verify"),
    ("GET", "/api/v1/documents/{document_id}/check"),
    ("GET", "/verify"),
    ("POST", "/verify"),
    ("GET", "/verify/{document_id}"),
    ("GET", "/pki/dev-ca.crl"),
    ("GET", "/pki/ca.crt"),
    # A respondent's one-time link: the token is its credential and reaches one respondent of one case.
    ("GET", "/respond/{respondent_token}"),
    ("POST", "/respond/{respondent_token}/service"),
    ("POST", "/respond/{respondent_token}/answer"),
    ("POST", "/respond/{respondent_token}/evidence"),
    ("POST", "/respond/{respondent_token}/defence"),
    ("GET", "/respond/{respondent_token}/sittings.ics"),
    ("GET", "/respond/{respondent_token}/documents/{document_id}"),
    ("GET", "/static"),
    # Prometheus: route templates and counts, no personal data; answered to direct requests from the
    # monitoring networks only (api/deps.py, MetricsScraper), which the in-process probes are.
    ("GET", "/metrics"),
}
# Everything else needs a signed-in staff member or a worker's access code.
PROTECTED = {
    ("GET", "/api/v1/auth/me"),
    ("GET", "/api/v1/cases/{case_no}"),
    ("POST", "/api/v1/cases/{case_no}/actions"),
    ("POST", "/api/v1/tasks/{task_id:path}/actions"),
    ("POST", "/api/v1/codec/decode"),
    ("POST", "/api/v1/codec/encode"),
    ("GET", "/api/v1/cases/{case_no}/documents"),
    ("GET", "/api/v1/matters/{matter_no}/documents"),
    ("GET", "/api/v1/documents/{document_id}"),
    ("POST", "/api/v1/cases/{case_no}/summary-report"),
    ("GET", "/api/v1/supervision/suggestions"),
    ("POST", "/api/v1/supervision/suggestions/dismiss"),
    ("POST", "/api/v1/supervision/matters"),
    ("GET", "/api/v1/supervision/matters"),
    ("GET", "/api/v1/supervision/matters/{matter_no}"),
    ("POST", "/api/v1/supervision/matters/{matter_no}/actions"),
    ("POST", "/api/v1/supervision/matters/{matter_no}/reply-link"),
    ("GET", "/api/v1/supervision/statistics"),
    ("POST", "/api/v1/supervision/bulk-letters"),
    ("GET", "/api/v1/supervision/bulk-letters/{batch_no}"),
    ("POST", "/api/v1/supervision/bulk-letters/{batch_no}/resume"),
    ("GET", "/api/v1/supervision/attachments/{attachment_id}"),
    ("POST", "/api/v1/cases/{case_no}/evidence"),
    ("GET", "/api/v1/cases/{case_no}/road"),
    ("GET", "/api/v1/tasks"),
    ("GET", "/api/v1/tasks/{task_id:path}"),
    ("GET", "/api/v1/cases"),
    ("GET", "/api/v1/dashboard"),
    ("GET", "/api/v1/cases/{case_no}/history"),
    ("GET", "/api/v1/users"),
    ("POST", "/api/v1/users"),
    ("PATCH", "/api/v1/users/{username}"),
    ("GET", "/api/v1/outbox"),
    ("GET", "/receipt/{case_no}"),
    ("GET", "/receipt/{case_no}/document"),
    ("GET", "/status/{case_no}"),
    ("POST", "/status/{case_no}"),
    ("GET", "/inbox"),
    ("GET", "/tasks/{task_id:path}"),
    ("POST", "/tasks/{task_id:path}"),
    ("GET", "/admin/cases"),
    ("GET", "/admin/cases/{case_no}"),
    ("GET", "/admin/cases/{case_no}/history"),
    ("GET", "/admin/dashboard"),
    ("GET", "/admin/outbox"),
    ("GET", "/admin/users"),
    ("POST", "/admin/users"),
    ("GET", "/admin/organisations"),
    ("POST", "/admin/organisations"),
    ("GET", "/admin/organisations/{code}/systems"),
    ("POST", "/admin/organisations/{code}/systems"),
    ("GET", "/api/v1/organisations"),
    ("POST", "/api/v1/organisations"),
    ("GET", "/api/v1/organisations/{code}"),
    ("PATCH", "/api/v1/organisations/{code}"),
    ("POST", "/api/v1/organisations/{code}/teams"),
    ("PATCH", "/api/v1/teams/{code}"),
    ("GET", "/api/v1/events"),
    ("POST", "/api/v1/tasks/{task_id:path}/attachments"),
    ("GET", "/api/v1/organisations/{code}/systems"),
    ("POST", "/api/v1/organisations/{code}/systems"),
    ("POST", "/api/v1/organisations/{code}/systems/{client_id}/rotate"),
    ("POST", "/api/v1/organisations/{code}/systems/{client_id}/revoke"),
    ("PATCH", "/api/v1/organisations/{code}/systems/{client_id}"),
    ("POST", "/api/v1/organisations/{code}/systems/{client_id}/rotate-webhook-secret"),
    ("GET", "/union"),
    ("GET", "/union/matters"),
    ("GET", "/union/suggestions"),
    ("POST", "/union/suggestions/open"),
    ("POST", "/union/suggestions/dismiss"),
    ("GET", "/union/matters/new"),
    ("POST", "/union/matters/new"),
    ("GET", "/union/matters/{matter_no}"),
    ("POST", "/union/matters/{matter_no}/act"),
    ("POST", "/union/matters/{matter_no}/reply-link"),
    ("GET", "/union/bulk-letters"),
    ("POST", "/union/bulk-letters"),
    ("GET", "/union/bulk-letters/{batch_no}"),
    ("POST", "/union/bulk-letters/{batch_no}/resume"),
    ("GET", "/union/statistics"),
    ("GET", "/calendar"),
    ("GET", "/api/v1/calendar"),
    ("POST", "/cases/{case_no}/respondents/{seq}/link"),
    ("POST", "/api/v1/cases/{case_no}/respondents/{seq}/link"),
    ("GET", "/status/{case_no}/sittings.ics"),
    ("GET", "/status/{case_no}/agents"),
    ("POST", "/status/{case_no}/agents"),
    ("GET", "/monitoring"),
    ("GET", "/monitoring/export.csv"),
    ("GET", "/monitoring/export.xlsx"),
}
# The agencies' staff (demo accounts): the Pudong commission holds case C's acceptance decision; every
# other organisation, of every kind and in another region, must find case C as missing as a missing one.
COMMISSION_A = {"arb_clerk_a": "arb-clerk", "arbitrator_a": "arbitrator"}
OTHER_AGENCIES = {
    "arb_clerk_b": "arb-clerk-hz",
    "arb_head_b": "arb-head-hz",
    "court_clerk": "court-clerk",
    "judge": "judge",
    "enforcer": "enforcer",
    "inspector": "inspector",
    "procurator": "procurator",
    "aid_reviewer": "aid-reviewer",
    "aid_lawyer": "aid-lawyer",
    "police": "police",
    "pm_mediator": "pm-mediator",
    "ent_mediator": "ent-mediator",
}
AGENCY_STAFF = {**COMMISSION_A, **OTHER_AGENCIES}
# Agencies' own systems with client credentials and every scope: the Pudong commission's (entitled to
# case C's task, nothing else) and two others' (entitled to nothing here).
SYSTEMS = {"system_commission_a": "arb-pd", "system_commission_b": "arb-hz", "system_court": "court-pd"}
OTHER_SYSTEMS = {"system_commission_b", "system_court"}
IDENTITIES = (
    "worker_a",
    "worker_b",
    "worker_c",
    "agent_b",  # a lawyer case B's worker authorised with every power
    "mediator_a",
    "mediator_b",
    "union_a",
    "union_b",
    "admin_a",
    "admin_b",
    "anonymous",
    *AGENCY_STAFF,
    *SYSTEMS,
)
# (One definition of each: a merge had left a second one below the first, without the agency systems.)
CASE_OUTSIDERS = {"worker_b", "worker_c", "agent_b", "mediator_b", "union_b", "anonymous", *AGENCY_STAFF, *SYSTEMS}
UNION_OUTSIDERS = {"worker_a", "worker_b", "worker_c", "agent_b", "mediator_a", "mediator_b", "union_b", "anonymous",
                   *AGENCY_STAFF, *SYSTEMS}
# Case C went straight to arbitration: the union that took it in may read it, its tasks are the commission's.
CASE_C_OUTSIDERS = {"worker_a", "worker_b", "agent_b", "mediator_b", "union_b", "anonymous", *OTHER_AGENCIES, *OTHER_SYSTEMS}
TASK_C_OUTSIDERS = CASE_C_OUTSIDERS | {"mediator_a", "union_a", "worker_c"}
# A refusal for the role (not about the object): allowed instead of "the same as a missing object".
ROLE_REFUSALS = {401, 403}


def route_table(app: Any) -> list[tuple[str, str]]:
    """(method, path) of every route, included routers and mounts too (HEAD folded into GET)."""
    found = set()
    for route in iter_route_contexts(app.routes):
        methods = set(route.methods or {"GET"}) - {"HEAD"}
        found |= {(method, route.path) for method in methods}
    return sorted(found)


@dataclass
class ObjectRef:
    param: str
    value: str
    missing: str
    outsiders: set[str]
    label: str


@dataclass
class World:
    http: httpx.AsyncClient
    credentials: dict[str, tuple[dict[str, str], dict[str, str]]]
    objects: list[ObjectRef]
    secrets_of_a: list[tuple[str, set[str]]]
    csrf: tuple[str, str]
    probes: Counter[str] = field(default_factory=Counter)
    clients: dict[str, httpx.AsyncClient] = field(default_factory=dict)

    async def call(self, who: str, method: str, path: str) -> httpx.Response:
        headers, cookies = self.credentials[who]
        if who not in self.clients:
            self.clients[who] = httpx.AsyncClient(
                transport=self.http._transport,
                base_url="http://testserver",
                cookies={**cookies, CSRF_COOKIE: self.csrf[0]},
                timeout=60,
            )
        kwargs: dict[str, Any] = {"headers": headers}
        if method in {"POST", "PATCH"}:
            if path.startswith("/api/"):
                kwargs["json"] = {}
            else:
                kwargs["data"] = {CSRF_FIELD: self.csrf[1]}
        self.probes["requests"] += 1
        response = await self.clients[who].request(method, path, **kwargs)
        for _ in range(3):  # a page that redirects to another protected page: where does it end?
            location = response.headers.get("location", "")
            if (
                not response.is_redirect
                or not location.startswith("/")
                or location.startswith(("/login", "/status"))
            ):
                break
            self.probes["requests"] += 1
            response = await self.clients[who].get(location, headers=headers)
        return response


async def _staff(
    console: Console, username: str, role: Role, team: str | None, region: str
) -> None:
    await create_user(
        console.harness.deps.db,
        username=username,
        role=role,
        password=PASSWORD,
        display_name=username,
        team_code=team,
        region=region,
    )


async def build_world(console: Console) -> World:
    app, db = console.app, console.harness.deps.db
    swap_settings(app, app.state.services.settings.model_copy(
        update={
            "rate_limit_intake": "10000/60",
            "rate_limit_login": "10000/60",
            "rate_limit_access": "10000/60",
            "rate_limit_verify": "10000/60",
            "rate_limit_agency_token": "10000/60",
        }
    ))
    http = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver", timeout=60
    )

    matter_a, token, attachment = await _matter_with_reply(
        console
    )  # files cases 1-3 (the placeholder's numbers)
    filed_a = (await http.post("/api/v1/cases", json=wage_arrears())).json()
    filed_b = (await http.post("/api/v1/cases", json=dismissal())).json()
    case_a = filed_a["case_no"]
    task_a = await _wait_row(
        db, select(Task).where(Task.subject == f"case:{case_a}", Task.status == "open")
    )
    receipt_a = await _wait_row(
        db, select(StoredDocument).where(StoredDocument.subject == f"case:{case_a}")
    )
    filed_c = (await http.post("/api/v1/cases", json=wage_arrears(preferred_channel="arbitration"))).json()
    case_c = filed_c["case_no"]
    task_c = await _wait_row(
        db, select(Task).where(Task.subject == f"case:{case_c}", Task.kind == "record_arbitration_acceptance")
    )
    assert task_c.team_code == "arb-pd-1"

    await _wait_row(db, select(RespondentLink).where(RespondentLink.case_no == case_a))
    respondent_token = await respondents.new_link(app.state.services, case_a, 1)  # as handed over with a posted letter

    await _staff(console, "probe-med-a", Role.mediator, task_a.team_code, "shanghai-pudong")
    await _staff(console, "probe-med-b", Role.mediator, "union-med-hz", "hangzhou-xihu")
    await _staff(console, "probe-union-b", Role.union_legal, "union-fed-hz-1", "hangzhou-xihu")
    await _staff(console, "probe-admin-b", Role.admin, None, "hangzhou-xihu")

    matter_task = await _wait_row(db, select(Task).where(Task.subject == f"matter:{matter_a}"))
    matter_doc = await _wait_row(
        db, select(StoredDocument).where(StoredDocument.subject == f"matter:{matter_a}")
    )
    union = await console.client("union")
    batch = await union.post(
        "/api/v1/supervision/bulk-letters", files={"file": ("e.csv", employers_csv(2), "text/csv")}
    )
    assert batch.status_code == 201, batch.text
    batch_a = batch.json()["batch_no"]

    credentials: dict[str, tuple[dict[str, str], dict[str, str]]] = {"anonymous": ({}, {})}
    for who, username in (
        ("mediator_a", "probe-med-a"),
        ("mediator_b", "probe-med-b"),
        ("union_a", "union"),
        ("union_b", "probe-union-b"),
        ("admin_a", "admin"),
        ("admin_b", "probe-admin-b"),
        *AGENCY_STAFF.items(),
    ):
        token_value = await console.cookie(username)
        credentials[who] = (
            {"Authorization": f"Bearer {token_value}"},
            {SESSION_COOKIE: token_value},
        )
    for who, organisation in SYSTEMS.items():
        registered = await register_system(db, app.state.services.keyring, organisation, who, list(Scope), None, by="admin")
        form = {"grant_type": "client_credentials", "client_id": registered.client_id, "client_secret": registered.client_secret}
        issued = await http.post("/api/v1/auth/agency-token", data=form)
        assert issued.status_code == 200, issued.text
        credentials[who] = ({"Authorization": f"Bearer {issued.json()['access_token']}"}, {})
    request = Request({"type": "http", "app": app, "headers": []})
    for who, filed in (("worker_a", filed_a), ("worker_b", filed_b), ("worker_c", filed_c)):
        credentials[who] = (
            {"X-Access-Code": filed["access_code"]},
            {
                WORKER_COOKIE_PREFIX + filed["case_no"]: issue_worker_cookie(
                    request, filed["case_no"]
                )
            },
        )

    lawyer = await agents.authorise(db, app.state.services.keyring, WorkerPrincipal(filed_b["case_no"]), AgentAuthorisation(
        kind=AgentKind.lawyer, name="周律师", mobile="13900001111", powers=tuple(WorkerActionKind), special=True))
    credentials["agent_b"] = (
        {"X-Access-Code": lawyer.access_code},
        {WORKER_COOKIE_PREFIX + filed_b["case_no"]: issue_worker_cookie(request, filed_b["case_no"], lawyer.agent_no)},
    )

    year = date.today().year
    objects = [
        ObjectRef("case_no", case_a, f"LD-{year}-999999", CASE_OUTSIDERS, "case A"),
        ObjectRef(
            "task_id",
            task_a.task_id,
            f"case/LD-{year}-999999/mediate",
            CASE_OUTSIDERS | {"worker_a"},
            "case A's task",
        ),
        ObjectRef("case_no", case_c, f"LD-{year}-999998", CASE_C_OUTSIDERS, "case C (the commission's)"),
        ObjectRef(
            "task_id",
            task_c.task_id,
            f"case/LD-{year}-999998/arbitration/1~1:task-record_arbitration_acceptance",
            TASK_C_OUTSIDERS,
            "case C's acceptance task",
        ),
        ObjectRef(
            "task_id",
            matter_task.task_id,
            f"matter/SV-{year}-999999/decide",
            UNION_OUTSIDERS,
            "matter A's task",
        ),
        ObjectRef(
            "document_id", receipt_a.id, uuid.uuid4().hex, CASE_OUTSIDERS, "case A's receipt"
        ),
        ObjectRef(
            "document_id", matter_doc.id, uuid.uuid4().hex, UNION_OUTSIDERS, "matter A's notice"
        ),
        ObjectRef("matter_no", matter_a, f"SV-{year}-999999", UNION_OUTSIDERS, "matter A"),
        ObjectRef("batch_no", batch_a, f"BL-{year}-999999", UNION_OUTSIDERS, "batch A"),
        ObjectRef(
            "attachment_id", attachment, uuid.uuid4().hex, UNION_OUTSIDERS, "matter A's attachment"
        ),
        ObjectRef(
            "username",
            "probe-med-a",
            "nobody-here",
            set(IDENTITIES) - {"admin_a", "admin_b"},
            "a user",
        ),
        ObjectRef("code", "arb-pd", "no-such-org", set(IDENTITIES) - {"admin_a", "admin_b"}, "an organisation"),
        # Public parameters: filled so that the public routes are called too.
        ObjectRef("rule_id", "D03", "D999", set(), "a rule"),
        ObjectRef("operation", "decode", "nothing", set(), "codec operation"),
        ObjectRef("token", token, secrets.token_urlsafe(24), set(), "reply token"),
        ObjectRef("respondent_token", respondent_token, secrets.token_urlsafe(24), set(), "respondent link"),
    ]
    signer = Signer(app.state.services.settings.session_secret, salt="csrf")
    csrf_value = secrets.token_urlsafe(24)
    shown = [
        (case_a, CASE_OUTSIDERS),
        (task_a.task_id, CASE_OUTSIDERS),
        ("李建国", CASE_OUTSIDERS),
        (matter_a, UNION_OUTSIDERS),
        (case_c, CASE_C_OUTSIDERS),
        (task_c.task_id, TASK_C_OUTSIDERS),
        (batch_a, UNION_OUTSIDERS),
    ]
    return World(http, credentials, objects, shown, (csrf_value, signer.sign(csrf_value).decode()))


async def _wait_row(db: Any, query: Any, within: float = 30) -> Any:
    import asyncio
    import time

    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        async with db.session() as session:
            row = (await session.exec(query)).first()
        if row is not None:
            return row
        await asyncio.sleep(0.1)
    raise AssertionError(f"no row for {query}")


async def _matter_with_reply(console: Console) -> tuple[str, str, str]:
    """Union A's matter, from a suggestion to an employer's reply with a PDF attachment."""
    harness = console.harness
    for day in (3, 20, 28):
        await harness.file_case(complaint(), date(2026, 8, day))
    union, union2, public = (
        await console.client("union"),
        await console.client("union2"),
        await console.client(),
    )
    key = re.search(r'name="key" value="([^"]+)"', (await union.get("/union/suggestions")).text)
    assert key is not None
    opened = await union.post(
        "/union/suggestions/open", data={"key": key.group(1), "signatory_name": "陈卫东"}
    )
    matter_no = opened.headers["location"].rsplit("/", 1)[1]
    await harness.matter(matter_no).task("decide_next")
    today = date.today().isoformat()
    for who, form in (
        (
            union,
            {
                "action": "record_investigation",
                "completed_on": today,
                "supervisors": "王磊、孙丽",
                "findings": "拖欠12名农民工工资",
                "violations": "劳动合同法 30 拖欠劳动报酬",
            },
        ),
        (
            union,
            {"action": "draft_notice", "rung": "reminder_letter", "requests": "立即足额支付工资"},
        ),
        (union2, {"action": "approve_notice"}),
        (union, {"action": "record_service", "served_on": today, "method": "direct"}),
    ):
        done = await who.post(f"/union/matters/{matter_no}/act", data=form)
        assert done.status_code == 303, done.text
    linked = await union.post(f"/union/matters/{matter_no}/reply-link")
    token = re.search(r"/reply/([A-Za-z0-9_-]{20,})", linked.text)
    assert token is not None
    sent = await public.post(
        f"/reply/{token.group(1)}",
        data={"kind": "rectified", "text": "已足额支付工资。"},
        files={"files": ("凭证.pdf", PDF, "application/pdf")},
    )
    assert sent.status_code == 200, sent.text
    await harness.matter(matter_no).task("decide_reply")
    page = await union.get(f"/union/matters/{matter_no}")
    attachment = re.search(r'href="/api/v1/supervision/attachments/([^"]+)"', page.text)
    assert attachment is not None
    fresh = await union.post(f"/union/matters/{matter_no}/reply-link")  # a live link for the probes
    token = re.search(r"/reply/([A-Za-z0-9_-]{20,})", fresh.text)
    return matter_no, token.group(1) if token else "", attachment.group(1)


def _fill(path: str, ref: ObjectRef | None, missing: bool = False) -> str:
    if ref is None:
        return path
    value = ref.missing if missing else ref.value
    return re.sub(r"\{[^}]+\}", value, path)


def _refused_like(real: httpx.Response, missing: httpx.Response) -> bool:
    """Not a success, and indistinguishable from a missing object (or refused for the role)."""
    if real.status_code < 300:
        return False
    if real.status_code in ROLE_REFUSALS:
        return True
    if real.is_redirect:
        location = real.headers.get("location", "")
        return location.startswith("/login") or (
            location.startswith("/status") and missing.is_redirect
        )
    return real.status_code == missing.status_code


async def test_no_cross_access_on_any_route(console: Console, monkeypatch: pytest.MonkeyPatch) -> None:
    # Five wrong access codes lock a case for 15 minutes (429; tests/ui/test_pages.py covers it). Strangers' probes
    # send hundreds: here each must look exactly like a missing case instead.
    monkeypatch.setattr(access, "MAX_ACCESS_FAILURES", 10**6)
    world = await build_world(console)
    table = route_table(console.app)
    unclassified = sorted(set(table) - PUBLIC - PROTECTED)
    assert not unclassified, f"classify these routes in PUBLIC or PROTECTED: {unclassified}"
    assert not (PUBLIC | PROTECTED) - set(table), (
        f"stale entries: {sorted((PUBLIC | PROTECTED) - set(table))}"
    )

    crossings: list[str] = []
    leaks: list[str] = []
    owner_success: Counter[str] = Counter()
    for method, path in table:
        if path == "/static":
            continue  # a directory of CSS and scripts
        names = re.findall(r"\{([^}:]+)", path)
        refs = [ref for ref in world.objects if names and ref.param == names[0]] or [None]
        for ref in refs:
            for who in IDENTITIES:
                outsider = ref is not None and who in ref.outsiders
                anonymous_on_protected = who == "anonymous" and (method, path) in PROTECTED
                if method != "GET" and not (outsider or anonymous_on_protected):
                    continue  # owners do not change A's objects here; other tests drive the actions
                real = await world.call(who, method, _fill(path, ref))
                world.probes["probes"] += 1
                label = f"{who} {method} {path} [{ref.label if ref else '-'}]"
                if outsider:
                    missing = await world.call(who, method, _fill(path, ref, missing=True))
                    if not _refused_like(real, missing):
                        crossings.append(
                            f"{label}: {real.status_code} (missing object: {missing.status_code})"
                        )
                elif anonymous_on_protected and (
                    real.status_code < 300
                    or (
                        real.is_redirect
                        and not real.headers["location"].startswith(("/login", "/status"))
                    )
                ):
                    crossings.append(
                        f"{label}: {real.status_code} {real.headers.get('location', '')}"
                    )
                if ref is None and path not in DOCUMENTATION:
                    shown = [
                        text
                        for text, outsiders in world.secrets_of_a
                        if who in outsiders and text in real.text
                    ]
                    if shown:
                        leaks.append(f"{label}: shows {shown}")
                if (
                    ref is not None
                    and who not in ref.outsiders
                    and method == "GET"
                    and real.status_code == 200
                ):
                    owner_success[f"{method} {path}"] += 1
    await world.http.aclose()
    for client in world.clients.values():
        await client.aclose()
    object_gets = {
        f"GET {p}" for m, p in table if m == "GET" and "{" in p and ("GET", p) in PROTECTED
    }
    print(
        f"authorisation probes: {len(table)} routes, {world.probes['probes']} probes, "
        f"{world.probes['requests']} requests, {len(crossings)} cross-access successes, "
        f"{len(leaks)} list leaks"
    )
    assert not crossings + leaks, "\n".join(crossings + leaks)
    # The probes used real objects: an entitled user reads each of them (the public ones need more
    # than the path, and the reply link was used up by the employer's reply).
    assert not object_gets - set(owner_success), (
        f"no entitled user could read: {sorted(object_gets - set(owner_success))}"
    )
