"""The agencies as an administrator keeps them: organisations (kind, region, supervisor), their teams
and staff, with bad input refused clearly; and, for each new case, which team of its region holds
each agency's work (LDMAL Art. 21: the commission where the contract is performed, given as the
case's region; the court by territorial jurisdiction, likewise)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import col, select

from domain.organisations import AGENCY_KIND, ORG_NAMES, Agency, OrgKind, role_fits
from domain.regions import regions
from domain.roles import Role
from infrastructure.db import Database
from infrastructure.tables import Organisation, Task, Team, User
from services.errors import NotFound, Refused

# Team kinds of the first version (before organisations): the agency each one serves.
LEGACY_TEAM_KINDS: dict[str, OrgKind] = {
    "union_mediation": OrgKind.union_mediation_centre,
    "enterprise_committee": OrgKind.enterprise_committee,
    "peoples_mediation": OrgKind.peoples_mediation,
    "court": OrgKind.court,
    "arbitration": OrgKind.arbitration_commission,
    "union_federation": OrgKind.union_federation,
    "inspection": OrgKind.labour_inspection,
    "legal_aid": OrgKind.legal_aid,
    "procuratorate": OrgKind.procuratorate,
}


class OrganisationRefused(Refused):
    """An organisation, team or account that cannot be saved as asked; the message says how to fix it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.status = 422


def _check_region(region: str) -> None:
    if region not in regions():
        raise OrganisationRefused(f"未知地区 / unknown region '{region}'; valid: {', '.join(sorted(regions()))}")


async def create_organisation(
    db: Database, *, code: str, kind: OrgKind, name_zh: str, name_en: str, region: str, supervisor: str | None = None
) -> Organisation:
    """A new organisation; refuses a duplicate code, an unknown region or supervisor."""
    _check_region(region)
    async with db.session() as session:
        if await session.get(Organisation, code) is not None:
            raise OrganisationRefused(f"机构代码已存在 / the organisation code '{code}' is taken; choose another")
        if supervisor and (await session.exec(select(User.id).where(User.username == supervisor))).first() is None:
            raise OrganisationRefused(f"没有此账户 / no account '{supervisor}' to be its supervisor")
        row = Organisation(code=code, kind=kind.value, name_zh=name_zh, name_en=name_en, region=region, supervisor=supervisor)
        session.add(row)
        await session.commit()
        await session.refresh(row)
    return row


async def update_organisation(db: Database, code: str, **changes: Any) -> Organisation:
    """Rename, move, change the supervisor, or deactivate an organisation (the kind is fixed)."""
    async with db.session() as session:
        row = await session.get(Organisation, code)
        if row is None:
            raise NotFound(f"没有此机构 / no organisation '{code}'")
        if "region" in changes and changes["region"] is not None:
            _check_region(changes["region"])
        supervisor = changes.get("supervisor")
        if supervisor and (await session.exec(select(User.id).where(User.username == supervisor))).first() is None:
            raise OrganisationRefused(f"没有此账户 / no account '{supervisor}' to be its supervisor")
        for name, value in changes.items():
            if value is not None:
                setattr(row, name, value)
        session.add(row)
        await session.commit()
        await session.refresh(row)
    return row


async def create_team(db: Database, *, organisation_code: str, code: str, name_zh: str, name_en: str) -> Team:
    """A team of an organisation (its region and kind are the organisation's)."""
    async with db.session() as session:
        org = await session.get(Organisation, organisation_code)
        if org is None:
            raise NotFound(f"没有此机构 / no organisation '{organisation_code}'")
        if await session.get(Team, code) is not None:
            raise OrganisationRefused(f"团队代码已存在 / the team code '{code}' is taken; choose another")
        team = Team(code=code, name_zh=name_zh, name_en=name_en, kind=org.kind, region=org.region, organisation_code=org.code)
        session.add(team)
        await session.commit()
        await session.refresh(team)
    return team


async def check_membership(db: Database, role: Role, team_code: str | None) -> None:
    """A staff member's role must fit the organisation of their team (an arbitrator in a commission, a
    judge in a court...), so no account works in two organisations of different kinds: refused with
    what would fit. Without a team only the administrator's role needs none; others then see no team's work."""
    if not team_code:
        return
    async with db.session() as session:
        team = await session.get(Team, team_code)
        if team is None:
            raise OrganisationRefused(f"未知团队 / unknown team '{team_code}'")
        org = await session.get(Organisation, team.organisation_code) if team.organisation_code else None
    kind = OrgKind(org.kind) if org is not None else LEGACY_TEAM_KINDS.get(team.kind)
    if kind is not None and not role_fits(role, kind):
        fits = ", ".join(sorted(k.value for k in OrgKind if role_fits(role, k)))
        raise OrganisationRefused(
            f"角色与所属机构不符 / a {role.value} cannot work in a {kind.value} (team '{team_code}'); a {role.value} works in: {fits}"
        )


@dataclass(frozen=True)
class Holders:
    """For one region: the team holding each agency's work, and the names printed for teams."""

    teams: dict[str, str]
    names: dict[str, str]


async def holders_for(db: Database, region: str) -> Holders:
    """Which team of the region holds each agency's work: the first active organisation of the agency's
    kind (by code) and its first team; the case's own union team where no organisation exists yet."""
    async with db.session() as session:
        orgs = (
            await session.exec(
                select(Organisation)
                .where(Organisation.region == region, Organisation.is_active == True)  # noqa: E712
                .order_by(col(Organisation.code))
            )
        ).all()
        teams = (await session.exec(select(Team).where(Team.region == region).order_by(col(Team.code)))).all()
    org_names = {org.code: org.name_zh for org in orgs}
    names = {team.code: org_names.get(team.organisation_code or "", team.name_zh) for team in teams}
    first_team_of_org: dict[str, str] = {}
    for team in teams:
        if team.organisation_code:
            first_team_of_org.setdefault(team.organisation_code, team.code)
    by_kind: dict[str, str] = {}
    for org in orgs:
        if org.code in first_team_of_org:
            by_kind.setdefault(org.kind, first_team_of_org[org.code])
    for team in teams:  # teams of the first version, without an organisation
        kind = LEGACY_TEAM_KINDS.get(team.kind)
        if kind is not None:
            by_kind.setdefault(kind.value, team.code)
    held = {agency.value: by_kind[kind.value] for agency, kind in AGENCY_KIND.items() if kind.value in by_kind}
    return Holders(teams=held, names=names)


async def list_organisations(db: Database) -> list[dict[str, Any]]:
    """Every organisation with its teams and how many active staff each has."""
    async with db.session() as session:
        orgs = (await session.exec(select(Organisation).order_by(col(Organisation.region), col(Organisation.code)))).all()
        teams = (await session.exec(select(Team).order_by(col(Team.code)))).all()
        users = (await session.exec(select(User.team_code, User.role).where(User.is_active == True))).all()  # noqa: E712
    staff: dict[str, int] = {}
    for team_code, _ in users:
        if team_code:
            staff[team_code] = staff.get(team_code, 0) + 1
    return [
        {
            **org.model_dump(mode="json", exclude={"created_at"}),
            "kind_zh": ORG_NAMES[OrgKind(org.kind)][0],
            "teams": [
                {"code": t.code, "name_zh": t.name_zh, "staff": staff.get(t.code, 0)} for t in teams if t.organisation_code == org.code
            ],
        }
        for org in orgs
    ]


async def move_open_tasks_to_holders(db: Database) -> int:
    """Data migration for cases that were running before agencies had staff: each open task of a kind
    an agency holds (`domain.organisations.TASK_HOLDERS`) moves to that agency's team in the task's
    region, with the agency's role, and loses its assignee (the agency assigns it). Returns how many moved."""
    from domain.organisations import TASK_HOLDERS

    moved = 0
    async with db.session() as session:
        tasks = (await session.exec(select(Task).where(Task.status == "open", col(Task.kind).in_(list(TASK_HOLDERS))))).all()
        regions_seen = {task.region for task in tasks}
    holders = {region: await holders_for(db, region) for region in regions_seen}
    async with db.write_session() as session:
        for task in tasks:
            agency, role = TASK_HOLDERS[task.kind]
            team = holders[task.region].teams.get(agency.value)
            if team is None or (task.team_code == team and task.role == role.value):
                continue
            row = await session.get(Task, task.task_id)
            if row is None:
                continue
            row.team_code, row.role, row.assignee = team, role.value, None
            session.add(row)
            moved += 1
        await session.commit()
    return moved


def agency_of(kind: OrgKind) -> list[Agency]:
    """The agencies an organisation of `kind` serves (a court holds litigation and enforcement...)."""
    return [agency for agency, held_by in AGENCY_KIND.items() if held_by is kind]
