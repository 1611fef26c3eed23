"""The respondents' side of a mediation: each respondent is invited through its one-time link and
answers (agrees, proposes times, or refuses); a refusal, or silence from everyone until the answer
period ends, ends the mediation so the worker may go to arbitration. Where a respondent agreed to
electronic service, the day its link was opened is the day of service and starts its answer period
again (Civil Procedure Law Art. 90)."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import date

from temporalio import workflow
from temporalio.exceptions import ApplicationError

from workflows.kit.base import StatutoryWorkflow
from workflows.kit.options import NOTIFY

with workflow.unsafe.imports_passed_through():
    from domain import paperwork
    from domain.actions import ActionResult, WorkerActionKind
    from domain.catalogue import worker_option
    from domain.china_time import CHINA_TZ
    from domain.deadlines import Deadline
    from domain.documents import DocumentType
    from domain.parties import (
        ELECTRONIC_SERVICE_BASIS,
        INVITATION_ANSWER,
        REFUSAL_BASIS,
        ROLES,
        InvitationAnswer,
        InvitationOutcome,
        InviteRespondents,
        Respondent,
        RespondentAnswer,
        RespondentServed,
        answer_due,
        invitation_outcome,
    )
    from domain.records import DeadlineStatus
    from domain.workflow_models import MediationOutcome, MediationResult, Milestone


class RespondentInvitations(StatutoryWorkflow):
    """Invitations, answers and electronic service of the respondents of one mediation."""

    invited: tuple[Respondent, ...] = ()
    answers: dict[int, InvitationAnswer]
    invitation: InvitationOutcome = InvitationOutcome.open
    limitation: Deadline | None = None
    result: MediationResult | None = None

    def _answer_key(self, seq: int) -> str:
        return f"answer-{seq}"

    async def invite_respondents(self, respondents: tuple[Respondent, ...], organisation: str, limitation: Deadline | None) -> None:
        """Send each respondent its link and start its answer period; watch for the outcome."""
        self.invited, self.answers, self.limitation = respondents, {}, limitation
        today = self.clock.today()
        due = answer_due(today, self.clock.calendar.is_workday)
        await workflow.execute_activity(
            "invite-respondents",
            InviteRespondents(subject=self.kit.subject, case_no=self.kit.subject.removeprefix("case:"),
                              workflow_id=self.kit.workflow_id, respondents=respondents, organisation=organisation,
                              invited_on=today, answer_due=due),
            result_type=int,
            **NOTIFY,
        )
        for respondent in respondents:
            await self._answer_period(respondent, today)
            await self.document(DocumentType.mediation_invitation, paperwork.mediation_invitation(
                organisation, respondent.name, ROLES[respondent.role].zh, today, due, INVITATION_ANSWER.basis))
        names = "、".join(r.label_zh for r in respondents)
        await self.event("respondents_invited", f"已通过短信、邮件或邮寄向{names}发出调解邀请，请于{due}前答复",
                         f"{len(respondents)} respondent(s) invited to mediate; answers due by {due}",
                         citation=INVITATION_ANSWER.basis)
        self.kit.watchers.append(asyncio.ensure_future(self._await_answers()))

    async def _answer_period(self, respondent: Respondent, served_on: date) -> None:
        due = answer_due(served_on, self.clock.calendar.is_workday)
        await self.set_agreed_deadline(
            self._answer_key(respondent.seq), served_on, due,
            f"{respondent.name}应自送达之日起{INVITATION_ANSWER.working_days}个工作日内答复是否同意调解，至{{due}}届满",
            f"{respondent.name} answers within {INVITATION_ANSWER.working_days} working days of service, by {{due}}",
            basis=INVITATION_ANSWER.basis, title=("答复调解邀请", "answer to the invitation to mediate"), rule="answer",
        )

    def _latest_open_due(self) -> date | None:
        dues = [self.due(self._answer_key(r.seq)) for r in self.invited if r.seq not in self.answers]
        return max((d for d in dues if d is not None), default=None)

    async def _await_answers(self) -> None:
        """Until every respondent answered, one refused, or the last answer period has passed."""
        while (outcome := invitation_outcome([r.seq for r in self.invited], self.answers, False)) is InvitationOutcome.open:
            epoch, answered = self.kit.epoch, len(self.answers)
            last = self._latest_open_due()
            timeout = self.clock.until_end_of(last) if last is not None else None
            if timeout is not None and timeout.total_seconds() <= 0:
                outcome = invitation_outcome([r.seq for r in self.invited], self.answers, True)
                break
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(
                    lambda: len(self.answers) != answered or self.kit.epoch != epoch or self.mediation_over(),  # noqa: B023
                    timeout=timeout,
                )
            if self.mediation_over():
                return
        await self._invitation_decided(outcome)

    async def _invitation_decided(self, outcome: InvitationOutcome) -> None:
        self.invitation = outcome
        for respondent in self.invited:
            answered = respondent.seq in self.answers
            await self.close_deadline(self._answer_key(respondent.seq), DeadlineStatus.met if answered else DeadlineStatus.missed)
        silent = "、".join(r.name for r in self.invited if r.seq not in self.answers)
        if outcome is InvitationOutcome.agreed:
            await self.event("respondents_agreed", "被申请人均同意调解", "Every respondent agreed to mediate")
        elif outcome is InvitationOutcome.partly:
            await self.event("respondents_partly", f"{silent}逾期未答复，调解与同意调解的被申请人继续进行",
                             "Some respondents did not answer; mediation goes on with those who agreed", citation=INVITATION_ANSWER.basis)
        elif outcome is InvitationOutcome.no_answer:
            await self._offer_arbitration(silent)
        elif outcome is InvitationOutcome.refused and self.result is None:
            await self.event("mediation_refused", "被申请人拒绝调解，调解终止；申请人可以申请劳动争议仲裁",
                             "The respondent refused to mediate: mediation ends and the worker may apply for arbitration",
                             citation=REFUSAL_BASIS)
            self.result = MediationResult(outcome=MediationOutcome.refused, ended_on=self.clock.today())
            await self.cancel_open_tasks("respondent_refused")

    async def _offer_arbitration(self, silent: str) -> None:
        """Nobody answered: the worker is told and may go to arbitration at once (with the last day);
        the mediator may still bring the parties together until the period ends."""
        last = self.limitation.due if self.limitation else None
        rule = self.limitation.rule if self.limitation else None
        zh = f"{silent}逾期未答复调解邀请，视为不愿调解；您可以直接申请劳动争议仲裁" + (f"（建议在{last}前提出）" if last else "")
        en = "The respondent did not answer the invitation to mediate: you may apply for arbitration now" \
            + (f" (by {last})" if last else "")
        await self.event("respondents_no_answer", zh, en, citation=REFUSAL_BASIS)
        await self.tell_parent("milestone", Milestone(kind="respondents_no_answer", zh=zh, en=en, options=(
            worker_option(WorkerActionKind.refuse_mediation, "不再等待调解，申请劳动争议仲裁", "Stop waiting and apply for arbitration",
                          last, rule),)))

    def mediation_over(self) -> bool:
        return self.result is not None

    def _check_answer(self, answer: RespondentAnswer) -> Respondent:
        respondent = next((r for r in self.invited if r.seq == answer.seq), None)
        if respondent is None:
            raise ApplicationError("此链接不属于本次调解 / this link is not for this mediation", non_retryable=True)
        if answer.seq in self.answers:
            raise ApplicationError("已经答复过 / the answer was already given", non_retryable=True)
        if self.invitation is not InvitationOutcome.open or self.mediation_over():
            raise ApplicationError("调解已结束或答复期已过 / the mediation has ended or the answer period is over", non_retryable=True)
        return respondent

    @workflow.update(name="respondent-answer")
    async def respondent_answer(self, answer: RespondentAnswer) -> ActionResult:
        """A respondent agrees to mediate (perhaps proposing times) or refuses, through its link."""
        respondent = self._check_answer(answer)
        self.answers[answer.seq] = answer.answer
        if answer.answer is InvitationAnswer.agreed:
            times = "、".join(t.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M") for t in answer.proposed_times)
            await self.event("respondent_agreed", f"{respondent.label_zh}同意调解" + (f"，建议时间：{times}" if times else ""),
                             f"{respondent.name} agreed to mediate" + (f"; proposed times: {times}" if times else ""),
                             data={"seq": answer.seq, "proposed_times": [t.isoformat() for t in answer.proposed_times]})
            return ActionResult(message_zh="已答复同意调解", message_en="You agreed to mediate")
        await self.event("respondent_refused", f"{respondent.label_zh}拒绝调解：{answer.reason or '未说明理由'}",
                         f"{respondent.name} refused to mediate", citation=REFUSAL_BASIS, data={"seq": answer.seq})
        return ActionResult(message_zh="已答复不同意调解", message_en="You declined to mediate")

    @respondent_answer.validator
    def _validate_answer(self, answer: RespondentAnswer) -> None:
        self._check_answer(answer)

    @workflow.signal(name="respondent-served")
    async def respondent_served(self, served: RespondentServed) -> None:
        """A respondent that agreed to electronic service opened its link: that day is the day of
        service, and its answer period runs again from it."""
        await workflow.wait_condition(lambda: getattr(self, "kit", None) is not None)
        respondent = next((r for r in self.invited if r.seq == served.seq), None)
        if respondent is None or served.seq in self.answers or self.invitation is not InvitationOutcome.open:
            return
        on = served.served_at.astimezone(CHINA_TZ).date()
        await self.event("respondent_served", f"{respondent.label_zh}于{on}通过链接收到调解邀请（电子送达），答复期限自该日起算",
                         f"{respondent.name} was served electronically on {on}; its answer period runs from that day",
                         citation=ELECTRONIC_SERVICE_BASIS, on=on, data={"seq": served.seq, "served_at": served.served_at.isoformat()})
        await self._answer_period(respondent, on)
        self.kit.epoch += 1
