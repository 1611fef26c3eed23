"""A case's history as Temporal recorded it, in words: the case workflow and its children, each
event decoded with the production converter (and its encryption codec) and told briefly in Chinese
and English. Only names, dates, actions and timeline summaries are shown, never whole payloads (the
case workflow's input holds the access code)."""

from __future__ import annotations

import asyncio
from datetime import UTC, timedelta
from typing import Any
from urllib.parse import quote

from pydantic import Field
from sqlmodel import select
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client

from domain.china_time import CHINA_TZ
from infrastructure.settings import Settings
from infrastructure.tables import Case
from infrastructure.temporal_gateway import TemporalUnavailable
from services.context import ServiceContext
from services.errors import NotFound, Unavailable
from services.read_models import ReadModel

MAX_WORKFLOWS = 20
E = EventType


class HistoryLine(ReadModel):
    """One event of a workflow's history, told briefly."""

    at: str = Field(description="China time, `YYYY-MM-DD HH:MM:SS`", pattern=r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
    kind: str = Field(description="the Temporal event type without its prefix, lower case, e.g. `timer_fired`")
    zh: str
    en: str


class WorkflowHistory(ReadModel):
    """One workflow of the case (the case workflow or a child) and its events."""

    workflow_id: str
    workflow_type: str
    ui_url: str = Field(description="the workflow in the Temporal Web UI")
    lines: list[HistoryLine] = Field(default_factory=list)
    children: list[str] = Field(default_factory=list, description="workflow ids of the children it started")


def temporal_ui_url(settings: Settings, workflow_id: str) -> str:
    """The workflow in the Temporal Web UI of the development server."""
    namespace = quote(settings.temporal_namespace, safe="")
    return (
        f"http://127.0.0.1:{settings.temporal_ui_port}/namespaces/{namespace}"
        f"/workflows/{quote(workflow_id, safe='')}"
    )


async def _first(client: Client, payloads: Any) -> Any:
    if payloads is None or not payloads.payloads:
        return None
    values = await client.data_converter.decode(payloads.payloads)
    return values[0] if values else None


def _days(duration: Any) -> str:
    delta = timedelta(seconds=duration.seconds)
    return f"{delta.total_seconds() / 86400:.1f}"


async def _activity(client: Client, attrs: Any) -> tuple[str, str]:
    name = attrs.activity_type.name
    value = await _first(client, attrs.input)
    if name == "record-timeline-event" and isinstance(value, dict):
        return (
            f"记录时间线：{value.get('summary_zh', '')}",
            f"Timeline: {value.get('summary_en', '')}",
        )
    if name == "render-document" and isinstance(value, dict):
        return (
            f"生成文书：{value.get('doc_type', '')}",
            f"Render document: {value.get('doc_type', '')}",
        )
    if name == "record-deadline" and isinstance(value, dict):
        return (
            f"记录期限 {value.get('rule_id')}：{value.get('due_on')}（{value.get('status')}）",
            f"Deadline {value.get('rule_id')}: {value.get('due_on')} ({value.get('status')})",
        )
    if name == "record-task" and isinstance(value, dict):
        status, assignee = value.get("status"), value.get("assignee") or "-"
        return (
            f"任务“{value.get('title_zh')}”：{status}，承办人 {assignee}",
            f"Task '{value.get('title_en')}': {status}, assignee {assignee}",
        )
    if name == "record-case-status" and isinstance(value, dict):
        return f"案件阶段：{value.get('stage')}", f"Case stage: {value.get('stage')}"
    return f"执行活动 {name}", f"Activity {name}"


async def _update(client: Client, attrs: Any) -> tuple[str, str]:
    request = attrs.accepted_request
    value = await _first(client, request.input.args)
    name = request.input.name
    if isinstance(value, dict):
        actor = (value.get("actor") or {}).get("username") or "worker"
        action = value.get("action", "")
        return f"操作（{name}）：{action}，操作人 {actor}", f"Action ({name}): {action} by {actor}"
    return f"操作 {name}", f"Update {name}"


async def _describe(
    client: Client, event: HistoryEvent, history: WorkflowHistory
) -> tuple[str, str] | None:
    kind = event.event_type
    if kind == E.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
        return "工作流开始", f"Workflow {history.workflow_type} started"
    if kind == E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        return await _activity(client, event.activity_task_scheduled_event_attributes)
    if kind == E.EVENT_TYPE_ACTIVITY_TASK_FAILED:
        message = event.activity_task_failed_event_attributes.failure.message
        return f"活动失败（将重试）：{message}", f"Activity failed (retried): {message}"
    if kind == E.EVENT_TYPE_TIMER_STARTED:
        days = _days(event.timer_started_event_attributes.start_to_fire_timeout)
        return f"计时器开始：{days}天", f"Timer started: {days} days"
    if kind == E.EVENT_TYPE_TIMER_FIRED:
        return "计时器到期", "Timer fired"
    if kind == E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
        return await _update(client, event.workflow_execution_update_accepted_event_attributes)
    if kind == E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
        failed = event.workflow_execution_update_completed_event_attributes.outcome.HasField(
            "failure"
        )
        return ("操作失败", "Action failed") if failed else ("操作完成", "Action completed")
    if kind == E.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
        name = event.workflow_execution_signaled_event_attributes.signal_name
        return f"收到信号 {name}", f"Signal {name} received"
    if kind == E.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
        attrs = event.start_child_workflow_execution_initiated_event_attributes
        history.children.append(attrs.workflow_id)
        return (
            f"启动子流程 {attrs.workflow_type.name}",
            f"Child workflow {attrs.workflow_type.name} started",
        )
    if kind == E.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED:
        child = event.child_workflow_execution_completed_event_attributes.workflow_type.name
        return f"子流程 {child} 结束", f"Child workflow {child} completed"
    if kind == E.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:
        name = event.signal_external_workflow_execution_initiated_event_attributes.signal_name
        return f"发送信号 {name}", f"Signal {name} sent"
    if kind == E.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
        return "工作流结束", "Workflow completed"
    if kind == E.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
        return "工作流续新（历史过长）", "Continued as new (history grew long)"
    if kind in (E.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED, E.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED):
        return "工作流异常终止", "Workflow failed or was terminated"
    return None


async def workflow_history(client: Client, settings: Settings, workflow_id: str) -> WorkflowHistory:
    """One workflow's events in words (workflow tasks and other plumbing left out)."""
    handle = client.get_workflow_handle(workflow_id)
    history = await handle.fetch_history()
    events = list(history.events)
    first = events[0].workflow_execution_started_event_attributes if events else None
    result = WorkflowHistory(
        workflow_id=workflow_id,
        workflow_type=first.workflow_type.name if first else "?",
        ui_url=temporal_ui_url(settings, workflow_id),
    )
    for event in events:
        described = await _describe(client, event, result)
        if described is not None:
            when = event.event_time.ToDatetime().replace(tzinfo=UTC).astimezone(CHINA_TZ)
            at = when.strftime("%Y-%m-%d %H:%M:%S")
            name = E.Name(event.event_type).removeprefix("EVENT_TYPE_").lower()
            result.lines.append(HistoryLine(at=at, kind=name, zh=described[0], en=described[1]))
    return result


async def case_history(
    client: Client, settings: Settings, workflow_id: str
) -> list[WorkflowHistory]:
    """The case workflow and every child it started (breadth first, at most 20 workflows)."""
    found: list[WorkflowHistory] = []
    queue = [workflow_id]
    while queue and len(found) < MAX_WORKFLOWS:
        batch, queue = queue[: MAX_WORKFLOWS - len(found)], []
        histories = await asyncio.gather(
            *(workflow_history(client, settings, wid) for wid in batch)
        )
        for history in histories:
            found.append(history)
            queue.extend(history.children)
    return found


async def history_of_case(ctx: ServiceContext, case_no: str) -> list[WorkflowHistory]:
    """The Temporal history of a case (`NotFound` for an unknown case, `Unavailable` while Temporal is away)."""
    async with ctx.db.session() as session:
        workflow_id = (await session.exec(select(Case.workflow_id).where(Case.case_no == case_no))).first()
    if workflow_id is None:
        raise NotFound()
    try:
        return await case_history(await ctx.client(), ctx.settings, workflow_id)
    except TemporalUnavailable:
        raise Unavailable() from None
