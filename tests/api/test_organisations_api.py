"""Organisations, teams and their staff through the JSON API, as another agency's system or an
administrator's script would use it: a round trip (organisation, team, account, changes), refusals
as 422 whose body carries the service's message (Chinese, then English), unknown codes as 404, and
only administrators let in. No workflow is involved, so Temporal is down here (a closed port)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import cache
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from domain.roles import Role
from infrastructure.db import Database, migrate_async
from infrastructure.tables import User
from services.accounts import PASSWORDS
from services.demo_agencies import seed_demo_agencies
from tests.conftest import make_settings
from tests.support import free_port

PASSWORD = "demo-password-2026"


@cache
def password_hash() -> str:
    """One Argon2 hash for every account of every test here (hashing is slow on purpose)."""
    return PASSWORDS.hash(PASSWORD)


@pytest.fixture
async def http(tmp_path: Path, database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The app on SQLite, and on PostgreSQL too when LABOURFLOW_TEST_POSTGRES_URL is set, with the demo agencies."""
    settings = make_settings(tmp_path, temporal_address=f"127.0.0.1:{free_port()}", database_url=database_url)
    await migrate_async(settings.resolved_database_url)
    db = Database(settings.resolved_database_url)
    await seed_demo_agencies(db, password_hash())
    async with db.session() as session:
        session.add(User(username="admin", display_name="管理员", role=Role.admin.value, password_hash=password_hash()))
        session.add(User(username="mediator", display_name="调解员", role=Role.mediator.value, team_code="union-med-1",
                         region="shanghai-pudong", password_hash=password_hash()))
        await session.commit()
    app = create_app(settings, db=db, start_pending=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        yield client
    await db.dispose()


async def token(http: httpx.AsyncClient, username: str) -> dict[str, str]:
    response = await http.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def test_round_trip_organisation_team_account_and_changes(http: httpx.AsyncClient) -> None:
    admin = await token(http, "admin")
    created = await http.post("/api/v1/organisations", headers=admin, json={
        "code": "court-cy-2", "kind": "court", "name_zh": "朝阳区第二人民法院", "name_en": "Second court", "region": "beijing-chaoyang"})
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["kind_zh"], body["is_active"], body["supervisor"], body["teams"], body["members"]) == ("人民法院", True, None, [], [])

    team = await http.post("/api/v1/organisations/court-cy-2/teams", headers=admin,
                           json={"code": "court-cy-2-civil", "name_zh": "民事审判庭", "name_en": "Civil division"})
    assert team.status_code == 201, team.text
    assert (team.json()["organisation_code"], team.json()["kind"], team.json()["region"]) == ("court-cy-2", "court", "beijing-chaoyang")
    judge = await http.post("/api/v1/users", headers=admin, json={"username": "judge-cy2", "display_name": "审判员 林", "role": "judge",
                                                                 "password": "a-long-password", "team_code": "court-cy-2-civil"})
    assert judge.status_code == 201, judge.text

    patched = await http.patch("/api/v1/organisations/court-cy-2", headers=admin,
                               json={"supervisor": "judge-cy2", "name_en": "Chaoyang second people's court"})
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert (body["supervisor"], body["supervisor_ok"], body["name_en"]) == ("judge-cy2", True, "Chaoyang second people's court")
    assert body["teams"] == [{"code": "court-cy-2-civil", "name_zh": "民事审判庭", "name_en": "Civil division", "staff": 1}]
    assert [(m["username"], m["role"], m["is_active"]) for m in body["members"]] == [("judge-cy2", "judge", True)]
    assert (await http.get("/api/v1/organisations/court-cy-2", headers=admin)).json() == body
    listed = {org["code"]: org for org in (await http.get("/api/v1/organisations", headers=admin)).json()}
    assert listed["court-cy-2"]["staff"] == 1 and listed["arb-pd"]["staff"] == 4
    members = (await http.get("/api/v1/users", params={"organisation": "court-cy-2"}, headers=admin)).json()["items"]
    assert [(u["username"], u["organisation_code"], u["region"]) for u in members] == [("judge-cy2", "court-cy-2", "beijing-chaoyang")]

    renamed = await http.patch("/api/v1/teams/court-cy-2-civil", headers=admin, json={"name_zh": "民事审判第一庭"})
    assert renamed.status_code == 200 and renamed.json()["name_zh"] == "民事审判第一庭"
    clerk = await http.patch("/api/v1/users/judge-cy2", headers=admin, json={"role": "court_clerk"})
    assert clerk.status_code == 200, clerk.text
    # the demo court's head (judge-cy) stays until another head is set; its enforcement officer may move
    kept = await http.patch("/api/v1/users/judge-cy", headers=admin, json={"team_code": "court-cy-2-civil"})
    assert kept.status_code == 422 and "judge-cy supervises court-cy" in kept.json()["detail"]
    moved = await http.patch("/api/v1/users/enforcer-cy", headers=admin, json={"team_code": "court-cy-2-civil"})
    assert moved.status_code == 200, moved.text
    staff = (await http.get("/api/v1/organisations/court-cy-2", headers=admin)).json()["members"]
    assert [(m["username"], m["role"]) for m in staff] == [("enforcer-cy", "enforcement_officer"), ("judge-cy2", "court_clerk")]
    cleared = await http.patch("/api/v1/organisations/court-cy-2", headers=admin, json={"supervisor": None, "is_active": False})
    assert (cleared.json()["supervisor"], cleared.json()["is_active"]) == (None, False)


async def test_refusals_are_422_with_the_message_and_unknown_codes_404(http: httpx.AsyncClient) -> None:
    admin = await token(http, "admin")
    org = {"code": "court-x", "kind": "court", "name_zh": "法院", "name_en": "Court", "region": "atlantis"}
    region = await http.post("/api/v1/organisations", headers=admin, json=org)
    assert region.status_code == 422
    assert region.json()["detail"].startswith("未知地区 'atlantis'") and "unknown region 'atlantis'; valid: " in region.json()["detail"]
    taken = await http.post("/api/v1/organisations", headers=admin, json=org | {"code": "arb-pd", "region": "shanghai-pudong"})
    assert taken.status_code == 422 and "the organisation code 'arb-pd' is taken" in taken.json()["detail"]
    bad_code = await http.post("/api/v1/organisations", headers=admin, json=org | {"code": "Court 1", "region": "shanghai-pudong"})
    assert bad_code.status_code == 422 and [e["field"] for e in bad_code.json()["errors"]] == ["code"]
    kind = await http.patch("/api/v1/organisations/arb-pd", headers=admin, json={"kind": "court"})
    assert kind.status_code == 422 and kind.json()["errors"][0]["field"] == "kind", "the kind is fixed"

    head = await http.patch("/api/v1/organisations/arb-pd", headers=admin, json={"supervisor": "judge"})
    assert head.status_code == 422 and "'judge' is not staff of organisation 'arb-pd'" in head.json()["detail"]
    team = await http.post("/api/v1/organisations/court-pd/teams", headers=admin,
                           json={"code": "arb-pd-1", "name_zh": "庭", "name_en": "D"})
    assert team.status_code == 422 and "the team code 'arb-pd-1' is taken" in team.json()["detail"]
    judge = await http.post("/api/v1/users", headers=admin, json={
        "username": "judge-9", "display_name": "法官", "role": "judge", "password": "a-long-password", "team_code": "arb-pd-1"})
    assert judge.status_code == 422 and "judge 不能在劳动人事争议仲裁委员会工作" in judge.json()["detail"]
    court = await http.patch("/api/v1/users/arbitrator", headers=admin, json={"team_code": "court-pd-1"})
    assert court.status_code == 422 and "the role arbitrator does not fit team 'court-pd-1'" in court.json()["detail"]
    kind_move = await http.patch("/api/v1/teams/arb-pd-1", headers=admin, json={"organisation_code": "court-pd"})
    assert kind_move.status_code == 422 and "该机构是人民法院" in kind_move.json()["detail"]
    listed = (await http.get("/api/v1/users", params={"organisation": "arb-pd"}, headers=admin)).json()["items"]
    assert listed[-1]["team_code"] == "arb-pd-1"

    for method, url, body in (
        ("GET", "/api/v1/organisations/no-such-org", None),
        ("PATCH", "/api/v1/organisations/no-such-org", {"name_zh": "无"}),
        ("POST", "/api/v1/organisations/no-such-org/teams", {"code": "t-1", "name_zh": "庭", "name_en": "D"}),
        ("PATCH", "/api/v1/teams/no-such-team", {"name_zh": "无"}),
        ("PATCH", "/api/v1/users/no-such-user", {"role": "judge"}),
    ):
        missing = await http.request(method, url, headers=admin, json=body)
        assert missing.status_code == 404 and " / no " in missing.json()["detail"], (url, missing.text)


async def test_only_administrators_manage_organisations(http: httpx.AsyncClient) -> None:
    anonymous = await http.get("/api/v1/organisations")
    assert anonymous.status_code == 401
    for username in ("mediator", "judge", "arb-head"):
        other = await token(http, username)
        for method, url, body in (
            ("GET", "/api/v1/organisations", None),
            ("GET", "/api/v1/organisations/arb-pd", None),
            ("POST", "/api/v1/organisations", {"code": "x-1", "kind": "court", "name_zh": "法院", "name_en": "C", "region": "dongguan"}),
            ("PATCH", "/api/v1/organisations/arb-pd", {"supervisor": username}),
            ("POST", "/api/v1/organisations/arb-pd/teams", {"code": "arb-pd-9", "name_zh": "庭", "name_en": "D"}),
            ("PATCH", "/api/v1/teams/arb-pd-1", {"name_zh": "改"}),
            ("PATCH", f"/api/v1/users/{username}", {"role": "admin"}),
            ("GET", "/api/v1/users", None),
        ):
            refused = await http.request(method, url, headers=other, json=body)
            assert refused.status_code == 403, (username, method, url, refused.text)
    admin = await token(http, "admin")
    org = (await http.get("/api/v1/organisations/arb-pd", headers=admin)).json()
    assert (org["supervisor"], [t["code"] for t in org["teams"]]) == ("arb-head", ["arb-pd-1"]), "nothing changed"
