"""A union labour-law supervision matter ("one letter, two notices", 一函两书): one durable workflow
per employer, up the ladder investigation -> reminder letter -> opinion notice -> recommendation
notice and the department's inspection -> the local people's government or the procuratorate.

Staff act through the `act` Update (see `supervision_actions`); the employer replies through its
one-time link (Update `employer-reply`); query `matter` gives the live state.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from types import MappingProxyType

from pydantic import BaseModel
from temporalio import workflow
from temporalio.common import VersioningBehavior
from temporalio.exceptions import ApplicationError

from workflows import supervision_actions as actions
from workflows import supervision_ladder as ladder
from workflows import supervision_replies as replies
from workflows.kit.actions import ActionSpec
from workflows.kit.tasks import OpenTask
from workflows.supervision_case import SupervisionCase

with workflow.unsafe.imports_passed_through():
    from domain import supervision as sv
    from domain.actions import ActionResult, Actor, TaskAction
    from domain.supervision import MatterPhase
    from domain.supervision_paper import draft_problem
    from domain.supervision_rules import check_entry

Step = Callable[[SupervisionCase], Awaitable[MatterPhase]]
EMPLOYER = Actor(kind="employer", display_name="用人单位 / employer")
# What follows what on the ladder, by phase; a phase without a step fails here, at import.
STEPS: Mapping[MatterPhase, Step] = MappingProxyType({
    MatterPhase.decide: ladder.decide,
    MatterPhase.approve: ladder.approve,
    MatterPhase.serve: ladder.serve,
    MatterPhase.await_reply: ladder.await_reply,
    MatterPhase.review_reply: ladder.review_reply,
    MatterPhase.referral: ladder.referral,
    MatterPhase.government: ladder.government,
    MatterPhase.procuratorate: ladder.procuratorate,
})
if missing := set(MatterPhase) - STEPS.keys() - {MatterPhase.closed}:
    raise TypeError(f"supervision phases without a step: {sorted(missing)}")


@workflow.defn(name="supervision-matter", versioning_behavior=VersioningBehavior.AUTO_UPGRADE)
class SupervisionWorkflow(SupervisionCase):
    """One supervision matter, from opening to its outcome."""

    # The staff actions (each an `act` Update, see `supervision_actions` and `supervision_replies`).
    record_investigation = actions.record_investigation
    draft_notice = actions.draft_notice
    revise_draft = actions.revise_draft
    withdraw_draft = actions.withdraw_draft
    approve_notice = actions.approve_notice
    record_service = actions.record_service
    record_reply = replies.record_reply
    decide_reply = replies.decide_reply
    escalate_government = replies.escalate_government
    record_response = replies.record_response
    close_matter = replies.close_matter

    @workflow.run
    async def run(self, inp: sv.SupervisionInput) -> sv.SupervisionResult:
        self.start(inp)
        if inp.progress is None:
            await self.open_matter()
        while self.closing is None:
            self.phase = await STEPS[self.phase](self)
            await self.record_status()
            if self.closing is None and workflow.info().is_continue_as_new_suggested():
                await self.settle()
                workflow.continue_as_new(inp.model_copy(update={"progress": self.progress()}))
        return await self.finish()

    async def open_matter(self) -> None:
        inp = self.inp
        cases = "、".join(inp.case_nos) or "无"
        await self.event(
            "matter_opened",
            f"立监督事项：{inp.employer.name}（{inp.employer.uscc}），关联案件：{cases}",
            f"Supervision matter opened on {inp.employer.uscc}; linked cases: {cases}",
            on=inp.opened_on,
            data={"origin": inp.origin.value, "case_nos": list(inp.case_nos)},
        )
        await self.tell_cases(
            "supervision_opened", "工会已就该用人单位立劳动法律监督事项", "The union opened a labour-law supervision matter on the employer"
        )
        await self.record_status()

    def _check_reply(self, reply: sv.EmployerReply) -> None:
        awaiting = self.phase == "await_reply" and self.reply is None and bool(self.rungs)
        if not awaiting or self.current.document_id != reply.document_id:
            raise ApplicationError("该文书现在不接受答复 / this notice is not open for a reply", non_retryable=True)
        due = self.current.reply_due_on if self.current.reply_rule else None
        if due is not None and self.clock.today() > due:
            raise ApplicationError(f"答复期限{due}已过 / the reply period ended on {due}", non_retryable=True)

    @workflow.update(name="employer-reply")
    async def employer_reply(self, reply: sv.EmployerReply) -> ActionResult:
        """The employer replies through its one-time link; union staff then decide on it."""
        self._check_reply(reply)
        record = sv.ReplyRecord(received_on=self.clock.today(), kind=reply.kind, text=reply.text, attachment_ids=reply.attachment_ids)
        return await replies.take_reply(self, record, "employer", EMPLOYER)

    @employer_reply.validator
    def _validate_employer_reply(self, reply: sv.EmployerReply) -> None:
        self._check_reply(reply)

    def _check_action(self, request: TaskAction, *, business_rules: bool = True) -> tuple[ActionSpec, OpenTask, BaseModel]:
        spec, task, payload = super()._check_action(request, business_rules=business_rules)
        drafter = self.draft.drafted_by if self.draft else None
        if request.action == "approve_notice" and request.actor.username == drafter:
            raise ApplicationError(actions.TWO_PERSON, non_retryable=True)
        return spec, task, payload


    def guard(self, task: OpenTask, action_name: str, payload: object) -> str | None:
        problem = super().guard(task, action_name, payload)
        if problem is None and isinstance(payload, sv.NoticeDraft):
            problem = actions.draft_problem_of(self, payload, action_name)
        if problem is None and action_name == "approve_notice":
            problem = (
                draft_problem(self.draft.notice, self.investigation, self.signatory is not None)
                if self.draft
                else "没有待审批的文书 / there is no draft to approve"
            )
        if problem is None and isinstance(payload, sv.GovernmentEscalation):
            problem = check_entry(sv.Rung.government_escalation, self.ladder(), payload.reason).problem
        if problem is None and isinstance(payload, sv.CloseMatter) and payload.outcome not in actions.STAFF_CLOSES:
            problem = f"outcome: {', '.join(o.value for o in actions.STAFF_CLOSES)}"
        return problem or actions.dates_after_issue(self, payload)

    @workflow.query(name="matter")
    def matter(self) -> sv.MatterView:
        """Live state: phase, the draft awaiting approval, rungs, investigation, outcome."""
        return self.matter_view()
