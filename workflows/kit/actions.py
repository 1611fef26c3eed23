"""Staff actions: a workflow declares its handlers with `@action(Catalogue.entry)`; people act through
the `act` Update, whose validator checks everything first (the task is open, the action is offered,
the role may take it, the payload is valid, no fact is dated after today, and each workflow's own
`guard`), so a refused action leaves no trace."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, ClassVar

from temporalio import workflow
from temporalio.exceptions import ApplicationError

from workflows.kit.core import WorkflowKit
from workflows.kit.tasks import OpenTask

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel, ValidationError

    from domain.actions import ActionResult, Actor, TaskAction
    from domain.catalogue import StaffAction
    from domain.fact_dates import future_fact_problem
    from domain.records import (
        TaskStatus,
    )


Handler = Callable[[Any, OpenTask, Any, Actor], Awaitable[ActionResult]]



@dataclass(frozen=True)
class ActionSpec:
    name: str
    payload: type[BaseModel]
    roles: tuple[str, ...]
    closes: bool
    handler: Handler



def action(entry: StaffAction) -> Callable[[Handler], Handler]:
    """Declare a workflow method as the handler of a catalogue action (`@action(Mediation.record_session)`)."""

    def mark(fn: Handler) -> Handler:
        fn.__action__ = entry  # type: ignore[attr-defined]
        return fn

    return mark



class ActionHandling(WorkflowKit):
    """The `act` Update and its checks."""

    ACTIONS: ClassVar[Mapping[str, ActionSpec]] = MappingProxyType({})

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        found = dict(getattr(cls, "ACTIONS", {}))
        for attr in vars(cls).values():
            entry = getattr(attr, "__action__", None)
            if isinstance(entry, StaffAction):
                found[entry.name] = ActionSpec(entry.name, entry.payload, tuple(entry.roles), entry.closes, attr)
        cls.ACTIONS = MappingProxyType(found)  # read-only: the class is shared by every run (README, "Sandbox")

    def _check_action(self, request: TaskAction, *, business_rules: bool = True) -> tuple[ActionSpec, OpenTask, BaseModel]:
        """Everything the validator checks. The handler repeats only what the workflow's own state
        decides (the task is open and offers the action, the payload reads): on replay a handler runs
        without its validator, so rules that can change between releases or with the clock (who may
        act, dates, each workflow's guard) must not be judged again there."""
        task = self.kit.tasks.get(request.task_id)
        if task is None or not task.is_open:
            raise ApplicationError(
                f"任务不存在或已办结 / task {request.task_id} is not open (already done or cancelled)", non_retryable=True
            )
        spec = self.ACTIONS.get(request.action)
        if spec is None or request.action not in task.actions:
            raise ApplicationError(
                f"此任务不能执行“{request.action}” / action '{request.action}' is not available here; available: {', '.join(task.actions)}",
                non_retryable=True,
            )
        if business_rules and (request.actor.kind != "staff" or (request.actor.role not in spec.roles and request.actor.role != "admin")):
            raise ApplicationError(
                f"您的角色不能执行此操作 / role '{request.actor.role}' may not do '{request.action}'", non_retryable=True
            )
        try:
            payload = spec.payload.model_validate(request.payload)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'payload'}: {e['msg']}" for e in exc.errors())
            raise ApplicationError(f"填写有误 / invalid input: {problems}", non_retryable=True) from None
        problem = self.guard(task, request.action, payload) if business_rules else None
        if problem:
            raise ApplicationError(problem, non_retryable=True)
        return spec, task, payload

    def guard(self, task: OpenTask, action_name: str, payload: object) -> str | None:
        """Business checks of an action before it is accepted (subclasses refine); None means fine.
        Here: no fact may be dated after today (the payload models mark which dates are facts)."""
        return future_fact_problem(payload, self.clock.today())

    @workflow.update(name="act")
    async def act(self, request: TaskAction) -> ActionResult:
        """A staff member acts on one of this workflow's tasks."""
        spec, task, payload = self._check_action(request, business_rules=False)
        if spec.closes:
            task.status = TaskStatus.done  # claimed before any await: a concurrent repeat is refused
        result = await spec.handler(self, task, payload, request.actor)
        if spec.closes:
            task.outcome, task.completed_by = request.action, request.actor.username
            await self._record_task(task)
        return result

    @act.validator
    def _validate_act(self, request: TaskAction) -> None:
        self._check_action(request)
