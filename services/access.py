"""Who may reach what: the worker's access code (hashed, bound to its case, locked after repeated
failures), the staff member behind a signed token, and which cases a staff member may see.

Authorisation is per object: another's object and a missing one are refused alike, so a caller
cannot tell them apart (the API answers 404 for both)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from domain.roles import Role, StaffPrincipal
from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.tables import Case, CaseAccess, Task, User
from services.errors import ServiceError

ACCESS_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed safely
MAX_ACCESS_FAILURES = 5
ACCESS_LOCKOUT = timedelta(minutes=15)
TOKEN_FRAGMENT = 12  # characters of the password hash a staff token carries: a password change ends old tokens


class AccessLocked(ServiceError):
    """Too many wrong access codes for this case: it answers nothing for a while."""

    status = 429

    def __init__(self) -> None:
        super().__init__("查询码错误次数过多，请15分钟后再试 / too many wrong access codes; try again in 15 minutes")


def new_access_code() -> str:
    """12 random characters (about 58 bits) shown as XXXX-XXXX-XXXX."""
    raw = "".join(secrets.choice(ACCESS_CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_access_code(code: str) -> str:
    """The code as typed, without case, dashes or spaces."""
    return code.strip().upper().replace("-", "").replace(" ", "")


def hash_access_code(keyring: Keyring, case_no: str, code: str) -> str:
    """Keyed hash bound to the case number (a code cannot be replayed against another case)."""
    return keyring.lookup_hash(f"access:{case_no}:{normalise_access_code(code)}")


async def verify_access_code(db: Database, keyring: Keyring, case_no: str, code: str) -> bool:
    """Check a worker's access code; 5 failures lock that case for 15 minutes (`AccessLocked`).

    False both for a wrong code and for an unknown case (callers answer 404 either way)."""
    now = datetime.now(UTC)
    async with db.session() as session:
        case = (await session.exec(select(Case).where(Case.case_no == case_no))).first()
        if case is None:
            hash_access_code(keyring, case_no, code)  # same work either way
            return False
        locked_until = case.access_locked_until
        if locked_until is not None and locked_until.replace(tzinfo=locked_until.tzinfo or UTC) > now:
            raise AccessLocked()
        if secrets.compare_digest(case.access_code_hash, hash_access_code(keyring, case_no, code)):
            if case.access_failures:
                case.access_failures = 0
                session.add(case)
                await session.commit()
            return True
        case.access_failures += 1
        if case.access_failures >= MAX_ACCESS_FAILURES:
            case.access_locked_until = now + ACCESS_LOCKOUT
            case.access_failures = 0
        session.add(case)
        await session.commit()
        if case.access_locked_until is not None and case.access_failures == 0:
            raise AccessLocked()
        return False


def token_fragment(user: User) -> str:
    """What a staff token carries of the password hash."""
    return user.password_hash[-TOKEN_FRAGMENT:]


async def staff_for_token(db: Database, user_id: object, fragment: object) -> StaffPrincipal | None:
    """The active staff member a verified token names, unless the password changed since."""
    if not isinstance(user_id, int):
        return None
    async with db.session() as session:
        user = await session.get(User, user_id)
    if user is None or not user.is_active or token_fragment(user) != fragment:
        return None
    return StaffPrincipal(user.id or 0, user.username, Role(user.role), user.team_code, user.region, user.display_name)


async def staff_may_see_case(db: Database, staff: StaffPrincipal, case_no: str) -> bool:
    """Admins see all; mediators and supervisors the cases their team holds or has tasks on;
    union legal staff the cases of their union's region (supervision links them)."""
    async with db.session() as session:
        case = (await session.exec(select(Case).where(Case.case_no == case_no))).first()
        if case is None:  # a missing case is a 404 for administrators too, not an error further on
            return False
        if staff.is_admin:
            return True
        if staff.role is Role.legal_aid_lawyer:  # only the cases assigned to them, not their centre's
            mine = select(CaseAccess.id).where(CaseAccess.case_no == case_no, CaseAccess.username == staff.username)
            return (await session.exec(mine)).first() is not None
        if staff.team_code and case.team_code == staff.team_code:
            return True
        if staff.role is Role.union_legal:
            return case.region == staff.region

        task = (
            await session.exec(select(Task.task_id).where(Task.subject == f"case:{case_no}", Task.team_code == staff.team_code))
        ).first()
        return task is not None
