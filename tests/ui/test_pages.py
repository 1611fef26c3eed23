"""Pages over httpx (no browser, Temporal down): CSRF, staff sign-in and lockout, cookies, roles,
the worker's status page and its lockout, object-level 404s, intake while Temporal is down, the
receipt shown once, guidance, and the administrator's pages."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import httpx
from sqlmodel import select

from api.auth import SESSION_COOKIE
from infrastructure.tables import Case, CaseStageVisit, Notification, User
from tests.stories import LI_JIANGUO_ID, SUBCONTRACTOR_USCC
from tests.support import swap_settings
from tests.ui.conftest import PASSWORD, World, client_for, csrf, file_case, sign_in


def form_token(html: str) -> str:
    match = re.search(r'name="form_token" value="([0-9a-f]{32})"', html)
    assert match
    return match.group(1)


def form_started(html: str) -> str:
    match = re.search(r'name="form_started" value="([^"]+)"', html)
    assert match
    return match.group(1)


def intake_form(token: str, csrf_token: str, **changes: str) -> dict[str, str]:
    left = (date.today() - timedelta(days=25)).isoformat()
    data = {
        "csrf_token": csrf_token,
        "form_token": token,
        "worker.name": "李建国",
        "worker.id_number": LI_JIANGUO_ID,
        "worker.mobile": "13812345678",
        "worker.groups": "migrant_worker",
        "worker_count": "1",
        "employer.name": "上海宏建劳务分包有限公司",
        "employer.uscc": SUBCONTRACTOR_USCC,
        "region": "shanghai-pudong",
        "category": "wage_arrears",
        "scope_issue": "none",
        "description": "本人在浦东某工地从事钢筋工作，工资至今未付。",
        "knew_on": left,
        "still_employed": "false",
        "employment_ended_on": left,
        "claims.0.kind": "wages",
        "claims.0.amount": "12000.00",
        "consent_personal_information": "true",
        "consent_sensitive_information": "true",
    }
    data.update(changes)
    return data


async def test_forms_refuse_a_post_without_the_csrf_token(
    http: httpx.AsyncClient, world: World
) -> None:
    assert (
        await http.post("/login", data={"username": "admin", "password": PASSWORD})
    ).status_code == 403
    token = await csrf(http)
    async with client_for(world) as other:  # a token from another browser does not match its cookie
        await other.get("/login")
        refused = await other.post(
            "/login", data={"csrf_token": token, "username": "admin", "password": PASSWORD}
        )
    assert refused.status_code == 403 and "表单已过期" in refused.text


async def test_sign_in_sets_a_safe_cookie_and_goes_to_the_role_start_page(
    http: httpx.AsyncClient,
) -> None:
    answer = await sign_in(http, "mediator")
    assert answer.status_code == 303 and answer.headers["location"] == "/inbox"
    cookie = next(h for h in answer.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    inbox = await http.get("/inbox")
    assert inbox.status_code == 200 and "调解员 张敏" in inbox.text
    assert "frame-ancestors 'none'" in inbox.headers["content-security-policy"]
    assert inbox.headers["x-frame-options"] == "DENY"
    out = await http.post("/logout", data={"csrf_token": await csrf(http, "/inbox")})
    assert out.headers["location"] == "/login"
    assert (await http.get("/inbox")).headers["location"] == "/login?next=/inbox"


async def test_secure_cookie_behind_https(world: World) -> None:
    swap_settings(world.app, world.settings.model_copy(update={"public_url": "https://ld.example.cn"}))
    async with client_for(world, "https://testserver") as client:
        answer = await sign_in(client, "admin")
    assert "Secure" in next(
        h for h in answer.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE)
    )


async def test_wrong_passwords_lock_the_account_and_the_admin_unlocks_it(
    http: httpx.AsyncClient, world: World
) -> None:
    wrong = await sign_in(http, "mediator2", "not-the-password")
    assert wrong.status_code == 401 and "用户名或密码不正确" in wrong.text
    for _ in range(4):
        await sign_in(http, "mediator2", "not-the-password")
    locked = await sign_in(http, "mediator2")
    assert locked.status_code == 423 and "锁定" in locked.text
    async with client_for(world) as admin:
        await sign_in(admin, "admin")
        users = await admin.get("/admin/users")
        assert re.search(r'data-user="mediator2".*?已锁定', users.text, re.S)
        done = await admin.post(
            "/admin/users",
            data={
                "csrf_token": await csrf(admin, "/admin/users"),
                "op": "unlock",
                "username": "mediator2",
            },
        )
        assert done.status_code == 303
        assert "已解锁 mediator2" in (await admin.get("/admin/users")).text
    assert (await sign_in(http, "mediator2")).status_code == 303


async def test_pages_by_role(world: World) -> None:
    async with client_for(world) as anonymous:
        assert (await anonymous.get("/admin/cases")).headers[
            "location"
        ] == "/login?next=/admin/cases"
    async with client_for(world) as mediator:
        await sign_in(mediator, "mediator")
        assert (await mediator.get("/admin/cases")).status_code == 403
        nav = (await mediator.get("/inbox")).text
        assert 'href="/inbox"' in nav and 'href="/admin/cases"' not in nav
    async with client_for(world) as union:
        landed = await sign_in(union, "union")
        assert landed.headers["location"] == "/union"
        assert (await union.get("/inbox")).status_code == 403
    async with client_for(world) as admin:
        await sign_in(admin, "admin")
        nav = (await admin.get("/admin/dashboard")).text
        assert all(
            f'href="{p}"' in nav
            for p in ("/inbox", "/union", "/admin/cases", "/admin/users", "/admin/outbox")
        )


async def test_tasks_of_another_team_are_as_missing_as_missing_ones(world: World) -> None:
    case_no, _ = await file_case(world)
    task_url = f"/tasks/case%2F{case_no}%2Fmediation%2F1%233%3Atask-mediate"
    async with client_for(world) as own:
        await sign_in(own, "mediator2")  # same team, not the assignee
        page = await own.get(task_url)
        assert (
            page.status_code == 200
            and "主持调解并记录结果" in page.text
            and "调解组织收到调解申请之日" in page.text
        )
        assert (
            'data-action="record_failure"' in page.text and 'name="payload.ended_on"' in page.text
        )
    async with client_for(world) as stranger:
        await sign_in(stranger, "mediator-hz")
        other = await stranger.get(task_url)
        missing = await stranger.get(
            "/tasks/case%2FLD-2026-999999%2Fmediation%2F1%233%3Atask-mediate"
        )
        assert other.status_code == missing.status_code == 404 and other.text.count(
            "未找到"
        ) == missing.text.count("未找到")
        listed = (await stranger.get("/api/v1/tasks")).json()
        assert (listed["items"], listed["total"]) == ([], 0)


async def test_inbox_lists_my_tasks_then_my_teams_overdue_first(world: World) -> None:
    first, _ = await file_case(world)
    second, _ = await file_case(world)
    async with world.db.session() as session:
        from infrastructure.tables import Task

        task = (await session.exec(select(Task).where(Task.subject == f"case:{second}"))).one()
        task.due_on, task.assignee = date.today() - timedelta(days=2), "mediator2"
        session.add(task)
        await session.commit()
    async with client_for(world) as mediator:
        await sign_in(mediator, "mediator")
        mine = (await mediator.get("/api/v1/tasks", params={"scope": "mine"})).json()["items"]
        team = (await mediator.get("/api/v1/tasks", params={"scope": "team"})).json()["items"]
        both = (await mediator.get("/api/v1/tasks")).json()["items"]
        assert [r["case_no"] for r in mine] == [first]
        assert [r["case_no"] for r in team] == [second] and team[0]["overdue"]
        assert [r["case_no"] for r in both] == [second, first], "overdue first"
        page = (await mediator.get("/inbox")).text
        assert "已逾期" in page and page.index(first) < page.index(second)


async def test_status_page_needs_the_access_code_and_locks_after_five_wrong_ones(
    world: World,
) -> None:
    case_no, code = await file_case(world)
    async with client_for(world) as worker:
        token = await csrf(worker, "/status")
        unknown = await worker.post(
            "/status", data={"csrf_token": token, "case_no": "LD-2026-999999", "access_code": code}
        )
        wrong = await worker.post(
            "/status",
            data={"csrf_token": token, "case_no": case_no, "access_code": "AAAA-BBBB-CCCC"},
        )
        assert unknown.status_code == wrong.status_code == 404
        assert re.sub(r"LD-\d{4}-\d{6}", "", unknown.text) == re.sub(
            r"LD-\d{4}-\d{6}", "", wrong.text
        )
        assert (await worker.get(f"/status/{case_no}")).headers[
            "location"
        ] == f"/status?case_no={case_no}"
        for _ in range(3):
            await worker.post(
                "/status",
                data={"csrf_token": token, "case_no": case_no, "access_code": "AAAA-BBBB-CCCC"},
            )
        locked = await worker.post(
            "/status",
            data={"csrf_token": token, "case_no": case_no, "access_code": "AAAA-BBBB-CCCC"},
        )
        assert locked.status_code == 429 and "15分钟" in locked.text
        still = await worker.post(
            "/status", data={"csrf_token": token, "case_no": case_no, "access_code": code}
        )
        assert still.status_code == 429


async def test_status_page_shows_stage_deadline_and_why_road_documents_and_actions(
    world: World,
) -> None:
    case_no, code = await file_case(world)
    async with client_for(world) as worker:
        token = await csrf(worker, "/status")
        opened = await worker.post(
            "/status",
            data={"csrf_token": token, "case_no": case_no.lower(), "access_code": code.lower()},
        )
        assert opened.status_code == 303 and opened.headers["location"] == f"/status/{case_no}"
        page = (await worker.get(f"/status/{case_no}")).text
    assert 'data-stage="mediation"' in page and "调解中" in page
    assert "为什么是这一天" in page and "（D03）：自" in page and "调解组织收到调解申请之日" in page
    assert "接下来的路" in page and "仲裁委员会决定是否受理" in page
    actions = re.findall(r'data-action="([a-z_]+)"', page)
    assert actions == ["refuse_mediation", "add_evidence", "apply_legal_aid", "withdraw"]
    assert "李建国" not in page or "3412" not in page  # the ID number never appears in full
    assert LI_JIANGUO_ID not in page


async def test_worker_action_while_temporal_is_down_says_so(world: World) -> None:
    case_no, code = await file_case(world)
    async with client_for(world) as worker:
        token = await csrf(worker, "/status")
        await worker.post(
            "/status", data={"csrf_token": token, "case_no": case_no, "access_code": code}
        )
        done = await worker.post(
            f"/status/{case_no}", data={"csrf_token": token, "action": "apply_legal_aid"}
        )
        assert done.headers["location"] == f"/status/{case_no}#actions"
        page = (await worker.get(f"/status/{case_no}")).text
    assert "未能办理" in page and "工作流服务暂不可用" in page


async def test_intake_while_temporal_is_down_is_accepted_once_and_the_code_shown_once(
    world: World,
) -> None:
    async with client_for(world) as worker:
        page = await worker.get("/")
        token = form_token(page.text)
        data = intake_form(token, await csrf(worker, "/")) | {"form_started": form_started(page.text)}
        first = await worker.post("/", data=data)
        again = await worker.post("/", data=data)  # back button and resubmit: same case
        assert (
            first.status_code == again.status_code == 303
            and first.headers["location"] == again.headers["location"]
        )
        receipt = await worker.get(first.headers["location"])
        code = re.search(r'id="access-code">([A-Z0-9-]+)<', receipt.text)
        assert code and "只显示这一次" in receipt.text and "回执正在生成" in receipt.text
        later = await worker.get(first.headers["location"])
        assert 'id="access-code"' not in later.text
        changed = await worker.post(
            "/", data=data | {"description": "另一份不同的申请内容，同一张表格。"}
        )
        assert changed.status_code == 409 and "已经提交过" in changed.text
    async with world.db.session() as session:
        cases = (await session.exec(select(Case))).all()
    assert len(cases) == 1 and not cases[0].workflow_started  # waits for Temporal, nothing lost


async def test_guidance_while_filling_in(http: httpx.AsyncClient) -> None:
    barred = await http.post(
        "/intake/guidance",
        data={
            "category": "wage_arrears",
            "knew_on": "2024-05-01",
            "still_employed": "false",
            "employment_ended_on": "2024-05-01",
            "region": "shanghai-pudong",
        },
    )
    assert "可能已超过仲裁时效" in barred.text and "仲裁委员会认定" in barred.text
    helper = await http.post(
        "/intake/guidance?lang=en", data={"scope_issue": "household_domestic_helper"}
    )
    assert "not a labour dispute" in helper.text
    route = (
        await http.post(
            "/api/v1/intake/guidance",
            json={
                "category": "labour_relationship",
                "knew_on": "2026-10-01",
                "still_employed": True,
            },
        )
    ).json()
    assert (
        route["channel"] == "arbitration"
        and not route["time_barred"]
        and route["limitation_last_day"]
    )
    migrant = (
        await http.post(
            "/api/v1/intake/guidance",
            json={
                "category": "wage_arrears",
                "knew_on": "2026-10-01",
                "still_employed": True,
                "groups": ["migrant_worker"],
            },
        )
    ).json()
    assert migrant["channel"] == "union_mediation" and migrant["legal_aid_without_means_test"]


async def test_admin_search_dashboard_and_outbox(world: World) -> None:
    first, _ = await file_case(world)
    second, _ = await file_case(
        world, employer={"name": "杭州瑞丰贸易有限公司"}, region="hangzhou-xihu"
    )
    async with world.db.session() as session:
        session.add(
            Notification(
                dedupe_key="n1",
                subject=f"case:{first}",
                channel="sms",
                recipient_kind="worker",
                recipient_enc=world.keyring.encrypt_text("13812345678"),
                template="case_update",
                body_zh="您的案件已进入调解。",
                body_en="Your case is in mediation.",
            )
        )
        case = (await session.exec(select(Case).where(Case.case_no == first))).one()
        session.add(
            CaseStageVisit(
                case_no=first,
                stage="intake",
                entered_at=datetime.now(UTC) - timedelta(days=4),
                left_at=datetime.now(UTC) - timedelta(days=1),
            )
        )
        session.add(case)
        await session.commit()
    async with client_for(world) as admin:
        await sign_in(admin, "admin")
        found = (await admin.get("/api/v1/cases", params={"employer": "瑞丰"})).json()
        assert [c["case_no"] for c in found["items"]] == [second] and found["total"] == 1
        for region in ("shanghai-pudong", "310115"):  # the slug or the GB/T 2260 code
            pudong = (await admin.get("/api/v1/cases", params={"region": region})).json()
            assert [c["case_no"] for c in pudong["items"]] == [first]
        page = await admin.get("/admin/cases", params={"case_no": first[-6:]})
        assert first in page.text and second not in page.text
        board = (await admin.get("/api/v1/dashboard")).json()
        assert board["open_by_stage"] == {"mediation": 2} and board["median_days_by_stage"] == {
            "intake": 3.0
        }
        assert "调解中" in (await admin.get("/admin/dashboard")).text
        outbox = (await admin.get("/admin/outbox")).text
        assert (
            "您的案件已进入调解。" in outbox
            and "13812345678" not in outbox
            and "138****5678" in outbox
        )
        assert (await admin.get("/api/v1/outbox")).json()["items"][0]["recipient"] == "138****5678"
        history = await admin.get(f"/admin/cases/{first}/history")
        assert history.status_code == 200 and "暂时无法连接 Temporal" in history.text


async def test_admin_manages_users(world: World) -> None:
    async with client_for(world) as admin:
        await sign_in(admin, "admin")
        token = await csrf(admin, "/admin/users")
        created = await admin.post(
            "/admin/users",
            data={
                "csrf_token": token,
                "op": "create",
                "username": "mediator3",
                "display_name": "调解员 赵强",
                "role": "mediator",
                "team_code": "union-med-1",
                "region": "shanghai-pudong",
                "password": "a-long-password",
            },
        )
        assert (
            created.status_code == 303
            and "已创建用户 mediator3" in (await admin.get("/admin/users")).text
        )
        short = await admin.post(
            "/admin/users",
            data={
                "csrf_token": token,
                "op": "password",
                "username": "mediator3",
                "password": "short",
            },
        )
        assert "password too short" in (await admin.get(short.headers["location"])).text
        await admin.post(
            "/admin/users", data={"csrf_token": token, "op": "deactivate", "username": "mediator3"}
        )
        self_off = await admin.post(
            "/admin/users", data={"csrf_token": token, "op": "deactivate", "username": "admin"}
        )
        assert (
            "cannot deactivate your own account"
            in (await admin.get(self_off.headers["location"])).text
        )
        api = await admin.post(
            "/api/v1/users",
            json={
                "username": "union3",
                "display_name": "工会 李",
                "role": "union_legal",
                "password": "another-long-one",
                "team_code": "union-fed-1",
            },
        )
        assert api.status_code == 201
    async with client_for(world) as gone:
        assert (await sign_in(gone, "mediator3", "a-long-password")).status_code == 401
    async with world.db.session() as session:
        assert (
            not (await session.exec(select(User).where(User.username == "mediator3")))
            .one()
            .is_active
        )


AGENCY_ACCOUNTS = ("arb-clerk", "arbitrator", "arb-head", "court-clerk-hz", "judge-hz", "enforcer-hz", "inspector", "procurator",
                   "aid-reviewer", "aid-lawyer", "police", "pm-mediator", "ent-mediator")


async def test_every_agency_account_signs_in_to_its_own_inbox(world: World) -> None:
    """Every agency's staff land in their inbox, and may not open the
    administrator's or the union's pages."""
    for username in AGENCY_ACCOUNTS:
        async with client_for(world) as client:
            landed = await sign_in(client, username)
            assert landed.status_code == 303 and landed.headers["location"] == "/inbox", (username, landed.text)
            inbox = await client.get("/inbox")
            assert inbox.status_code == 200 and 'href="/inbox"' in inbox.text, username
            assert (await client.get("/admin/cases")).status_code == 403, username
            assert (await client.get("/union", follow_redirects=True)).status_code == 403, username
