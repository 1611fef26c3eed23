"""The dependencies every route and page uses, in one place: the services' context, who is asking,
and whether they may (by role, or per object). Another's object and a missing one give the same
404; a missing sign-in gives 401, a role that may not act 403.

    async def get_case(case_no: str, ctx: Services, principal: CaseReader) -> CaseDetail: ...
"""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, HTTPException, Query, Request, Security
from fastapi.openapi.models import OAuthFlowClientCredentials, OAuthFlows
from fastapi.security import APIKeyHeader, OAuth2, OAuth2PasswordBearer

from api.auth import presented_staff_token, read_agency_token, read_staff_token, worker_cookie
from api.problems import raises
from domain.agency_systems import SCOPE_DESCRIPTIONS, AgencySystemPrincipal, Scope
from domain.roles import INBOX_ROLES, Principal, Role, StaffPrincipal, WorkerPrincipal
from services import access, agency_systems, agents
from services.context import ServiceContext
from services.read_models import MAX_PAGE, MAX_PER_PAGE, PER_PAGE, PageRequest

NOT_FOUND = HTTPException(status_code=404, detail="未找到 / not found")

# The security schemes of the OpenAPI description. They only read the credential (auto_error off);
# who may do what is decided below, as before.
STAFF_BEARER = OAuth2PasswordBearer(
    tokenUrl="/api/v1/auth/token",
    scheme_name="staffBearer",
    auto_error=False,
    description="Staff: `Authorization: Bearer <token>`, the token from `POST /api/v1/auth/token` (OAuth2 password flow; "
                "valid 8 hours; ends when the password changes). The pages carry the same token in their session cookie.",
)
WORKER_ACCESS_CODE = APIKeyHeader(
    name="X-Access-Code",
    scheme_name="workerAccessCode",
    auto_error=False,
    description="The worker: the access code of their case (XXXX-XXXX-XXXX, shown once on the intake receipt), for that case "
                "only. Five wrong codes lock the case for 15 minutes (429).",
)
AGENCY_CLIENT = OAuth2(
    flows=OAuthFlows(clientCredentials=OAuthFlowClientCredentials(tokenUrl="/api/v1/auth/agency-token",
                                                                  scopes=dict(SCOPE_DESCRIPTIONS))),
    scheme_name="agencyClientCredentials",
    auto_error=False,
    description="An agency's own system: `Authorization: Bearer <token>`, the token from `POST /api/v1/auth/agency-token` "
                "(OAuth2 client credentials, registered by an administrator for one organisation; valid 1 hour; ends when "
                "the secret is rotated or the system revoked). It acts as its organisation's team within its scopes.",
)
BearerToken = Annotated[str | None, Security(STAFF_BEARER)]
AccessCode = Annotated[str | None, Security(WORKER_ACCESS_CODE)]


def get_services(request: Request) -> ServiceContext:
    """The context the app was built with (database, keys, Temporal, settings)."""
    ctx: ServiceContext = request.app.state.services
    return ctx


Services = Annotated[ServiceContext, Depends(get_services)]


async def optional_staff(request: Request, bearer: BearerToken = None) -> StaffPrincipal | None:
    """The signed-in staff member (bearer token, or the pages' session cookie), or None."""
    token = bearer or presented_staff_token(request)
    data = read_staff_token(request, token) if token else None
    if data is None:
        return None
    return await access.staff_for_token(get_services(request).db, data.get("uid"), data.get("pw"))


@raises(401)
async def require_staff(staff: Annotated[StaffPrincipal | None, Depends(optional_staff)]) -> StaffPrincipal:
    """The signed-in staff member; 401 otherwise."""
    if staff is None:
        raise HTTPException(
            status_code=401, detail="请先登录 / sign in first (POST /api/v1/auth/token)", headers={"WWW-Authenticate": "Bearer"}
        )
    return staff


CurrentStaff = Annotated[StaffPrincipal, Depends(require_staff)]
OptionalStaff = Annotated[StaffPrincipal | None, Depends(optional_staff)]


def _system_dependency(*scopes: Scope) -> Callable[..., Awaitable[AgencySystemPrincipal | None]]:
    """The agency system behind the bearer token, or None; `scopes` are what the operation may need
    (documented on the operation; each service checks the one it needs)."""

    # Defaults, not Annotated: annotations are strings here and could not see `scopes`.
    async def optional_system(request: Request, header: str | None = Security(AGENCY_CLIENT, scopes=[s.value for s in scopes])
                              ) -> AgencySystemPrincipal | None:
        token = header[7:].strip() if header and header.lower().startswith("bearer ") else None
        data = read_agency_token(request, token) if token else None
        if data is None:
            return None
        return await agency_systems.system_for_token(get_services(request).db, data.get("sid"), data.get("sh"), data.get("scope"))

    return optional_system


def staff_or_system(*scopes: Scope) -> Callable[..., Awaitable[StaffPrincipal | AgencySystemPrincipal]]:
    """Dependency factory: a signed-in staff member or an agency system (its token's scopes checked
    by the service); 401 for anyone else."""

    @raises(401)
    async def check(staff: OptionalStaff, system: AgencySystemPrincipal | None = Depends(_system_dependency(*scopes))
                    ) -> StaffPrincipal | AgencySystemPrincipal:
        if staff is not None:
            return staff
        if system is not None:
            return system
        raise HTTPException(status_code=401, detail="请先登录 / sign in first (POST /api/v1/auth/token or /api/v1/auth/agency-token)",
                            headers={"WWW-Authenticate": "Bearer"})

    return check


def agency_system(scope: Scope) -> Callable[..., Awaitable[AgencySystemPrincipal]]:
    """Dependency factory: an agency system's token (the operation needs `scope`, checked by the
    service); 401 otherwise."""

    @raises(401)
    async def check(system: AgencySystemPrincipal | None = Depends(_system_dependency(scope))) -> AgencySystemPrincipal:
        if system is None:
            raise HTTPException(status_code=401, headers={"WWW-Authenticate": "Bearer"},
                                detail="需要系统令牌 / an agency system's token is required (POST /api/v1/auth/agency-token)")
        return system

    return check


TaskReader = Annotated[StaffPrincipal | AgencySystemPrincipal, Depends(staff_or_system(Scope.tasks_read))]
TaskActor = Annotated[StaffPrincipal | AgencySystemPrincipal,
                      Depends(staff_or_system(Scope.referrals_write, Scope.decisions_write))]
EventReader = Annotated[AgencySystemPrincipal, Depends(agency_system(Scope.events_read))]
DocumentAttacher = Annotated[AgencySystemPrincipal, Depends(agency_system(Scope.documents_write))]


def require_role(*roles: Role) -> Callable[[StaffPrincipal], Awaitable[StaffPrincipal]]:
    """Dependency factory: the staff member must hold one of `roles` (admins always pass); 403 otherwise."""

    @raises(403)
    async def check(staff: CurrentStaff) -> StaffPrincipal:
        if staff.role is not Role.admin and staff.role not in roles:
            raise HTTPException(status_code=403, detail="无此权限 / your role may not do this")
        return staff

    return check


AdminStaff = Annotated[StaffPrincipal, Depends(require_role(Role.admin))]
UnionStaff = Annotated[StaffPrincipal, Depends(require_role(Role.union_legal))]


async def worker_for_case(request: Request, case_no: str, code: str | None = None) -> WorkerPrincipal | None:
    """The worker of `case_no`, proven by the access code (`X-Access-Code`) or the status page's signed cookie."""
    code = code or request.headers.get("x-access-code")
    ctx = get_services(request)
    if code:
        # An agent's own code first: a wrong worker code counts towards the lock-out, an agent's right one must not.
        if agent := await agents.agent_by_code(ctx.db, ctx.keyring, case_no, code):
            return agent
        return WorkerPrincipal(case_no) if await access.verify_access_code(ctx.db, ctx.keyring, case_no, code) else None
    cookie = worker_cookie(request, case_no)
    if cookie is None:
        return None
    if cookie.get("agent"):  # looked up each time: a revoked agent is out at once
        return await agents.agent_principal(ctx.db, ctx.keyring, case_no, str(cookie["agent"]))
    return WorkerPrincipal(case_no)


async def principal_for_case(request: Request, case_no: str, staff: StaffPrincipal | None, code: str | None) -> Principal:
    """Whoever may see `case_no` (its worker or authorised staff); 404 for everyone else."""
    if staff is not None:
        if await access.staff_may_see_case(get_services(request).db, staff, case_no):
            return staff
        raise NOT_FOUND
    worker = await worker_for_case(request, case_no, code)
    if worker is None:
        raise NOT_FOUND
    return worker


@raises(404, 429)
async def case_principal(request: Request, case_no: str, staff: OptionalStaff, code: AccessCode = None) -> Principal:
    """Whoever may see the case of the path (its worker or authorised staff); the same 404 for a
    missing case, a wrong access code and staff who may not see it; 429 while the case is locked."""
    return await principal_for_case(request, case_no, staff, code)


CaseReader = Annotated[Principal, Depends(case_principal)]


@raises(403)
async def case_worker(principal: CaseReader) -> WorkerPrincipal:
    """Only the worker of the case may do this (403 for staff who may see it)."""
    if not isinstance(principal, WorkerPrincipal):
        raise HTTPException(status_code=403, detail="只有劳动者本人可以办理 / only the worker may do this")
    return principal


CaseWorker = Annotated[WorkerPrincipal, Depends(case_worker)]


def page_request(
    page: Annotated[int, Query(ge=1, le=MAX_PAGE, description="page number, 1-based")] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE, description=f"items per page (default {PER_PAGE})")] = PER_PAGE,
) -> PageRequest:
    """The page a list operation is asked for (`page`, `per_page`), the one paging convention."""
    return PageRequest(page=page, per_page=per_page)


Paging = Annotated[PageRequest, Depends(page_request)]


# ---- pages: a missing sign-in redirects to the sign-in page instead of answering 401 -----------


class LoginRequired(Exception):
    """The page needs a signed-in staff member; the handler redirects to /login?next=..."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def login_url(next_path: str) -> str:
    """The sign-in page, coming back to `next_path` afterwards."""
    return f"/login?next={quote(next_path, safe='/')}"


async def staff_page(request: Request, staff: OptionalStaff) -> StaffPrincipal:
    """A signed-in staff member, or a redirect to the sign-in page."""
    if staff is None:
        raise LoginRequired(request.url.path)
    return staff


StaffPage = Annotated[StaffPrincipal, Depends(staff_page)]


def page_roles(*roles: Role) -> Callable[[StaffPrincipal], Awaitable[StaffPrincipal]]:
    """A signed-in staff member holding one of `roles` (admins always pass), else 403."""

    async def check(staff: StaffPage) -> StaffPrincipal:
        if staff.role is not Role.admin and staff.role not in roles:
            raise HTTPException(status_code=403, detail="无此权限 / your role may not open this page")
        return staff

    return check


InboxPage = Annotated[StaffPrincipal, Depends(page_roles(*INBOX_ROLES))]
AdminPage = Annotated[StaffPrincipal, Depends(page_roles())]
UnionPage = Annotated[StaffPrincipal, Depends(page_roles(Role.union_legal))]
# The monitoring pages: union legal staff, supervisors and commission heads (each agency head sees its own).
MonitoringPage = Annotated[StaffPrincipal, Depends(page_roles(Role.union_legal, Role.supervisor, Role.commission_head))]


# ---- monitoring: /metrics answers the scraper, not the public --------------------------------

FORWARDING_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")


def metrics_scraper(request: Request) -> None:
    """The caller is a scraper: a direct request (no proxy in between) from one of
    LABOURFLOW_METRICS_ALLOWED_NETWORKS. Anyone else gets the same 404 as a missing page."""
    if any(name in request.headers for name in FORWARDING_HEADERS):
        raise NOT_FOUND  # came through the public proxy
    host = request.client.host if request.client else ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise NOT_FOUND from None
    networks = get_services(request).settings.metrics_allowed_networks
    if not any(address in ipaddress.ip_network(network, strict=False) for network in networks):
        raise NOT_FOUND


MetricsScraper = Annotated[None, Depends(metrics_scraper)]
