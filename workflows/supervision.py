"""A union labour-law supervision matter ("one letter, two notices", 一函两书): one durable workflow
per employer, up the ladder investigation -> reminder letter -> opinion notice -> recommendation
notice and the department's inspection -> the local people's government or the procuratorate.

Staff act through the `act` Update (see `supervision_actions`); the employer replies through its
one-time link (Update `employer-reply`); query `matter` gives the live state.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

from temporalio import workflow
from temporalio.exceptions import ApplicationError

from workflows.supervision_steps import SupervisionSteps

with workflow.unsafe.imports_passed_through():
    from domain import supervision as sv
    from domain.actions import ActionResult, Actor

Step = Callable[[Any], Awaitable[str]]
EMPLOYER = Actor(kind="employer", display_name="用人单位 / employer")


@workflow.defn(name="supervision-matter")
class SupervisionWorkflow(SupervisionSteps):
    """One supervision matter, from opening to its outcome."""

    STEPS: ClassVar[dict[str, Step]] = {}

    @workflow.run
    async def run(self, inp: sv.SupervisionInput) -> sv.SupervisionResult:
        self.start(inp)
        if inp.progress is None:
            await self.open_matter()
        while self.closing is None:
            self.phase = await self.STEPS[self.phase](self)
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
        return await self.take_reply(record, "employer", EMPLOYER)

    @employer_reply.validator
    def _validate_employer_reply(self, reply: sv.EmployerReply) -> None:
        self._check_reply(reply)

    @workflow.query(name="matter")
    def matter(self) -> sv.MatterView:
        """Live state: phase, the draft awaiting approval, rungs, investigation, outcome."""
        return self.matter_view()


SupervisionWorkflow.STEPS = {
    "decide": SupervisionWorkflow.step_decide,
    "approve": SupervisionWorkflow.step_approve,
    "serve": SupervisionWorkflow.step_serve,
    "await_reply": SupervisionWorkflow.step_await_reply,
    "review_reply": SupervisionWorkflow.step_review_reply,
    "referral": SupervisionWorkflow.step_referral,
    "government": SupervisionWorkflow.step_government,
    "procuratorate": SupervisionWorkflow.step_procuratorate,
}
