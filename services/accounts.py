"""Staff accounts: hashed passwords (Argon2), lockout after repeated failures, demo seeding."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pwdlib import PasswordHash
from pydantic import Field
from sqlmodel import col, select

from domain.roles import Role
from infrastructure.db import Database
from infrastructure.tables.users import Team, TeamKind, User
from services.errors import NotFound, Refused
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
) -> User:
    """Create a staff account; refuses a duplicate username or an unknown team."""
    _check_password(password)
    async with db.session() as session:
        if (await session.exec(select(User).where(User.username == username))).first():
            raise AccountError(f"username '{username}' is taken")
        if team_code is not None and await session.get(Team, team_code) is None:  # "" too
            raise AccountError(f"unknown team '{team_code}'")
        user = User(
            username=username,
            display_name=display_name,
            role=role.value,
            team_code=team_code,
            region=region,
            password_hash=PASSWORDS.hash(password),
        )
        session.add(user)
        await session.commit()
        await session.refresh(user)
    from infrastructure import audit

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
    from infrastructure import audit

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
    """Create demo teams and one account per role (development only).

    Returns the password when accounts were created now (to print once), else None.
    """
    async with db.session() as session:
        for team in DEMO_TEAMS:
            if await session.get(Team, team.code) is None:
                session.add(Team.model_validate(team.model_dump()))
        await session.commit()
        existing = set((await session.exec(select(User.username))).all())
    missing = [spec for spec in DEMO_USERS if spec[0] not in existing]
    if not missing:
        return None
    secret = password or secrets.token_urlsafe(12)
    for username, role, name, team, region in missing:
        await create_user(db, username=username, role=role, password=secret, display_name=name, team_code=team, region=region)
    return secret


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
    region: str
    is_active: bool
    failed_logins: int
    locked: bool = Field(description="signing in is refused for now after repeated wrong passwords")


class UserPage(Page[UserPublic]):
    """One page of staff accounts, by username."""


def user_public(user: User, now: datetime | None = None) -> UserPublic:
    """The account as listed: role, team, state and lockout."""
    now = now or datetime.now(UTC)
    locked_until = user.locked_until
    return UserPublic(
        username=user.username, display_name=user.display_name, role=Role(user.role), team_code=user.team_code, region=user.region,
        is_active=user.is_active, failed_logins=user.failed_logins,
        locked=bool(locked_until and locked_until.replace(tzinfo=locked_until.tzinfo or UTC) > now),
    )


async def list_users(db: Database, paging: PageRequest | None = None) -> UserPage:
    """Staff accounts by username with their role, team, state and lockout (one page; the first 50 unless asked)."""
    paging = paging or PageRequest()
    async with db.session() as session:
        users, total = await paged_rows(session, select(User).order_by(col(User.username)), paging)
    now = datetime.now(UTC)
    return UserPage(items=[user_public(u, now) for u in users], **page_fields(total, paging))


async def all_users(db: Database) -> list[UserPublic]:
    """Every staff account by username (the users page shows them all)."""
    async with db.session() as session:
        users = (await session.exec(select(User).order_by(col(User.username)))).all()
    now = datetime.now(UTC)
    return [user_public(u, now) for u in users]


async def get_user(db: Database, username: str) -> UserPublic:
    """One account as listed; `NotFound` for a missing one."""
    async with db.session() as session:
        user = (await session.exec(select(User).where(User.username == username))).first()
    if user is None:
        raise NotFound(f"没有此账户 / no account '{username}'")
    return user_public(user)


async def update_user(
    db: Database, username: str, *, by: str, is_active: bool | None = None, unlock: bool = False, password: str | None = None
) -> None:
    """Deactivate or reactivate, unlock, or set a new password; `NotFound` for a missing account
    (also when nothing is asked), `Refused` for deactivating oneself."""
    async with db.session() as session:
        if (await session.exec(select(User.id).where(User.username == username))).first() is None:
            raise NotFound(f"没有此账户 / no account '{username}'")
    if is_active is not None:
        if username == by and not is_active:
            raise Refused("不能停用自己的账户 / you cannot deactivate your own account")
        await set_user_active(db, username, is_active)
    if unlock:
        await unlock_user(db, username)
    if password is not None:
        await set_user_password(db, username, password, changed_by=by)


async def list_teams(db: Database) -> list[Team]:
    """Every team, by code (for the account form)."""
    async with db.session() as session:
        return list((await session.exec(select(Team).order_by(Team.code))).all())
