"""Credentials on the wire: the signed staff token (a bearer token for the JSON API, the same token
in a session cookie for pages), an agency system's client-credentials token (a bearer token too,
signed with another salt, so neither can pass for the other) and the worker's short-lived signed
cookie. Who may see what is decided by the services (`services.access`, `services.agency_work`);
the dependencies that apply it are in `api/deps.py`.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from infrastructure.tables import AgencySystem, User
from services import agency_systems
from services.access import token_fragment

SESSION_COOKIE = "lf_session"
WORKER_COOKIE_PREFIX = "lf_case_"
TOKEN_MAX_AGE = 8 * 3600
WORKER_COOKIE_MAX_AGE = 2 * 3600


def _serializer(request: Request, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(request.app.state.services.settings.session_secret, salt=salt)


def issue_staff_token(request: Request, user: User) -> str:
    """A signed token naming the user and a fragment of the password hash (8 hours)."""
    return _serializer(request, "staff").dumps({"uid": user.id, "pw": token_fragment(user)})


def issue_agency_token(request: Request, system: AgencySystem, scopes: list[str]) -> str:
    """A signed token naming the agency system, a fragment of its secret's hash and its scopes."""
    data = {"sid": system.id, "sh": agency_systems.token_fragment(system), "scope": scopes}
    return _serializer(request, "agency").dumps(data)


def read_agency_token(request: Request, token: str) -> dict[str, Any] | None:
    """An agency token's content if its signature holds and it has not expired."""
    max_age = request.app.state.services.settings.agency_token_seconds
    try:
        data: dict[str, Any] = _serializer(request, "agency").loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired):
        return None
    return data


def issue_worker_cookie(request: Request, case_no: str, agent: str | None = None) -> str:
    """A signed cookie proving the access code was given for `case_no` (2 hours): the worker's, or an agent's."""
    return _serializer(request, "worker").dumps({"case": case_no, "agent": agent} if agent else {"case": case_no})


def read_staff_token(request: Request, token: str) -> dict[str, Any] | None:
    """The token's content if its signature holds and it has not expired."""
    try:
        data: dict[str, Any] = _serializer(request, "staff").loads(token, max_age=TOKEN_MAX_AGE)
    except (BadSignature, SignatureExpired):
        return None
    return data


def presented_staff_token(request: Request) -> str | None:
    """The bearer token, or the session cookie of a page."""
    header = request.headers.get("authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else request.cookies.get(SESSION_COOKIE)


def worker_cookie_case(request: Request, case_no: str) -> bool:
    """True when the request carries a valid worker (or agent) cookie for `case_no`."""
    return worker_cookie(request, case_no) is not None


def worker_cookie(request: Request, case_no: str) -> dict[str, Any] | None:
    """The valid cookie's content for `case_no` (`agent` set when an agent signed in), else None."""
    cookie = request.cookies.get(WORKER_COOKIE_PREFIX + case_no)
    if not cookie:
        return None
    try:
        data: dict[str, Any] = _serializer(request, "worker").loads(cookie, max_age=WORKER_COOKIE_MAX_AGE)
    except (BadSignature, SignatureExpired):
        return None
    return data if data.get("case") == case_no else None
