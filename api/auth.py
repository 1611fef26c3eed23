"""Who is asking, and may they see this object?

- Staff sign in with a password and get a signed token: a bearer token for the JSON API
  (`POST /api/v1/auth/token`) or the same token in a secure session cookie for pages.
- A worker has no account: the case number plus the secret access code (header `X-Access-Code`,
  or a short-lived signed cookie set by the status page) reaches that one case.
- Authorisation is per object; another user's object and a missing one give the same 404.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlmodel import select

from domain.roles import Principal, Role, StaffPrincipal, WorkerPrincipal
from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.tables import Case, Task, User

SESSION_COOKIE = "lf_session"
WORKER_COOKIE_PREFIX = "lf_case_"
TOKEN_MAX_AGE = 8 * 3600
WORKER_COOKIE_MAX_AGE = 2 * 3600
ACCESS_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed safely
MAX_ACCESS_FAILURES = 5
ACCESS_LOCKOUT = timedelta(minutes=15)

NOT_FOUND = HTTPException(status_code=404, detail="未找到 / not found")


def new_access_code() -> str:
    """12 random characters (about 58 bits) shown as XXXX-XXXX-XXXX."""
    raw = "".join(secrets.choice(ACCESS_CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_access_code(code: str) -> str:
    return code.strip().upper().replace("-", "").replace(" ", "")


def hash_access_code(keyring: Keyring, case_no: str, code: str) -> str:
    """Keyed hash bound to the case number (a code cannot be replayed against another case)."""
    return keyring.lookup_hash(f"access:{case_no}:{normalise_access_code(code)}")


def _serializer(request: Request, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(request.app.state.settings.session_secret, salt=salt)


def issue_staff_token(request: Request, user: User) -> str:
    return _serializer(request, "staff").dumps({"uid": user.id, "pw": user.password_hash[-12:]})


def issue_worker_cookie(request: Request, case_no: str) -> str:
    return _serializer(request, "worker").dumps({"case": case_no})


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


async def _staff_from_token(request: Request, token: str) -> StaffPrincipal | None:
    try:
        data = _serializer(request, "staff").loads(token, max_age=TOKEN_MAX_AGE)
    except (BadSignature, SignatureExpired):
        return None
    async with _db(request).session() as session:
        user = await session.get(User, data.get("uid"))
    # A password change invalidates old tokens: the token carries a fragment of the hash.
    if user is None or not user.is_active or user.password_hash[-12:] != data.get("pw"):
        return None
    return StaffPrincipal(user.id or 0, user.username, Role(user.role), user.team_code, user.region, user.display_name)


async def optional_staff(request: Request) -> StaffPrincipal | None:
    """The signed-in staff member (bearer token or session cookie), or None."""
    header = request.headers.get("authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    return await _staff_from_token(request, token)


async def require_staff(request: Request) -> StaffPrincipal:
    staff = await optional_staff(request)
    if staff is None:
        raise HTTPException(
            status_code=401,
            detail="请先登录 / sign in first (POST /api/v1/auth/token)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return staff


CurrentStaff = Annotated[StaffPrincipal, Depends(require_staff)]
OptionalStaff = Annotated[StaffPrincipal | None, Depends(optional_staff)]


def require_role(*roles: Role):  # type: ignore[no-untyped-def]
    """Dependency factory: the staff member must hold one of `roles` (admins always pass)."""

    async def check(staff: CurrentStaff) -> StaffPrincipal:
        if staff.role is not Role.admin and staff.role not in roles:
            raise HTTPException(status_code=403, detail="无此权限 / your role may not do this")
        return staff

    return check


class AccessLocked(HTTPException):
    def __init__(self) -> None:
        super().__init__(
            status_code=429, detail="查询码错误次数过多，请15分钟后再试 / too many wrong access codes; try again in 15 minutes"
        )


async def verify_access_code(request: Request, case_no: str, code: str) -> bool:
    """Check a worker's access code; 5 failures lock that case's page for 15 minutes.

    Returns False both for a wrong code and for an unknown case (callers answer 404 either way).
    """
    keyring: Keyring = request.app.state.keyring
    now = datetime.now(UTC)
    async with _db(request).session() as session:
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


async def worker_for_case(request: Request, case_no: str) -> WorkerPrincipal | None:
    """The worker of `case_no`, proven by `X-Access-Code` or the status page's signed cookie."""
    code = request.headers.get("x-access-code")
    if code:
        return WorkerPrincipal(case_no) if await verify_access_code(request, case_no, code) else None
    cookie = request.cookies.get(WORKER_COOKIE_PREFIX + case_no)
    if cookie:
        try:
            data = _serializer(request, "worker").loads(cookie, max_age=WORKER_COOKIE_MAX_AGE)
        except (BadSignature, SignatureExpired):
            return None
        if data.get("case") == case_no:
            return WorkerPrincipal(case_no)
    return None


async def staff_may_see_case(db: Database, staff: StaffPrincipal, case_no: str) -> bool:
    """Admins see all; mediators and supervisors the cases their team holds or has tasks on;
    union legal staff the cases of their union's region (supervision links them)."""
    async with db.session() as session:
        case = (await session.exec(select(Case).where(Case.case_no == case_no))).first()
        if case is None:  # a missing case is a 404 for administrators too, not an error further on
            return False
        if staff.is_admin:
            return True
        if staff.team_code and case.team_code == staff.team_code:
            return True
        if staff.role is Role.union_legal:
            return case.region == staff.region
        task = (
            await session.exec(
                select(Task.task_id).where(Task.subject == f"case:{case_no}", Task.team_code == staff.team_code)
            )
        ).first()
        return task is not None


async def case_principal(request: Request, case_no: str) -> Principal:
    """Whoever may see `case_no` (its worker or authorised staff); 404 for everyone else."""
    staff = await optional_staff(request)
    if staff is not None:
        if await staff_may_see_case(_db(request), staff, case_no):
            return staff
        raise NOT_FOUND
    worker = await worker_for_case(request, case_no)
    if worker is None:
        raise NOT_FOUND
    return worker
