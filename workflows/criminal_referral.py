"""What may follow when the police decline a case labour inspection transferred to them (a returned
`public_security` referral, sent by the case for the inspection: `dispute_referrals.police_decided`),
alongside the worker's own claim. Which request follows which refusal, by which last day, is the
table `domain.referrals.REFUSALS`: ask the procuratorate to supervise the non-filing (CPL Art. 113;
P20 §§9-10); if it refuses, ask it to reconsider within 5 days (D68, decided in 7, D69); if it
upholds that, ask the higher procuratorate to review within 5 days (D68 review, decided in 15, D69
review). Each request is a referral of its own. Under supervision (`filing_supervision`) the police
explain a non-filing within 7 days of the procuratorate's notice and file within 15 days of a notice
to file (D70, P20 §10)."""

from __future__ import annotations

from datetime import date
from types import MappingProxyType

from temporalio import workflow
from temporalio.common import VersioningBehavior

from workflows import filing_supervision as supervision
from workflows.filing_supervision import SupervisedCase
from workflows.kit.actions import action
from workflows.kit.tasks import OpenTask

with workflow.unsafe.imports_passed_through():
    from domain.actions import ActionResult, Actor, Note
    from domain.catalogue import CriminalReferral
    from domain.organisations import Agency
    from domain.records import DeadlineStatus
    from domain.referrals import REFERRALS, REFUSALS, ReferralInput, ReferralKind, ReferralResult, ReferralStatus, Refusal
    from domain.workflow_models import CriminalReferralInput, CriminalReferralResult
    from domain.workflow_models import CriminalReferralOutcome as Outcome

REQUESTS = MappingProxyType({refusal.action: refusal for refusal in REFUSALS.values() if refusal.then is not None})


def request_key(refusal: Refusal) -> str:
    """The deadline key of the last day to send `refusal.then` (reconsideration_by, review_by)."""
    assert refusal.last_day is not None
    return f"{refusal.last_day[1] or refusal.last_day[0]}_by"


@workflow.defn(name="criminal-referral", versioning_behavior=VersioningBehavior.AUTO_UPGRADE)
class CriminalReferralWorkflow(SupervisedCase):
    """After the police's non-filing: filing supervision, its reconsideration and review, each by its last day."""

    # The procurator's actions under supervision (`filing_supervision`); the inspection's are below.
    require_explanation = supervision.require_explanation
    record_explanation = supervision.record_explanation
    accept_explanation = supervision.accept_explanation
    notice_to_file = supervision.notice_to_file
    record_police_filed = supervision.record_police_filed

    def __init__(self) -> None:
        super().__init__()
        self.request: Note | None = None
        self.closed: Note | None = None
        self.offered: Refusal | None = None
        self.last_day: date | None = None
        self.sent = 0

    @workflow.run
    async def run(self, inp: CriminalReferralInput) -> CriminalReferralResult:
        self.inp = inp
        self.setup_case(inp.ctx, inp.ctx.teams.get(Agency.inspection))
        self.status = "declined"
        kind, refused_on, reason = ReferralKind.public_security, inp.declined_on, inp.reason
        while True:
            refusal = REFUSALS[kind]
            request = await self._offer(refusal, refused_on, reason)
            if request is None:
                return await self._end(self._why_stopped(refusal))
            answer = await self._send(refusal, request.on)
            if answer.status is ReferralStatus.accepted:
                return await self._end(await supervision.supervise(self, answer.decided_on))
            assert refusal.then is not None
            kind, refused_on, reason = refusal.then, answer.decided_on, answer.reason

    def _why_stopped(self, refusal: Refusal) -> Outcome:
        if refusal.then is None:
            return Outcome.supervision_refused
        return Outcome.not_pursued if self.closed is not None else Outcome.lapsed

    async def _offer(self, refusal: Refusal, refused_on: date, reason: str) -> Note | None:
        """Record the refusal and offer the next request (with its last day where the law sets one);
        None when the refusal is final, the inspection closes the matter, or the last day passes."""
        key, self.request, self.closed, self.offered, self.since, self.last_day = None, None, None, refusal, refused_on, None
        citation = refusal.basis
        if refusal.last_day is not None:
            rule, variant = refusal.last_day
            key = request_key(refusal)
            deadline = await self.set_deadline(key, rule, refused_on, **({"variant": variant} if variant else {}))
            self.last_day, citation = deadline.due, deadline.basis
        offer_zh, offer_en = refusal.offer_zh.format(due=self.last_day), refusal.offer_en.format(due=self.last_day)
        await self.event(
            "criminal_referral_refused",
            f"{refusal.zh}（{reason or '未说明理由'}）" + (f"；{offer_zh}" if offer_zh else ""),
            f"{refusal.en} ({reason or 'no reason given'})" + (f"; {offer_en}" if offer_en else ""),
            on=refused_on,
            citation=citation,
            data={"last_day": str(self.last_day) if key else None, "rule": refusal.last_day[0] if refusal.last_day else None},
        )
        if refusal.then is None:
            return None
        await self.open_task(
            "pursue_criminal_referral",
            f"{refusal.zh}：{offer_zh}",
            f"{refusal.en}: {offer_en}",
            (getattr(CriminalReferral, refusal.action), CriminalReferral.close_criminal_referral),
            deadline_key=key,
            data={"last_day": str(self.last_day) if key else None},
        )
        answered = lambda: self.request is not None or self.closed is not None  # noqa: E731
        if key is None:
            await workflow.wait_condition(answered)
        elif not await self.until(key, answered):
            await self.close_deadline(key, DeadlineStatus.missed)
            await self.cancel_open_tasks("lapsed")
            await self.event(
                "criminal_referral_lapsed",
                refusal.lapsed_zh.format(due=self.last_day),
                refusal.lapsed_en.format(due=self.last_day),
                citation=citation,
            )
            return None
        return self.request

    async def _send(self, refusal: Refusal, on: date) -> ReferralResult:
        """The next request, as a referral from labour inspection to the procuratorate; its answer."""
        assert refusal.then is not None
        ctx, self.sent = self.inp.ctx, self.sent + 1
        names, receiver = ctx.team_names, ctx.teams.get(REFERRALS[refusal.then].receiver)
        referral = ReferralInput(
            ctx=ctx,
            kind=refusal.then,
            sent_on=on,
            sender_team=self.kit.team_code,
            sender_name=names.get(self.kit.team_code or "", "劳动保障监察机构"),
            receiver_team=receiver,
            receiver_name=refusal.addressee_zh.format(name=names.get(receiver or "", "人民检察院")),
            reason_zh=refusal.letter_zh,
            sender_role="inspector",
        )
        self.status = refusal.then.value
        own = workflow.info().workflow_id
        answer: ReferralResult = await workflow.execute_child_workflow(
            "referral", referral, id=f"{own}/referral/{self.sent}", result_type=ReferralResult
        )
        return answer

    async def _end(self, outcome: Outcome) -> CriminalReferralResult:
        await self.cancel_open_tasks(outcome.value)
        await self.settle()
        self.status = outcome.value
        return CriminalReferralResult(outcome=outcome, ended_on=self.clock.today())

    def guard(self, task: OpenTask, action_name: str, payload: object) -> str | None:
        """A request no earlier than the refusal it answers, and no later than its last day."""
        problem = super().guard(task, action_name, payload)
        on = getattr(payload, "on", None)
        if problem is None and action_name in REQUESTS and self.last_day is not None and on is not None and on > self.last_day:
            return f"已超过最后期限{self.last_day} / the last day was {self.last_day}"
        return problem

    async def _request(self, task: OpenTask, note: Note, actor: Actor) -> ActionResult:
        refusal = self.offered
        assert refusal is not None and refusal.then is not None
        if refusal.last_day is not None:
            await self.close_deadline(request_key(refusal), DeadlineStatus.met)
        rule = REFERRALS[refusal.then]
        remarks = f"：{note.remarks}" if note.remarks else ""
        await self.event("criminal_referral_request", rule.title_zh + remarks, rule.title_en, actor=actor, on=note.on, citation=rule.basis)
        self.request = note
        return ActionResult(message_zh=f"已{rule.title_zh}", message_en=rule.title_en)

    @action(CriminalReferral.request_filing_supervision)
    async def request_filing_supervision(self, task: OpenTask, note: Note, actor: Actor) -> ActionResult:
        return await self._request(task, note, actor)

    @action(CriminalReferral.request_reconsideration)
    async def request_reconsideration(self, task: OpenTask, note: Note, actor: Actor) -> ActionResult:
        return await self._request(task, note, actor)

    @action(CriminalReferral.request_review)
    async def request_review(self, task: OpenTask, note: Note, actor: Actor) -> ActionResult:
        return await self._request(task, note, actor)

    @action(CriminalReferral.close_criminal_referral)
    async def close_criminal_referral(self, task: OpenTask, note: Note, actor: Actor) -> ActionResult:
        await self.event(
            "criminal_referral_closed",
            f"劳动保障监察机构决定不再提请，刑事移送程序结束{f'：{note.remarks}' if note.remarks else ''}",
            "Labour inspection went no further: the criminal referral is closed",
            actor=actor,
            on=note.on,
        )
        self.closed = note
        return ActionResult(message_zh="已结案", message_en="Closed")
