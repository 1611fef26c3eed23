"""Who may open a page: signed-in staff (else a redirect to the sign-in page) of the right role."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request

from api.auth import optional_staff
from domain.roles import Role, StaffPrincipal


class LoginRequired(Exception):
    """The page needs a signed-in staff member; the handler redirects to /login?next=..."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def login_url(next_path: str) -> str:
    return f"/login?next={quote(next_path, safe='/')}"


async def staff_page(request: Request) -> StaffPrincipal:
    staff = await optional_staff(request)
    if staff is None:
        raise LoginRequired(request.url.path)
    return staff


StaffPage = Annotated[StaffPrincipal, Depends(staff_page)]


def page_roles(*roles: Role) -> Callable[[StaffPrincipal], Awaitable[StaffPrincipal]]:
    """Dependency: a signed-in staff member holding one of `roles` (admins always pass), else
    403."""

    async def check(staff: StaffPage) -> StaffPrincipal:
        if staff.role is not Role.admin and staff.role not in roles:
            raise HTTPException(
                status_code=403, detail="无此权限 / your role may not open this page"
            )
        return staff

    return check


MediatorPage = Annotated[StaffPrincipal, Depends(page_roles(Role.mediator, Role.supervisor))]
AdminPage = Annotated[StaffPrincipal, Depends(page_roles())]
