"""Staff accounts: hashed passwords (Argon2), lockout after repeated failures, demo seeding."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pwdlib import PasswordHash
from pydantic import Field
from sqlmodel import col, select

from domain.roles import Role
from infrastructure import audit
from infrastructure.db import Database
from infrastructure.tables.users import Team, TeamKind, User
from services.errors import NotFound, Refused
from services.organisations import check_membership, check_not_supervising_elsewhere
from services.read_models import Page, PageRequest, ReadModel, page_fields, paged_rows

PASSWORDS = PasswordHash.recommended()
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 10
# Verifying against a dummy hash when the user is unknown keeps timing the same for both cases.
_DUMMY_HASH = PASSWORDS.hash("dummy-password-for-timing")


class AccountError(Refused):
    """An account operation was refused; the message says why."""


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"password too short: use at least {MIN_PASSWORD_LENGTH} characters")


async def create_user(
    db: Database,
    *,
    username: str,
    role: Role,
    password: str,
    display_name: str,
    team_code: str | None = None,
    region: str = "default",
    created_by: str = "system",
    password_hash: str | None = None,
) -> User:
    """Create a staff account; refuses a duplicate username, an unknown team, or a role that does not
    fit the team's organisation. Without a region given, the account works where its team does.
    `password_hash`: `password`'s hash when the caller has made it already (the demo accounts share
    one: a hash costs about 0.2 s of CPU)."""
    _check_password(password)
    await check_membership(db, role, team_code)
    async with db.session() as session:
        if (await session.exec(select(User).where(User.username == username))).first():
            raise AccountError(f"username '{username}' is taken")
        team = await session.get(Team, team_code) if team_code is not None else None
        if team_code is not None and team is None:  # "" too
            raise AccountError(f"unknown team '{team_code}'")
        if team is not None and region == "default":
            region = team.region
        user = User(
            username=username,
            display_name=display_name,
            role=role.value,
            team_code=team_code,
            region=region,
            password_hash=password_hash or PASSWORDS.hash(password),
        )
        session.add(user)
        await session.commit()
        await session.refresh(user)
    await audit.record(db, actor=created_by, action="user.create", object_type="user", object_id=username,
                       after={"role": role.value, "team_code": team_code, "region": region})
    return user


async def set_user_password(db: Database, username: str, password: str, changed_by: str = "system") -> None:
    _check_password(password)
    async with db.session() as session:
        user = (await session.exec(select(User).where(User.username == username))).first()
        if user is None:
            raise AccountError(f"no account '{username}'")
        user.password_hash = PASSWORDS.hash(password)
        user.failed_logins = 0
        user.locked_until = None
        session.add(user)
        await session.commit()
    await audit.record(db, actor=changed_by, action="user.set_password", object_type="user", object_id=username)


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    locked: bool = False


async def authenticate(db: Database, username: str, password: str) -> LoginResult:
    """Check a password; 5 failures lock the account for 15 minutes."""
    now = datetime.now(UTC)
    async with db.session() as session:
        user = (await session.exec(select(User).where(User.username == username))).first()
        if user is None or not user.is_active:
            PASSWORDS.verify(password, _DUMMY_HASH)
            return LoginResult(None)
        locked_until = user.locked_until
        if locked_until is not None and locked_until.tzinfo is None:
            locked_until = locked_until.replace(tzinfo=UTC)
        if locked_until is not None and locked_until > now:
            return LoginResult(None, locked=True)
        if PASSWORDS.verify(password, user.password_hash):
            user.failed_logins = 0
            user.locked_until = None
            session.add(user)
            await session.commit()
            await session.refresh(user)
            return LoginResult(user)
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + LOCKOUT
            user.failed_logins = 0
        session.add(user)
        await session.commit()
        return LoginResult(None, locked=user.locked_until is not None and user.locked_until > now)


DEMO_TEAMS = (
    Team(code="union-med-1", name_zh="浦东新区总工会劳动争议调解中心", name_en="Pudong union labour dispute mediation centre",
         kind=TeamKind.union_mediation.value, region="shanghai-pudong"),
    Team(code="peoples-med-1", name_zh="浦东新区花木街道人民调解委员会", name_en="Huamu sub-district people's mediation committee",
         kind=TeamKind.peoples_mediation.value, region="shanghai-pudong"),
    Team(code="union-fed-1", name_zh="浦东新区总工会", name_en="Pudong federation of trade unions",
         kind=TeamKind.union_federation.value, region="shanghai-pudong"),
    Team(code="union-med-hz", name_zh="西湖区总工会劳动争议调解中心", name_en="Xihu union labour dispute mediation centre",
         kind=TeamKind.union_mediation.value, region="hangzhou-xihu"),
)

DEMO_USERS = (
    ("admin", Role.admin, "系统管理员", None, "shanghai-pudong"),
    ("mediator", Role.mediator, "调解员 张敏", "union-med-1", "shanghai-pudong"),
    ("mediator2", Role.mediator, "调解员 刘洋", "union-med-1", "shanghai-pudong"),
    ("supervisor", Role.supervisor, "调解中心主任 陈静", "union-med-1", "shanghai-pudong"),
    ("union", Role.union_legal, "工会法律工作者 王磊", "union-fed-1", "shanghai-pudong"),
    ("union2", Role.union_legal, "工会法律工作者 孙丽", "union-fed-1", "shanghai-pudong"),
    ("mediator-hz", Role.mediator, "调解员 周婷", "union-med-hz", "hangzhou-xihu"),
)


async def seed_demo(db: Database, password: str | None) -> str | None:
    """Create demo teams and accounts (development only): the union's first-version accounts, and an
    organisation of every kind with its staff in each shipped region (services.demo_agencies).

    Returns the password when accounts were created now (to print once), else None.
    """
    from services.demo_agencies import seed_demo_agencies

    async with db.session() as session:
        for team in DEMO_TEAMS:
            if await session.get(Team, team.code) is None:
                session.add(Team.model_validate(team.model_dump()))
        await session.commit()
        existing = set((await session.exec(select(User.username))).all())
    missing = [spec for spec in DEMO_USERS if spec[0] not in existing]
    secret = password or secrets.token_urlsafe(12)
    # The demo accounts share the demo password: the one just set, else that of the existing demo accounts.
    async with db.session() as session:
        known = (await session.exec(select(User.password_hash).where(User.username == "mediator"))).first()
    hashed = PASSWORDS.hash(secret) if missing or not known else known
    for username, role, name, team, region in missing:
        await create_user(db, username=username, role=role, password=secret, display_name=name, team_code=team,
                          region=region, password_hash=hashed)
    await seed_demo_agencies(db, known or hashed)
    return secret if missing else None


async def _change_user(db: Database, username: str, **values: object) -> None:
    async with db.session() as session:
        user = (await session.exec(select(User).where(User.username == username))).first()
        if user is None:
            raise AccountError(f"no account '{username}'")
        for name, value in values.items():
            setattr(user, name, value)
        session.add(user)
        await session.commit()


async def set_user_active(db: Database, username: str, active: bool) -> None:
    """Deactivate (sign-in refused, tokens stop working) or reactivate an account."""
    await _change_user(db, username, is_active=active)


async def unlock_user(db: Database, username: str) -> None:
    """Lift a lockout after repeated wrong passwords."""
    await _change_user(db, username, failed_logins=0, locked_until=None)


class UserPublic(ReadModel):
    """A staff account as administrators see it (never its password hash)."""

    username: str
    display_name: str
    role: Role
    team_code: str | None
    organisation_code: str | None = Field(description="the organisation of its team (`GET /api/v1/organisations`)")
    region: str
    is_active: bool
    failed_logins: int
    locked: bool = Field(description="signing in is refused for now after repeated wrong passwords")


class UserPage(Page[UserPublic]):
    """One page of staff accounts, by username."""


def user_public(user: User, organisation_code: str | None = None, now: datetime | None = None) -> UserPublic:
    """The account as listed: role, team and its organisation, state and lockout."""
    now = now or datetime.now(UTC)
    locked_until = user.locked_until
    return UserPublic(
        username=user.username, display_name=user.display_name, role=Role(user.role), team_code=user.team_code,
        organisation_code=organisation_code, region=user.region, is_active=user.is_active, failed_logins=user.failed_logins,
        locked=bool(locked_until and locked_until.replace(tzinfo=locked_until.tzinfo or UTC) > now),
    )


def _with_organisation(organisation_code: str | None = None) -> Any:  # a SQLModel select of two columns
    """Accounts by username with their team's organisation (optionally: of one organisation only)."""
    query = select(User, Team.organisation_code).join(Team, col(User.team_code) == col(Team.code), isouter=True)
    if organisation_code is not None:
        query = query.where(Team.organisation_code == organisation_code)
    return query.order_by(col(User.username))


async def list_users(db: Database, paging: PageRequest | None = None, organisation_code: str | None = None) -> UserPage:
    """Staff accounts (or one organisation's) by username with their role, team, organisation, state and
    lockout (one page; the first 50 unless asked)."""
    paging = paging or PageRequest()
    async with db.session() as session:
        rows, total = await paged_rows(session, _with_organisation(organisation_code), paging)
    now = datetime.now(UTC)
    return UserPage(items=[user_public(u, org, now) for u, org in rows], **page_fields(total, paging))


async def all_users(db: Database, organisation_code: str | None = None) -> list[UserPublic]:
    """Every staff account (or one organisation's) by username (the users page shows them all)."""
    async with db.session() as session:
        rows = (await session.exec(_with_organisation(organisation_code))).all()
    now = datetime.now(UTC)
    return [user_public(u, org, now) for u, org in rows]


async def get_user(db: Database, username: str) -> UserPublic:
    """One account as listed; `NotFound` for a missing one."""
    async with db.session() as session:
        row = (await session.exec(_with_organisation().where(User.username == username))).first()
    if row is None:
        raise NotFound(f"没有此账户 / no account '{username}'")
    return user_public(row[0], row[1])


async def update_user(
    db: Database,
    username: str,
    *,
    by: str,
    is_active: bool | None = None,
    unlock: bool = False,
    password: str | None = None,
    role: Role | None = None,
    team_code: str | None = None,
) -> None:
    """Deactivate or reactivate, unlock, set a new password, change the role or the team ("": no team);
    `NotFound` for a missing account (also when nothing is asked), `Refused` for deactivating oneself
    or taking away one's own administrator role, `OrganisationRefused` for a role that does not fit
    the team's organisation or a supervisor leaving the organisation they head."""
    async with db.session() as session:
        if (await session.exec(select(User.id).where(User.username == username))).first() is None:
            raise NotFound(f"没有此账户 / no account '{username}'")
    if role is not None or team_code is not None:
        await _reassign(db, username, by=by, role=role, team_code=team_code)
    if is_active is not None:
        if username == by and not is_active:
            raise Refused("不能停用自己的账户 / you cannot deactivate your own account")
        await set_user_active(db, username, is_active)
        await audit.record(db, actor=by, action="user.activate" if is_active else "user.deactivate", object_type="user",
                           object_id=username, after={"is_active": is_active})
    if unlock:
        await unlock_user(db, username)
        await audit.record(db, actor=by, action="user.unlock", object_type="user", object_id=username)
    if password is not None:
        await set_user_password(db, username, password, changed_by=by)


async def _reassign(db: Database, username: str, *, by: str, role: Role | None, team_code: str | None) -> None:
    """A new role or team, checked like a new account's (the role must fit the team's organisation);
    the account then works in its new team's region."""
    async with db.session() as session:
        user = (await session.exec(select(User).where(User.username == username))).one()
        before = {"role": user.role, "team_code": user.team_code, "region": user.region}
    new_role = role or Role(user.role)
    new_team = user.team_code if team_code is None else (team_code or None)
    if username == by and Role(user.role) is Role.admin and new_role is not Role.admin:
        raise Refused("不能取消自己的管理员角色 / you cannot take away your own administrator role")
    await check_membership(db, new_role, new_team)
    await check_not_supervising_elsewhere(db, username, new_role, new_team)
    async with db.write_session() as session:
        user = (await session.exec(select(User).where(User.username == username))).one()
        team = await session.get(Team, new_team) if new_team else None
        user.role, user.team_code = new_role.value, new_team
        if team is not None:
            user.region = team.region
        session.add(user)
        await session.commit()
        after = {"role": user.role, "team_code": user.team_code, "region": user.region}
    changed = {key for key in after if after[key] != before[key]}
    if changed:
        await audit.record(db, actor=by, action="user.update", object_type="user", object_id=username,
                           before={k: before[k] for k in changed}, after={k: after[k] for k in changed})


async def list_teams(db: Database) -> list[Team]:
    """Every team, by code (for the account form)."""
    async with db.session() as session:
        return list((await session.exec(select(Team).order_by(Team.code))).all())
