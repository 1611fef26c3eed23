"""The administrator's organisations page and the account form's organisation checks, driven through
the app as a browser would post them (CSRF token, redirect, flash), on SQLite and PostgreSQL."""

from __future__ import annotations

import html
import re

import httpx
from sqlmodel import select

from infrastructure.tables import Organisation, Team, User
from tests.ui.conftest import World, client_for, csrf, sign_in

PAGE = "/admin/organisations"
NEW_COURT = {
    "op": "create",
    "code": "court-cy-2",
    "kind": "court",
    "name_zh": "北京市朝阳区第二人民法院",
    "name_en": "Chaoyang second people's court",
    "region": "beijing-chaoyang",
}


async def post(client: httpx.AsyncClient, token: str, url: str, **form: str) -> str:
    """Post a form, follow the redirect, return the page it lands on (which shows the flash)."""
    response = await client.post(url, data={"csrf_token": token, **form})
    assert response.status_code == 303, response.text
    return html.unescape((await client.get(response.headers["location"].split("#")[0])).text)


def row(page: str, code: str) -> str:
    """The organisation's row and the row of its forms below it."""
    found = re.search(rf'<tr id="org-{code}" data-org="{code}">.*?(?=<tr id="org-|</tbody>)', page, re.S)
    assert found, f"no row for {code}"
    return found.group(0)


async def test_admin_creates_edits_and_adds_teams_with_refusals_flashed_and_input_kept(world: World) -> None:
    async with client_for(world) as admin:
        await sign_in(admin, "admin")
        page = (await admin.get(PAGE)).text
        assert f'href="{PAGE}" aria-current="page"' in page
        assert "劳动人事争议仲裁委员会" in row(page, "arb-pd") and "arb-head" in row(page, "arb-pd")
        token = await csrf(admin, PAGE)

        created = await admin.post(PAGE, data={"csrf_token": token, **NEW_COURT})
        assert created.status_code == 303 and created.headers["location"] == f"{PAGE}#org-court-cy-2"
        page = (await admin.get(PAGE)).text
        assert "已创建机构 court-cy-2。" in page and "北京市朝阳区第二人民法院" in row(page, "court-cy-2")

        refused = await post(admin, token, PAGE, **NEW_COURT | {"code": "arb-pd", "name_zh": "重复的法院"})
        assert "未保存：机构代码 'arb-pd' 已被使用，请另选" in refused and 'role="alert"' in refused
        assert "is taken" not in refused, "the Chinese page shows the Chinese half"
        assert 'id="o-code" name="code"' in refused and 'value="重复的法院"' in refused, "the create form keeps what was typed"
        assert '<option value="court" selected>' in refused and '<option value="beijing-chaoyang" selected>' in refused
        await admin.post(PAGE, data={"csrf_token": token, **NEW_COURT | {"region": "atlantis"}})
        english = html.unescape((await admin.get(PAGE, params={"lang": "en"})).text)
        assert "Not saved: unknown region 'atlantis'; valid: " in english
        await admin.get(PAGE, params={"lang": "zh"})  # the language choice is kept in a cookie: back to Chinese

        added = await post(admin, token, PAGE, op="team", code="court-cy-2", team_code="court-cy-2-a",
                           team_name_zh="民事审判第一庭", team_name_en="First civil division")
        assert "已添加团队 court-cy-2-a。" in added and "民事审判第一庭" in row(added, "court-cy-2")
        bad_team = await post(admin, token, PAGE, op="team", code="court-cy-2", team_code="Civil_1",
                              team_name_zh="民二庭", team_name_en="Civil 2")
        assert "团队代码格式不对：'Civil_1'" in bad_team and 'value="民二庭"' in row(bad_team, "court-cy-2")

        edit = {"op": "update", "code": "arb-pd", "name_zh": "浦东仲裁委（改）", "name_en": "Pudong commission",
                "region": "shanghai-pudong", "supervisor": "judge", "is_active": "on"}
        head = await post(admin, token, PAGE, **edit)
        assert "账户 'judge' 不是机构 'arb-pd' 的人员" in head
        assert '<details class="action-form" open>' in row(head, "arb-pd") and 'value="浦东仲裁委（改）"' in row(head, "arb-pd")
        saved = await post(admin, token, PAGE, **edit | {"supervisor": "arbitrator"})
        assert "已保存机构 arb-pd。" in saved and "浦东仲裁委（改）" in row(saved, "arb-pd")
        off = await post(admin, token, PAGE, op="update", code="court-cy-2", name_zh=NEW_COURT["name_zh"],
                         name_en=NEW_COURT["name_en"], region="beijing-chaoyang", supervisor="")
        assert "已停用" in row(off, "court-cy-2") and 'name="team_code"' not in row(off, "court-cy-2")

        forged = await admin.post(PAGE, data={**NEW_COURT, "code": "forged-1"})
        assert forged.status_code == 403
    async with world.db.session() as session:
        org = await session.get(Organisation, "arb-pd")
        assert org is not None and (org.name_zh, org.supervisor) == ("浦东仲裁委（改）", "arbitrator")
        assert (await session.get(Team, "court-cy-2-a")) is not None and await session.get(Organisation, "forged-1") is None
        court = await session.get(Organisation, "court-cy-2")
        assert court is not None and not court.is_active


async def test_users_page_lists_teams_by_organisation_and_checks_role_changes(world: World) -> None:
    async with client_for(world) as admin:
        await sign_in(admin, "admin")
        token = await csrf(admin, PAGE)
        await admin.post(PAGE, data={"csrf_token": token, **NEW_COURT})
        await admin.post(PAGE, data={"csrf_token": token, "op": "team", "code": "court-cy-2", "team_code": "court-cy-2-a",
                                     "team_name_zh": "民事审判第一庭", "team_name_en": "First civil division"})
        users = (await admin.get("/admin/users")).text
        assert '<option value="court-cy-2-a">北京市朝阳区第二人民法院 — 民事审判第一庭</option>' in users
        assert re.search(r'data-user="judge".*?法官', users, re.S), "every role has its label"

        refused = await post(admin, token, "/admin/users", op="assign", username="arbitrator", role="arbitrator", team_code="court-pd-1")
        assert "操作未完成" in refused and "arbitrator 不能在人民法院工作" in refused
        kept = await post(admin, token, "/admin/users", op="assign", username="judge", role="judge", team_code="court-cy-2-a")
        assert "操作未完成" in kept and "judge 是机构 court-pd 的主管" in kept  # the demo court's head stays
        moved = await post(admin, token, "/admin/users", op="assign", username="enforcer", role="enforcement_officer",
                           team_code="court-cy-2-a")
        assert "已调整 enforcer 的角色或团队。" in moved
    async with world.db.session() as session:
        arbitrator = (await session.exec(select(User).where(User.username == "arbitrator"))).one()
        enforcer = (await session.exec(select(User).where(User.username == "enforcer"))).one()
    assert arbitrator.team_code == "arb-pd-1"
    assert (enforcer.team_code, enforcer.region) == ("court-cy-2-a", "beijing-chaoyang")
    async with client_for(world) as mediator:
        await sign_in(mediator, "mediator")
        assert (await mediator.get(PAGE)).status_code == 403
        assert f'href="{PAGE}"' not in (await mediator.get("/inbox")).text
    async with client_for(world) as anonymous:
        assert (await anonymous.get(PAGE)).headers["location"].startswith("/login")
