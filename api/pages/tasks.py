"""The mediator's inbox (my tasks and my team's, overdue first) and the task page: the case in
brief, the deadline and why, one generated form per action; each action is a Workflow Update whose
refusal is shown, and the documents it generated are listed at once."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from api.csrf import checked_form, set_flash
from api.deps import InboxPage, Services, StaffPage
from api.forms import drop_blanks, errors_by_field, flat_values, form_fields, message_in, nest
from api.pages.rendering import redirect, render_page, translator
from domain.catalogue import STAFF_PAYLOADS
from domain.china_time import china_today
from domain.roles import StaffPrincipal
from infrastructure.tables import Task
from services.case_view import case_detail
from services.casework import run_task_action, visible_task
from services.context import ServiceContext
from services.documents import case_documents
from services.errors import ServiceError
from services.inbox import INBOX_MAX_PAGE, INBOX_MAX_PER_PAGE, INBOX_PER_PAGE, Inbox, inbox, task_deadline, task_row

router = APIRouter(include_in_schema=False)


PAGING = ("mine_page", "team_page", "per_page")


def _number(value: str, default: int, highest: int) -> int:
    """A page parameter as typed in the address bar: anything not a whole number is the default,
    and it is kept within 1..highest."""
    try:
        number = int(value.strip())
    except ValueError:
        return default
    return min(max(number, 1), highest)


def _inbox_url(request: Request, mine_page: int, team_page: int, per_page: int, anchor: str) -> str:
    """The inbox at these pages; every other query parameter (the language) kept."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in PAGING]
    for name, value, default in (
        ("mine_page", mine_page, 1),
        ("team_page", team_page, 1),
        ("per_page", per_page, INBOX_PER_PAGE),
    ):
        if value != default:
            params.append((name, str(value)))
    query = urlencode(params)
    return f"/inbox?{query}#{anchor}" if query else f"/inbox#{anchor}"


def _pagers(request: Request, tasks: Inbox) -> dict[str, dict[str, Any]]:
    """Per list: page, pages, and the previous and next page's address (None at either end)."""

    def url(mine: int, team: int, anchor: str) -> str:
        return _inbox_url(request, mine, team, tasks.per_page, anchor)

    mine, team = tasks.mine_page, tasks.team_page
    return {
        "mine": {
            "page": mine,
            "pages": tasks.mine_pages,
            "prev": url(mine - 1, team, "mine-title") if mine > 1 else None,
            "next": url(mine + 1, team, "mine-title") if mine < tasks.mine_pages else None,
        },
        "team": {
            "page": team,
            "pages": tasks.team_pages,
            "prev": url(mine, team - 1, "team-title") if team > 1 else None,
            "next": url(mine, team + 1, "team-title") if team < tasks.team_pages else None,
        },
    }


@router.get("/inbox", response_class=HTMLResponse)
async def inbox_page(
    request: Request,
    ctx: Services,
    staff: InboxPage,
    mine_page: str = "1",
    team_page: str = "1",
    per_page: str = str(INBOX_PER_PAGE),
) -> HTMLResponse:
    """My open tasks and my team's, overdue first, then by due date; 50 of each list per page,
    each list paged on its own (`mine_page`, `team_page`; `per_page` up to 200).

    Like an address bar forgives, the page never refuses its paging parameters: a value that is
    not a whole number means the first page, below 1 is page 1, and a page past the end shows the
    last page (say after tasks were done since the link was made). Totals are in the headings;
    previous/next links keep the other list's page and the language. The JSON API,
    `GET /api/v1/tasks`, is strict instead (422)."""
    today = china_today()
    tasks = await inbox(
        ctx.db,
        staff,
        today,
        mine_page=_number(mine_page, 1, INBOX_MAX_PAGE),
        team_page=_number(team_page, 1, INBOX_MAX_PAGE),
        per_page=_number(per_page, INBOX_PER_PAGE, INBOX_MAX_PER_PAGE),
        clamp=True,
    )
    return render_page(
        request,
        "inbox.html",
        staff=staff,
        today=today.isoformat(),
        tasks=tasks,
        pagers=_pagers(request, tasks),
    )


def task_url(task_id: str) -> str:
    from urllib.parse import quote

    return "/tasks/" + quote(task_id, safe="")


async def _task_page(
    request: Request,
    ctx: ServiceContext,
    staff: StaffPrincipal,
    task: Task,
    status: int = 200,
    posted: str | None = None,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    refusal: str | None = None,
) -> HTMLResponse:
    case_no = task.subject.removeprefix("case:") if task.subject.startswith("case:") else None
    detail = await case_detail(ctx.db, ctx.keyring, case_no, staff) if case_no else None
    forms = [
        {
            "action": name,
            "fields": form_fields(
                STAFF_PAYLOADS[name],
                values if name == posted else None,
                errors if name == posted else None,
                prefix="payload.",
            ),
            "refusal": refusal if name == posted else None,
            "error": (errors or {}).get("_form") if name == posted else None,
        }
        for name in task.actions
        if name in STAFF_PAYLOADS
    ]
    return render_page(
        request,
        "task.html",
        status_code=status,
        staff=staff,
        task=task_row(task, None, china_today()),
        case=detail,
        forms=forms,
        deadline=await task_deadline(ctx.db, task),
        documents=await case_documents(ctx.db, staff, case_no) if case_no else [],
        task_url=task_url(task.task_id),
    )


@router.get("/tasks/{task_id:path}", response_class=HTMLResponse)
async def task_page(request: Request, ctx: Services, task_id: str, staff: StaffPage) -> HTMLResponse:
    """One task with its case, deadline and action forms (same 404 for missing and not yours)."""
    return await _task_page(request, ctx, staff, await visible_task(ctx, task_id, staff))


def _validated(model: Any, payload: dict[str, Any]) -> dict[str, Any]:
    return dict(model.model_validate(payload).model_dump(mode="json"))


@router.post("/tasks/{task_id:path}", response_class=HTMLResponse)
async def task_act(request: Request, ctx: Services, task_id: str, staff: StaffPage) -> Response:
    """Run one action of the task as a Workflow Update; show field errors or the refusal."""
    form = await checked_form(request)
    task = await visible_task(ctx, task_id, staff)
    action = str(form.get("action", ""))
    model = STAFF_PAYLOADS.get(action)
    values = flat_values(form.multi_items())
    if model is None or action not in task.actions:
        return await _task_page(
            request, ctx, staff, task, 422, refusal=translator(request)("task.unknown_action")
        )
    try:
        payload = _validated(model, drop_blanks(nest(form.multi_items(), prefix="payload.")))
    except ValidationError as exc:
        errors = errors_by_field(translator(request), exc, prefix="payload.")
        return await _task_page(request, ctx, staff, task, 422, action, values, errors)
    try:
        result = await run_task_action(ctx, task, staff, action, payload)
    except ServiceError as exc:
        return await _task_page(
            request,
            ctx,
            staff,
            task,
            exc.status,
            action,
            values,
            refusal=message_in(translator(request), exc.message),
        )
    response = redirect(task_url(task.task_id) + "#result")
    set_flash(
        request,
        response,
        "ok",
        result.message_zh,
        result.message_en,
        docs=list(result.document_ids),
    )
    return response
