"""Organisations, teams and accounts as an administrator keeps them (services.organisations and
services.accounts), on SQLite and PostgreSQL: each bad input is refused with a message in Chinese
then English that names the bad value and what would be valid, nothing is stored by a refusal, and
every change leaves an audit entry."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from sqlmodel import col, select

from domain.organisations import OrgKind
from domain.roles import Role
from infrastructure import audit
from infrastructure.db import Database
from infrastructure.tables import AuditEntry, Organisation, Team, User
from services.accounts import create_user, list_users, set_user_active, update_user
from services.demo_agencies import seed_demo_agencies
from services.errors import NotFound, Refused
from services.organisations import (
    OrganisationRefused,
    create_organisation,
    create_team,
    holders_for,
    list_organisations,
    organisation_staff,
    update_organisation,
    update_team,
)
from services.read_models import PageRequest

PUDONG = "shanghai-pudong"
ARBITRATION_STAFF = ["arb-clerk", "arb-clerk2", "arb-head", "arbitrator"]  # services.demo_agencies, team arb-pd-1


@pytest.fixture
async def agencies(db: Database) -> AsyncIterator[Database]:
    """The demo organisations of the four shipped regions with their teams and staff (no real
    password: nobody signs in here)."""
    await seed_demo_agencies(db, "not-a-password-hash")
    yield db


async def refusal(call: object) -> str:
    """The message of the OrganisationRefused the awaitable raises, checked to be Chinese first, then English."""
    with pytest.raises(OrganisationRefused) as refused:
        await call  # type: ignore[misc]
    message = refused.value.message
    zh, sep, en = message.partition(" / ")
    assert refused.value.status == 422 and sep, message
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh) and re.search(r"[a-z]{2,} [a-z]{2,}", en), message
    return message


async def user(db: Database, username: str) -> User:
    async with db.session() as session:
        return (await session.exec(select(User).where(User.username == username))).one()


async def test_unknown_region_is_refused_naming_the_valid_ones(agencies: Database) -> None:
    message = await refusal(
        create_organisation(agencies, code="court-x", kind=OrgKind.court, name_zh="某法院", name_en="A court", region="atlantis")
    )
    assert message.startswith("未知地区 'atlantis'") and "unknown region 'atlantis'" in message
    assert "shanghai-pudong" in message and "beijing-chaoyang" in message
    async with agencies.session() as session:
        assert await session.get(Organisation, "court-x") is None
    await refusal(update_organisation(agencies, "court-pd", region="110105x"))


async def test_codes_and_names_must_be_well_formed(agencies: Database) -> None:
    for bad in ("x", "Court-1", "court_1", "court 1", "-court", "法院", "c" * 65):
        message = await refusal(
            create_organisation(agencies, code=bad, kind=OrgKind.court, name_zh="法院", name_en="Court", region=PUDONG)
        )
        assert f"'{bad[:64]}" in message and "2 to 64 characters, lowercase letters, digits and '-'" in message, message
        team = await refusal(create_team(agencies, organisation_code="court-pd", code=bad, name_zh="庭", name_en="Division"))
        assert team.startswith("团队代码格式不对") and "the team code" in team
    blank = await refusal(create_organisation(agencies, code="court-y", kind=OrgKind.court, name_zh="  ", name_en="C", region=PUDONG))
    assert blank.startswith("中文名称") and "Chinese name" in blank
    await refusal(update_team(agencies, "court-pd-1", name_en="line\nbreak"))
    created = await create_organisation(agencies, code="court-2", kind=OrgKind.court, name_zh="法院", name_en="Court", region=PUDONG)
    assert created.code == "court-2" and created.is_active


async def test_duplicate_codes_are_refused(agencies: Database) -> None:
    message = await refusal(
        create_organisation(agencies, code="arb-pd", kind=OrgKind.court, name_zh="法院", name_en="Court", region=PUDONG)
    )
    assert "机构代码 'arb-pd' 已被使用" in message and "'arb-pd' is taken; choose another" in message
    async with agencies.session() as session:
        assert (await session.get(Organisation, "arb-pd")).kind == OrgKind.arbitration_commission.value  # type: ignore[union-attr]
    team = await refusal(create_team(agencies, organisation_code="court-pd", code="arb-pd-1", name_zh="庭", name_en="Division"))
    assert "团队代码 'arb-pd-1' 已被使用" in team and "the team code 'arb-pd-1' is taken" in team
    async with agencies.session() as session:
        assert (await session.get(Team, "arb-pd-1")).organisation_code == "arb-pd"  # type: ignore[union-attr]


async def test_supervisor_must_be_an_active_account_of_the_organisation_or_an_admin(agencies: Database) -> None:
    outsider = await refusal(update_organisation(agencies, "arb-pd", supervisor="judge"))
    assert "'judge' 不是机构 'arb-pd' 的人员" in outsider and "'judge' is not staff of organisation 'arb-pd'" in outsider
    assert "move them into one of its teams (arb-pd-1)" in outsider
    assert "choose one of its staff: " + ", ".join(ARBITRATION_STAFF) in outsider
    missing = await refusal(update_organisation(agencies, "arb-pd", supervisor="nobody"))
    assert "there is no account 'nobody'" in missing
    await refusal(create_organisation(agencies, code="arb-pd-new", kind=OrgKind.arbitration_commission, name_zh="仲裁委",
                                      name_en="Commission", region=PUDONG, supervisor="arbitrator"))
    fresh = await refusal(create_organisation(agencies, code="arb-pd-new", kind=OrgKind.arbitration_commission, name_zh="仲裁委",
                                              name_en="Commission", region=PUDONG, supervisor="judge"))
    assert "it has no active staff yet: add a team and accounts first" in fresh

    assert (await update_organisation(agencies, "arb-pd", supervisor="arbitrator")).supervisor == "arbitrator"
    await set_user_active(agencies, "arb-clerk", False)
    gone = await refusal(update_organisation(agencies, "arb-pd", supervisor="arb-clerk"))
    assert "deactivated" in gone and "reactivate it first" in gone
    await create_user(agencies, username="root", role=Role.admin, password="a-long-password", display_name="管理员")
    assert (await update_organisation(agencies, "arb-pd", supervisor="root")).supervisor == "root"
    assert (await update_organisation(agencies, "arb-pd", supervisor="")).supervisor is None


async def test_a_judge_cannot_join_a_commission_team(agencies: Database) -> None:
    message = await refusal(create_user(agencies, username="judge-2", role=Role.judge, password="a-long-password",
                                        display_name="法官", team_code="arb-pd-1"))
    assert message.startswith("角色与所属机构不符：judge 不能在劳动人事争议仲裁委员会工作")
    assert "the role judge does not fit team 'arb-pd-1' (organisation kind: arbitration_commission); judge fits: court" in message
    assert "judge-2" not in {u.username for u in (await list_users(agencies, PageRequest(per_page=200))).items}
    judge = await create_user(agencies, username="judge-2", role=Role.judge, password="a-long-password", display_name="法官",
                              team_code="court-hz-1")
    assert judge.region == "hangzhou-xihu", "without a region the account works where its team does"


async def test_changing_an_arbitrator_to_a_court_team_or_a_judge_to_arbitrator_is_refused(agencies: Database) -> None:
    moved = await refusal(update_user(agencies, "arbitrator", by="root", team_code="court-pd-1"))
    assert "arbitrator 不能在人民法院工作" in moved and "arbitrator fits: arbitration_commission" in moved
    assert (await user(agencies, "arbitrator")).team_code == "arb-pd-1"
    await refusal(update_user(agencies, "judge", by="root", role=Role.arbitrator))
    assert (await user(agencies, "judge")).role == Role.judge.value
    head = await refusal(update_user(agencies, "arb-head", by="root", team_code="arb-hz-1"))
    assert "arb-head supervises arb-pd; set another supervisor there before moving them out" in head

    await update_user(agencies, "arbitrator", by="root", team_code="arb-hz-1")
    after = await user(agencies, "arbitrator")
    assert (after.team_code, after.region) == ("arb-hz-1", "hangzhou-xihu")
    await update_user(agencies, "judge", by="root", role=Role.court_clerk)
    assert (await user(agencies, "judge")).role == Role.court_clerk.value
    await create_user(agencies, username="root", role=Role.admin, password="a-long-password", display_name="管理员")
    with pytest.raises(Refused, match="your own administrator role"):
        await update_user(agencies, "root", by="root", role=Role.mediator, team_code="union-med-1")
    with pytest.raises(NotFound):
        await update_user(agencies, "nobody", by="root", role=Role.judge)


async def test_teams_are_renamed_and_move_only_within_their_kind(agencies: Database) -> None:
    await create_team(agencies, organisation_code="arb-pd", code="arb-pd-2", name_zh="第二仲裁庭", name_en="Second tribunal")
    wrong = await refusal(update_team(agencies, "arb-pd-2", organisation_code="court-pd"))
    assert "团队 'arb-pd-2' 不能调入机构 'court-pd'：该机构是人民法院" in wrong
    assert "move it to one of: arb-cy, arb-dg, arb-hz" in wrong
    await refusal(update_team(agencies, "arb-pd-2", organisation_code="no-such-org"))
    holding_head = await refusal(update_team(agencies, "arb-pd-1", organisation_code="arb-hz"))
    assert "holds arb-head, the supervisor of 'arb-pd'" in holding_head

    team = await update_team(agencies, "arb-pd-2", organisation_code="arb-hz", name_zh="西湖第二仲裁庭")
    assert (team.organisation_code, team.region, team.name_zh) == ("arb-hz", "hangzhou-xihu", "西湖第二仲裁庭")
    with pytest.raises(NotFound):
        await update_team(agencies, "no-such-team", name_zh="x")


async def test_a_deactivated_organisation_takes_no_new_cases_teams_or_staff(agencies: Database) -> None:
    assert (await holders_for(agencies, PUDONG)).teams["court"] == "court-pd-1"
    await update_organisation(agencies, "court-pd", is_active=False)
    assert "court" not in (await holders_for(agencies, PUDONG)).teams, "a deactivated court holds no new case's work"
    closed = await refusal(create_user(agencies, username="judge-3", role=Role.judge, password="a-long-password",
                                       display_name="法官", team_code="court-pd-1"))
    assert "belongs to organisation 'court-pd', which is deactivated" in closed
    await refusal(create_team(agencies, organisation_code="court-pd", code="court-pd-2", name_zh="庭", name_en="Division"))
    await update_organisation(agencies, "court-pd", is_active=True)
    assert (await holders_for(agencies, PUDONG)).teams["court"] == "court-pd-1"


async def test_moving_an_organisation_moves_its_teams_and_staff(agencies: Database) -> None:
    await update_organisation(agencies, "arb-pd", region="dongguan", name_en="Commission, moved")
    async with agencies.session() as session:
        assert (await session.get(Team, "arb-pd-1")).region == "dongguan"  # type: ignore[union-attr]
    assert (await user(agencies, "arbitrator")).region == "dongguan"
    assert "arbitration" not in (await holders_for(agencies, PUDONG)).teams


async def test_staff_are_listed_per_organisation_and_a_gone_supervisor_shows(agencies: Database) -> None:
    assert [u.username for u in (await list_users(agencies, organisation_code="arb-pd")).items] == ARBITRATION_STAFF
    assert [u["username"] for u in await organisation_staff(agencies, "arb-pd")] == ARBITRATION_STAFF
    listed = {org["code"]: org for org in await list_organisations(agencies)}
    assert listed["arb-pd"]["staff"] == 4 and listed["arb-pd"]["kind_zh"] == "劳动人事争议仲裁委员会"
    assert listed["arb-pd"]["supervisor"] == "arb-head" and listed["arb-pd"]["supervisor_ok"]
    await set_user_active(agencies, "arb-head", False)  # never refused: a compromised account must be stoppable
    listed = {org["code"]: org for org in await list_organisations(agencies)}
    assert listed["arb-pd"]["staff"] == 3 and not listed["arb-pd"]["supervisor_ok"]
    # the page posts the supervisor with every edit: a head who has gone does not block other changes
    assert not (await update_organisation(agencies, "arb-pd", supervisor="arb-head", is_active=False)).is_active
    with pytest.raises(NotFound):
        await organisation_staff(agencies, "nope")


async def test_every_change_is_audited(agencies: Database) -> None:
    # (not judge-cy: the demo court's head, who cannot leave it before another head is set)
    await create_organisation(agencies, code="court-cy-2", kind=OrgKind.court, name_zh="第二法院", name_en="Second court",
                              region="beijing-chaoyang", by="root")
    await create_team(agencies, organisation_code="court-cy-2", code="court-cy-2-a", name_zh="民一庭", name_en="Civil 1", by="root")
    await update_team(agencies, "court-cy-2-a", name_en="First civil division", by="root")
    await update_user(agencies, "enforcer-cy", by="root", team_code="court-cy-2-a")
    await update_organisation(agencies, "court-cy-2", supervisor="enforcer-cy", by="root")
    await update_organisation(agencies, "court-cy-2", supervisor="enforcer-cy", by="root")  # no change: no entry
    await update_user(agencies, "enforcer-cy", by="root", is_active=False)
    async with agencies.session() as session:
        entries = (await session.exec(select(AuditEntry).order_by(col(AuditEntry.id)))).all()
    assert [(e.actor, e.action, e.object_id) for e in entries] == [
        ("root", "organisation.create", "court-cy-2"),
        ("root", "team.create", "court-cy-2-a"),
        ("root", "team.update", "court-cy-2-a"),
        ("root", "user.update", "enforcer-cy"),
        ("root", "organisation.update", "court-cy-2"),
        ("root", "user.deactivate", "enforcer-cy"),
    ]
    assert entries[2].before == {"name_en": "Civil 1"} and entries[2].after == {"name_en": "First civil division"}
    assert entries[3].before == {"team_code": "court-cy-1"} and entries[3].after == {"team_code": "court-cy-2-a"}
    assert entries[4].before == {"supervisor": None} and entries[4].after == {"supervisor": "enforcer-cy"}
    assert (await audit.verify(agencies)).intact


async def test_concurrent_reads_of_a_region_share_one_query_and_nothing_is_kept(
    agencies: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A burst of intake reads the region's holders once; the next read after it sees a change."""
    import asyncio

    from services import organisations

    reads: list[str] = []
    real = organisations._read_holders

    async def counted(db: Database, region: str) -> organisations.Holders:
        reads.append(region)
        await asyncio.sleep(0.01)  # in flight while the others ask
        return await real(db, region)

    monkeypatch.setattr(organisations, "_read_holders", counted)
    answers = await asyncio.gather(*(holders_for(agencies, PUDONG) for _ in range(20)),
                                   holders_for(agencies, "beijing-chaoyang"))
    assert sorted(reads) == ["beijing-chaoyang", PUDONG], "one read per region for 21 callers"
    assert all(answer == answers[0] for answer in answers[:20]) and answers[0].teams["court"] == "court-pd-1"
    assert answers[20].teams != answers[0].teams
    await update_organisation(agencies, "court-pd", is_active=False)
    assert "court" not in (await holders_for(agencies, PUDONG)).teams, "a read after the change sees it"
    assert len(reads) == 3


async def test_a_failed_shared_read_fails_its_callers_and_a_caller_giving_up_stops_no_one(
    agencies: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    from services import organisations

    real, calls = organisations._read_holders, [0]

    async def failing_once(db: Database, region: str) -> organisations.Holders:
        calls[0] += 1
        await asyncio.sleep(0.01)
        if calls[0] == 1:
            raise ConnectionError("database went away")
        return await real(db, region)

    monkeypatch.setattr(organisations, "_read_holders", failing_once)
    outcomes = await asyncio.gather(*(holders_for(agencies, PUDONG) for _ in range(3)), return_exceptions=True)
    assert all(isinstance(o, ConnectionError) for o in outcomes), outcomes
    impatient = asyncio.ensure_future(holders_for(agencies, PUDONG))
    patient = asyncio.ensure_future(holders_for(agencies, PUDONG))
    await asyncio.sleep(0)
    impatient.cancel()
    assert (await patient).teams["court"] == "court-pd-1" and impatient.cancelled()
    assert calls[0] == 2, "the next read after the failure read again; the cancelled caller shared it"
