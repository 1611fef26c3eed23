"""The agencies as an administrator keeps them: organisations (kind, region, supervisor), their teams
and staff, with bad input refused clearly; and, for each new case, which team of its region holds
each agency's work (LDMAL Art. 21: the commission where the contract is performed, given as the
case's region; the court by territorial jurisdiction, likewise)."""

from __future__ import annotations

import asyncio
import functools
import re
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import Field
from sqlalchemy import Connection, bindparam
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.organisations import AGENCY_KIND, ORG_NAMES, Agency, OrgKind, role_fits
from domain.regions import regions
from domain.roles import Role
from infrastructure import audit
from infrastructure.db import Database
from infrastructure.tables import Organisation, Task, Team, User
from services.errors import NotFound, Refused
from services.read_models import ReadModel

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
# Organisation and team codes: they appear in URLs, task rows and document number series, so plain
# ASCII; the API's models use the same pattern.
CODE_PATTERN = r"^[a-z0-9][a-z0-9-]{1,63}$"
NAME_MAX = 200
_CODE = re.compile(CODE_PATTERN)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# How many candidates a refusal names (a city's court may have hundreds of staff).
_NAMED = 12


class OrganisationRefused(Refused):
    """An organisation, team or account that cannot be saved as asked; the message says how to fix it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.status = 422


def _shown(value: str) -> str:
    """A bad value as echoed in a message: shortened, so a pasted paragraph does not flood it."""
    return value if len(value) <= 64 else value[:64] + "…"


def _listed(values: list[str]) -> tuple[str, str]:
    """Names for a message, at most `_NAMED` of them."""
    if not values:
        return "无", "none"
    more = len(values) - _NAMED
    names = ", ".join(values[:_NAMED])
    return (f"{names} 等{len(values)}个", f"{names} and {more} more") if more > 0 else (names, names)


def check_code(code: str, what: str = "organisation") -> None:
    """An organisation or team code: 2-64 lowercase letters, digits and '-', starting with a letter or digit."""
    if not _CODE.fullmatch(code):
        zh = "机构代码" if what == "organisation" else "团队代码"
        raise OrganisationRefused(
            f"{zh}格式不对：'{_shown(code)}'；应为2至64个字符，只用小写字母、数字和“-”，以字母或数字开头，例如 arb-pd-2"
            f" / the {what} code '{_shown(code)}' is not valid: use 2 to 64 characters, lowercase letters, digits and '-',"
            " starting with a letter or digit (e.g. arb-pd-2)"
        )


def _check_name(value: str, zh: str, en: str) -> None:
    if not value.strip() or len(value) > NAME_MAX or _CONTROL.search(value):
        raise OrganisationRefused(
            f"{zh}须为1至{NAME_MAX}个字符，不能为空或含控制字符 / the {en} must be 1 to {NAME_MAX} characters,"
            " not blank, without control characters"
        )


def _check_names(name_zh: str | None, name_en: str | None) -> None:
    if name_zh is not None:
        _check_name(name_zh, "中文名称", "Chinese name")
    if name_en is not None:
        _check_name(name_en, "英文名称", "English name")


def _check_region(region: str) -> None:
    if region not in regions():
        raise OrganisationRefused(
            f"未知地区 '{_shown(region)}'；可选：{', '.join(sorted(regions()))}"
            f" / unknown region '{_shown(region)}'; valid: {', '.join(sorted(regions()))}"
        )


def _kind_names(kind: OrgKind) -> tuple[str, str]:
    return ORG_NAMES[kind][0], kind.value


async def _organisation(session: AsyncSession, code: str) -> Organisation:
    row = await session.get(Organisation, code)
    if row is None:
        raise NotFound(f"没有此机构 '{_shown(code)}' / no organisation '{_shown(code)}'")
    return row


async def _staff_of(session: AsyncSession, org_code: str, *, active_only: bool = True) -> list[User]:
    """The accounts whose team belongs to the organisation, by username."""
    query = select(User).join(Team, col(User.team_code) == col(Team.code)).where(Team.organisation_code == org_code)
    if active_only:
        query = query.where(User.is_active == True)  # noqa: E712
    return list((await session.exec(query.order_by(col(User.username)))).all())


async def _team_codes(session: AsyncSession, org_code: str) -> list[str]:
    return list((await session.exec(select(Team.code).where(Team.organisation_code == org_code).order_by(col(Team.code)))).all())


async def _check_supervisor(session: AsyncSession, org_code: str, username: str) -> None:
    """The head who receives escalations must be an active account of the organisation, or an administrator."""
    staff = [u.username for u in await _staff_of(session, org_code)]
    if staff:
        names_zh, names_en = _listed(staff)
        choose_zh, choose_en = f"可选本机构人员：{names_zh}", f"choose one of its staff: {names_en}"
    else:
        choose_zh = "本机构尚无在岗人员：先建团队、添加账户，再设主管"
        choose_en = "it has no active staff yet: add a team and accounts first, then set the supervisor"
    user = (await session.exec(select(User).where(User.username == username))).first()
    if user is None:
        raise OrganisationRefused(
            f"没有账户 '{_shown(username)}'，不能任机构 '{org_code}' 的主管；{choose_zh}"
            f" / there is no account '{_shown(username)}' to supervise organisation '{org_code}'; {choose_en}"
        )
    if not user.is_active:
        raise OrganisationRefused(
            f"账户 '{username}' 已停用，不能任主管；请先启用该账户，或另选。{choose_zh}"
            f" / the account '{username}' is deactivated and cannot supervise; reactivate it first, or {choose_en}"
        )
    if Role(user.role) is Role.admin:
        return
    team = await session.get(Team, user.team_code) if user.team_code else None
    if team is None or team.organisation_code != org_code:
        teams_zh, teams_en = _listed(await _team_codes(session, org_code))
        raise OrganisationRefused(
            f"账户 '{username}' 不是机构 '{org_code}' 的人员（所在团队：{user.team_code or '无'}）；主管须为本机构在岗人员或系统管理员。"
            f"请先把该账户调入本机构的团队（{teams_zh}），或另选。{choose_zh}"
            f" / '{username}' is not staff of organisation '{org_code}' (their team: {user.team_code or 'none'}); a supervisor must be"
            f" an active account of the organisation or an administrator: move them into one of its teams ({teams_en}) first,"
            f" or {choose_en}"
        )


def _public(org: Organisation) -> dict[str, Any]:
    return org.model_dump(mode="json", exclude={"created_at"})


async def create_organisation(
    db: Database,
    *,
    code: str,
    kind: OrgKind,
    name_zh: str,
    name_en: str,
    region: str,
    supervisor: str | None = None,
    by: str = "system",
) -> Organisation:
    """A new organisation; refuses a bad or taken code, blank names, an unknown region, or a supervisor
    who is not an administrator (a new organisation has no staff yet)."""
    check_code(code)
    _check_names(name_zh, name_en)
    _check_region(region)
    async with db.write_session() as session:
        if await session.get(Organisation, code) is not None:
            raise OrganisationRefused(f"机构代码 '{code}' 已被使用，请另选 / the organisation code '{code}' is taken; choose another")
        if supervisor:
            await _check_supervisor(session, code, supervisor)
        row = Organisation(code=code, kind=kind.value, name_zh=name_zh, name_en=name_en, region=region, supervisor=supervisor or None)
        session.add(row)
        await session.commit()
        await session.refresh(row)
    await audit.record(db, actor=by, action="organisation.create", object_type="organisation", object_id=code, after=_public(row))
    return row


async def update_organisation(
    db: Database,
    code: str,
    *,
    by: str = "system",
    name_zh: str | None = None,
    name_en: str | None = None,
    region: str | None = None,
    supervisor: str | None = None,
    is_active: bool | None = None,
) -> Organisation:
    """Rename, move to another region (its teams and staff with it), change the supervisor ("": none),
    deactivate or reactivate an organisation; None leaves a field as it is. The kind is fixed."""
    _check_names(name_zh, name_en)
    if region is not None:
        _check_region(region)
    async with db.write_session() as session:
        row = await _organisation(session, code)
        before = _public(row)
        # Only a new supervisor is checked: one who has since gone is shown on the page, and must not
        # block other edits (deactivating the organisation, say) until someone is chosen.
        if supervisor and supervisor != row.supervisor:
            await _check_supervisor(session, code, supervisor)
        changes = {"name_zh": name_zh, "name_en": name_en, "region": region, "is_active": is_active}
        changes = {name: value for name, value in changes.items() if value is not None}
        if supervisor is not None:
            changes["supervisor"] = supervisor or None
        for name, value in changes.items():
            setattr(row, name, value)
        session.add(row)
        if region is not None and region != before["region"]:
            await _move_region(session, code, region)
        await session.commit()
        await session.refresh(row)
    after = _public(row)
    changed = {name for name in after if after[name] != before[name]}
    if changed:
        await audit.record(db, actor=by, action="organisation.update", object_type="organisation", object_id=code,
                           before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
    return row


async def _move_region(session: AsyncSession, org_code: str, region: str) -> None:
    """An organisation's teams and staff work where it does (the region picks who holds a new case's work)."""
    teams = (await session.exec(select(Team).where(Team.organisation_code == org_code))).all()
    for team in teams:
        team.region = region
        session.add(team)
    for user in await _staff_of(session, org_code, active_only=False):
        user.region = region
        session.add(user)


def _team_public(team: Team) -> dict[str, Any]:
    return team.model_dump(mode="json")


async def create_team(
    db: Database, *, organisation_code: str, code: str, name_zh: str, name_en: str, by: str = "system"
) -> Team:
    """A team of an organisation (its region and kind are the organisation's); refuses a bad or taken
    code, blank names, or an organisation that is deactivated."""
    check_code(code, "team")
    _check_names(name_zh, name_en)
    async with db.write_session() as session:
        org = await _organisation(session, organisation_code)
        if not org.is_active:
            raise OrganisationRefused(
                f"机构 '{org.code}' 已停用，不能新建团队；请先启用"
                f" / organisation '{org.code}' is deactivated; reactivate it before adding teams"
            )
        if await session.get(Team, code) is not None:
            raise OrganisationRefused(f"团队代码 '{code}' 已被使用，请另选 / the team code '{code}' is taken; choose another")
        team = Team(code=code, name_zh=name_zh, name_en=name_en, kind=org.kind, region=org.region, organisation_code=org.code)
        session.add(team)
        await session.commit()
        await session.refresh(team)
    await audit.record(db, actor=by, action="team.create", object_type="team", object_id=code, after=_team_public(team))
    return team


def _team_kind(team: Team, org: Organisation | None) -> OrgKind | None:
    return OrgKind(org.kind) if org is not None else LEGACY_TEAM_KINDS.get(team.kind)


async def update_team(
    db: Database,
    code: str,
    *,
    by: str = "system",
    name_zh: str | None = None,
    name_en: str | None = None,
    organisation_code: str | None = None,
) -> Team:
    """Rename a team, or move it (with its staff) to another organisation of the same kind; None leaves
    a field as it is."""
    _check_names(name_zh, name_en)
    async with db.write_session() as session:
        team = await session.get(Team, code)
        if team is None:
            raise NotFound(f"没有此团队 '{_shown(code)}' / no team '{_shown(code)}'")
        before = _team_public(team)
        if organisation_code is not None and organisation_code != team.organisation_code:
            await _move_team(session, team, organisation_code)
        if name_zh is not None:
            team.name_zh = name_zh
        if name_en is not None:
            team.name_en = name_en
        session.add(team)
        await session.commit()
        await session.refresh(team)
    after = _team_public(team)
    changed = {name for name in after if after[name] != before[name]}
    if changed:
        await audit.record(db, actor=by, action="team.update", object_type="team", object_id=code,
                           before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
    return team


async def _move_team(session: AsyncSession, team: Team, organisation_code: str) -> None:
    """Staff keep their roles, so only an organisation of the same kind may take the team; and the old
    organisation must not lose its supervisor with it."""
    old = await session.get(Organisation, team.organisation_code) if team.organisation_code else None
    kind = _team_kind(team, old)
    target = await session.get(Organisation, organisation_code)
    same_kind = sorted(
        (await session.exec(select(Organisation.code).where(Organisation.kind == (kind.value if kind else ""),
                                                              Organisation.is_active == True))).all()  # noqa: E712
    )
    fits_zh, fits_en = _listed([c for c in same_kind if c != team.organisation_code])
    if target is None:
        problem_zh, problem_en = "没有此机构", "there is no such organisation"
    elif kind is not None and target.kind != kind.value:
        problem_zh, problem_en = f"该机构是{ORG_NAMES[OrgKind(target.kind)][0]}", f"it is a {target.kind}"
    elif not target.is_active:
        problem_zh, problem_en = "该机构已停用", "it is deactivated"
    elif kind is None and (misfits := await _misfits(session, team.code, OrgKind(target.kind))):
        problem_zh, problem_en = f"成员 {', '.join(misfits)} 的角色不适合该机构", f"the roles of {', '.join(misfits)} do not fit it"
    else:
        problem_zh = problem_en = ""
    if problem_zh:
        kind_zh, kind_en = _kind_names(kind) if kind else ("原类型", "its kind")
        raise OrganisationRefused(
            f"团队 '{team.code}' 不能调入机构 '{_shown(organisation_code)}'：{problem_zh}；团队成员的角色适合{kind_zh}，可调入：{fits_zh}"
            f" / team '{team.code}' cannot move to organisation '{_shown(organisation_code)}': {problem_en}; its staff's roles fit"
            f" a {kind_en}, so move it to one of: {fits_en}"
        )
    assert target is not None
    if old is not None and old.supervisor:
        head = (await session.exec(select(User).where(User.username == old.supervisor))).first()
        if head is not None and head.team_code == team.code:
            raise OrganisationRefused(
                f"团队 '{team.code}' 有机构 '{old.code}' 的主管 {head.username}；请先为 '{old.code}' 另设主管再调动"
                f" / team '{team.code}' holds {head.username}, the supervisor of '{old.code}'; set another supervisor for"
                f" '{old.code}' before moving the team"
            )
    team.organisation_code, team.region, team.kind = target.code, target.region, target.kind
    for user in (await session.exec(select(User).where(User.team_code == team.code))).all():
        user.region = target.region
        session.add(user)


async def _misfits(session: AsyncSession, team_code: str, kind: OrgKind) -> list[str]:
    """Members of the team whose role does not fit an organisation of `kind`."""
    members = (await session.exec(select(User).where(User.team_code == team_code))).all()
    return [u.username for u in members if not role_fits(Role(u.role), kind)]


async def check_membership(db: Database, role: Role, team_code: str | None) -> None:
    """A staff member's role must fit the organisation of their team (an arbitrator in a commission, a
    judge in a court...), so no account works in two organisations of different kinds: refused with
    what would fit. Without a team only the administrator's role needs none; others then see no team's work."""
    if not team_code:
        return
    async with db.session() as session:
        team = await session.get(Team, team_code)
        if team is None:
            raise OrganisationRefused(
                f"未知团队 '{_shown(team_code)}'；请先在机构下建团队（/admin/organisations 或 labourflow organisations add-team）"
                f" / unknown team '{_shown(team_code)}'; create it in its organisation first (/admin/organisations or"
                " labourflow organisations add-team)"
            )
        org = await session.get(Organisation, team.organisation_code) if team.organisation_code else None
    if org is not None and not org.is_active:
        raise OrganisationRefused(
            f"团队 '{team_code}' 所属机构 '{org.code}' 已停用；请选其他团队或先启用该机构"
            f" / team '{team_code}' belongs to organisation '{org.code}', which is deactivated; choose another team or reactivate it"
        )
    kind = _team_kind(team, org)
    if kind is not None and not role_fits(role, kind):
        fits = [k for k in OrgKind if role_fits(role, k)]
        raise OrganisationRefused(
            f"角色与所属机构不符：{role.value} 不能在{ORG_NAMES[kind][0]}工作（团队 '{team_code}'）；{role.value} 可在："
            f"{'、'.join(ORG_NAMES[k][0] for k in fits)}"
            f" / the role {role.value} does not fit team '{team_code}' (organisation kind: {kind.value}); {role.value} fits: "
            f"{', '.join(sorted(k.value for k in fits))}"
        )


async def check_assigned_lawyer(db: Database, username: str, centre_team: str | None) -> None:
    """The lawyer a legal-aid centre assigns (D57) must be an active legal-aid lawyer account of that
    centre: the assignment lets that account read the case, so a mistyped name must not open it to
    someone else. Refused with the centre's lawyers named."""
    async with db.session() as session:
        user = (await session.exec(select(User).where(User.username == username))).first()
        team = await session.get(Team, centre_team) if centre_team else None
        centre = team.organisation_code if team is not None else None
        lawyers = (
            await session.exec(
                select(User.username)
                .join(Team, col(Team.code) == col(User.team_code))
                .where(Team.organisation_code == centre, User.role == Role.legal_aid_lawyer.value, col(User.is_active))
                .order_by(col(User.username))
            )
        ).all() if centre else []
        lawyer_team = await session.get(Team, user.team_code) if user is not None and user.team_code else None
    listed = "、".join(lawyers) or "（无）"
    hint_en = ", ".join(lawyers) or "none yet: create one (labourflow users create, role legal_aid_lawyer)"
    if user is None or not user.is_active or user.role != Role.legal_aid_lawyer.value:
        raise OrganisationRefused(
            f"'{_shown(username)}' 不是在用的法律援助律师账户；本中心的律师账户：{listed}"
            f" / '{_shown(username)}' is not an active legal-aid lawyer account; this centre's lawyers: {hint_en}"
        )
    if centre is not None and (lawyer_team is None or lawyer_team.organisation_code != centre):
        raise OrganisationRefused(
            f"律师账户 '{_shown(username)}' 不属于本法律援助中心；本中心的律师账户：{listed}"
            f" / the lawyer account '{_shown(username)}' belongs to another organisation; this centre's lawyers: {hint_en}"
        )


async def check_not_supervising_elsewhere(db: Database, username: str, role: Role, team_code: str | None) -> None:
    """Before a staff member takes `role` in `team_code`: an organisation they supervise must not lose its
    head to another organisation (administrators may head any)."""
    if role is Role.admin:
        return
    async with db.session() as session:
        heads = (await session.exec(select(Organisation.code).where(Organisation.supervisor == username))).all()
        team = await session.get(Team, team_code) if team_code else None
    left = sorted(code for code in heads if team is None or team.organisation_code != code)
    if left:
        raise OrganisationRefused(
            f"{username} 是机构 {', '.join(left)} 的主管，调出前请先为其另设主管"
            f" / {username} supervises {', '.join(left)}; set another supervisor there before moving them out"
        )


@dataclass(frozen=True)
class Holders:
    """For one region: the team holding each agency's work, and the names printed for teams."""

    teams: dict[str, str]
    names: dict[str, str]


# Every intake reads these: only the columns used, as plain rows, with the statements built once.
_ACTIVE_ORGANISATIONS = (
    select(Organisation.code, Organisation.name_zh, Organisation.kind)
    .where(Organisation.region == bindparam("region"), Organisation.is_active == True)  # noqa: E712
    .order_by(col(Organisation.code))
)
_TEAMS = (
    select(Team.code, Team.name_zh, Team.kind, Team.organisation_code)
    .where(Team.region == bindparam("region"))
    .order_by(col(Team.code))
)


# Reads of holders in flight, per database and region (no reference to the database is kept).
_IN_FLIGHT: weakref.WeakKeyDictionary[Database, dict[str, asyncio.Future[Holders]]] = weakref.WeakKeyDictionary()


async def holders_for(db: Database, region: str) -> Holders:
    """Which team of the region holds each agency's work: the first active organisation of the agency's
    kind (by code) and its first team; the case's own union team where no organisation exists yet.

    Callers that ask for the same region while a read of it is in flight share that read: under a
    burst of intake, one query instead of one per request (at 50 at once this read waited 116 ms
    p50, README "Performance"). Nothing is kept once a read has returned, so a change made before a
    caller asks is seen by it, except by one that joins a read started a few milliseconds before."""
    reads = _IN_FLIGHT.setdefault(db, {})
    read = reads.get(region)
    if read is None:
        read = reads[region] = asyncio.ensure_future(_read_holders(db, region))
        read.add_done_callback(functools.partial(_forget, reads, region))
    return await asyncio.shield(read)  # a caller that gives up does not cancel the others' read


def _forget(reads: dict[str, asyncio.Future[Holders]], region: str, read: asyncio.Future[Holders]) -> None:
    if reads.get(region) is read:
        del reads[region]
    if not read.cancelled():
        read.exception()  # retrieved: its callers (if any are left) got it


async def _read_holders(db: Database, region: str) -> Holders:
    async with db.session() as session:
        orgs = (await session.exec(_ACTIVE_ORGANISATIONS, params={"region": region})).all()
        teams = (await session.exec(_TEAMS, params={"region": region})).all()
    return _holders_of(orgs, teams)


def holders_in(conn: Connection, region: str) -> Holders:
    """`holders_for` read inside the caller's transaction (registering a case reads them in its write
    turn, so the team it records and the agencies its workflow starts with come from one snapshot)."""
    orgs = conn.execute(_ACTIVE_ORGANISATIONS, {"region": region}).all()
    teams = conn.execute(_TEAMS, {"region": region}).all()
    return _holders_of(orgs, teams)


def _holders_of(orgs: Sequence[Any], teams: Sequence[Any]) -> Holders:
    org_names = {code: name for code, name, _ in orgs}
    names = {code: org_names.get(org or "", name) for code, name, _, org in teams}
    first_team_of_org: dict[str, str] = {}
    for code, _, _, org in teams:
        if org:
            first_team_of_org.setdefault(org, code)
    by_kind: dict[str, str] = {}
    for code, _, org_kind in orgs:
        if code in first_team_of_org:
            by_kind.setdefault(org_kind, first_team_of_org[code])
    for code, _, team_kind, org in teams:  # teams of the first version, without an organisation (not those of a deactivated one)
        kind = LEGACY_TEAM_KINDS.get(team_kind) if org is None else None
        if kind is not None:
            by_kind.setdefault(kind.value, code)
    held = {agency.value: by_kind[kind.value] for agency, kind in AGENCY_KIND.items() if kind.value in by_kind}
    return Holders(teams=held, names=names)


class TeamSummary(ReadModel):
    code: str
    name_zh: str
    name_en: str
    staff: int = Field(ge=0, description="active accounts in the team")


class OrganisationSummary(ReadModel):
    """An organisation as administrators list it."""

    code: str
    kind: OrgKind
    kind_zh: str
    kind_en: str
    name_zh: str
    name_en: str
    region: str = Field(description="region slug (`GET /api/v1/regions`)")
    supervisor: str | None = Field(description="the username of its head, who receives escalations")
    supervisor_ok: bool = Field(description="false when the supervisor is no longer an active account of it (or an administrator)")
    is_active: bool
    staff: int = Field(ge=0, description="active accounts in its teams")
    teams: list[TeamSummary]


class OrganisationMember(ReadModel):
    username: str
    display_name: str
    role: Role
    team_code: str | None
    is_active: bool


class OrganisationDetail(OrganisationSummary):
    """One organisation with every account of its teams, deactivated ones too."""

    members: list[OrganisationMember]


class TeamPublic(ReadModel):
    """A team: it takes its organisation's kind and region."""

    code: str
    name_zh: str
    name_en: str
    kind: str
    region: str
    organisation_code: str | None


async def list_organisations(db: Database) -> list[dict[str, Any]]:
    """Every organisation (by region, then code) with its kind's names, its teams and how many active
    staff each has, and whether its supervisor is still an active account of it."""
    async with db.session() as session:
        orgs = (await session.exec(select(Organisation).order_by(col(Organisation.region), col(Organisation.code)))).all()
        teams = (await session.exec(select(Team).order_by(col(Team.code)))).all()
        users = (await session.exec(select(User.username, User.role, User.team_code, User.is_active))).all()
    staff: dict[str, int] = {}
    for _, _, team_code, active in users:
        if team_code and active:
            staff[team_code] = staff.get(team_code, 0) + 1
    org_of_team = {t.code: t.organisation_code for t in teams}
    accounts = {name: (Role(role), org_of_team.get(team or ""), active) for name, role, team, active in users}
    listed = []
    for org in orgs:
        own = [t for t in teams if t.organisation_code == org.code]
        listed.append({
            **_public(org),
            "kind_zh": ORG_NAMES[OrgKind(org.kind)][0],
            "kind_en": ORG_NAMES[OrgKind(org.kind)][1],
            "supervisor_ok": _supervisor_ok(org, accounts),
            "staff": sum(staff.get(t.code, 0) for t in own),
            "teams": [
                {"code": t.code, "name_zh": t.name_zh, "name_en": t.name_en, "staff": staff.get(t.code, 0)} for t in own
            ],
        })
    return listed


def _supervisor_ok(org: Organisation, accounts: dict[str, tuple[Role, str | None, bool]]) -> bool:
    """No supervisor, or one who is still an active account of the organisation (or an administrator):
    deactivating an account is never refused, so the page shows a head who has gone."""
    if org.supervisor is None:
        return True
    role, org_code, active = accounts.get(org.supervisor, (Role.admin, None, False))
    return active and (role is Role.admin or org_code == org.code)


async def organisation_detail(db: Database, code: str) -> dict[str, Any]:
    """One organisation with its teams and every account of its teams (active or not)."""
    listed = [org for org in await list_organisations(db) if org["code"] == code]
    if not listed:
        raise NotFound(f"没有此机构 '{_shown(code)}' / no organisation '{_shown(code)}'")
    return {**listed[0], "members": await organisation_staff(db, code)}


async def organisation_staff(db: Database, code: str) -> list[dict[str, Any]]:
    """The accounts of an organisation's teams (deactivated ones too), by username."""
    async with db.session() as session:
        await _organisation(session, code)
        users = await _staff_of(session, code, active_only=False)
    return [
        {"username": u.username, "display_name": u.display_name, "role": u.role, "team_code": u.team_code, "is_active": u.is_active}
        for u in users
    ]


async def team_choices(db: Database) -> list[dict[str, Any]]:
    """Every team with its organisation's names, for the account forms ("organisation — team"); teams
    of deactivated organisations are marked, since new staff are refused there."""
    async with db.session() as session:
        teams = (await session.exec(select(Team).order_by(col(Team.organisation_code), col(Team.code)))).all()
        orgs = {org.code: org for org in (await session.exec(select(Organisation))).all()}
    choices = []
    for team in teams:
        org = orgs.get(team.organisation_code or "")
        # Demo and single-team organisations name their team like themselves: show its code instead.
        part_zh = team.code if org and team.name_zh == org.name_zh else team.name_zh
        part_en = team.code if org and team.name_en == org.name_en else team.name_en
        choices.append({
            "code": team.code,
            "organisation_code": team.organisation_code,
            "active": org is None or org.is_active,
            "label_zh": f"{org.name_zh} — {part_zh}" if org else team.name_zh,
            "label_en": f"{org.name_en} — {part_en}" if org else team.name_en,
        })
    return choices


async def move_open_tasks_to_holders(db: Database, by: str = "system") -> int:
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
    if moved:
        await audit.record(db, actor=by, action="task.move_to_holders", object_type="task", object_id="*", after={"moved": moved})
    return moved


def agency_of(kind: OrgKind) -> list[Agency]:
    """The agencies an organisation of `kind` serves (a court holds litigation and enforcement...)."""
    return [agency for agency, held_by in AGENCY_KIND.items() if held_by is kind]
