"""The respondents' side of an arbitration: the application's copy served through each respondent's
link (electronic service, Civil Procedure Law Art. 90: the day the link is opened is the day of
service and starts that respondent's ten days for a defence, D16), and the defence filed through it
(LDMAL Art. 30; a late or missing defence does not stop the proceedings)."""

from __future__ import annotations

from temporalio import workflow
from temporalio.exceptions import ApplicationError

from workflows.kit.actions import action
from workflows.kit.options import NOTIFY
from workflows.kit.tasks import OpenTask
from workflows.sittings import Sittings

with workflow.unsafe.imports_passed_through():
    from domain.actions import ActionResult, Actor, Note
    from domain.catalogue import Arbitration
    from domain.china_time import CHINA_TZ
    from domain.parties import ELECTRONIC_SERVICE_BASIS, InviteRespondents, Respondent, RespondentDefence, RespondentServed
    from domain.records import DeadlineStatus

DEFENCE_BASIS = "《劳动争议调解仲裁法》第三十条 / LDMAL Art. 30"


class RespondentService(Sittings):
    """Electronic service of the application and the respondents' defences."""

    respondents: tuple[Respondent, ...] = ()
    organisation_name: str = "劳动人事争议仲裁委员会"

    @property
    def defences(self) -> dict[int, RespondentDefence]:
        if not hasattr(self, "_defences"):
            self._defences: dict[int, RespondentDefence] = {}
        return self._defences

    def _key(self, seq: int) -> str:
        return f"defence-{seq}"

    def _respondent(self, seq: int) -> Respondent:
        found = next((r for r in self.respondents if r.seq == seq), None)
        if found is None:
            raise ApplicationError("此链接不属于本案仲裁 / this link is not for this arbitration", non_retryable=True)
        return found

    @workflow.signal(name="respondent-served")
    async def respondent_served(self, served: RespondentServed) -> None:
        """The respondent opened its link after agreeing to electronic service: served that day; D16 runs from it."""
        await workflow.wait_condition(lambda: getattr(self, "kit", None) is not None)
        respondent = next((r for r in self.respondents if r.seq == served.seq), None)
        if respondent is None or served.purpose != "arbitration_service" or self._key(served.seq) in self.kit.deadlines:
            return
        on = served.served_at.astimezone(CHINA_TZ).date()
        defence = await self.set_deadline(self._key(served.seq), "D16", on)
        await self.event("application_served_electronically",
                         f"申请书副本于{on}通过链接送达{respondent.label_zh}（电子送达），答辩期至{defence.due}",
                         f"The application reached {respondent.name} electronically on {on}; defence due by {defence.due}",
                         citation=ELECTRONIC_SERVICE_BASIS, on=on, data={"seq": served.seq})

    def _check_defence(self, defence: RespondentDefence) -> Respondent:
        respondent = self._respondent(defence.seq)
        if defence.seq in self.defences:
            raise ApplicationError("答辩书已经提交 / the defence was already filed", non_retryable=True)
        if getattr(self, "result", None) is not None:
            raise ApplicationError("仲裁已结束 / the arbitration has ended", non_retryable=True)
        return respondent

    @workflow.update(name="respondent-defence")
    async def respondent_defence(self, defence: RespondentDefence) -> ActionResult:
        """A respondent files its defence through its link; within D16 or late, it is recorded."""
        respondent = self._check_defence(defence)
        self.defences[defence.seq] = defence
        due = self.kit.deadlines.get(self._key(defence.seq))
        in_time = due is None or due.deadline.due is None or self.clock.today() <= due.deadline.due
        await self.close_deadline(self._key(defence.seq), DeadlineStatus.met if in_time else DeadlineStatus.missed)
        late = "" if in_time else "（已过答辩期，由仲裁庭决定是否采纳）"
        await self.event("defence_filed", f"{respondent.label_zh}提交答辩书{late}", f"{respondent.name} filed its defence"
                         + ("" if in_time else " (after the defence period)"), citation=DEFENCE_BASIS,
                         data={"seq": defence.seq, "evidence_ids": list(defence.evidence_ids)})
        return ActionResult(message_zh="答辩书已提交", message_en="Defence filed")

    @respondent_defence.validator
    def _validate_defence(self, defence: RespondentDefence) -> None:
        self._check_defence(defence)


@action(Arbitration.serve_electronically)
async def serve_electronically(arb: RespondentService, task: OpenTask, note: Note, actor: Actor) -> ActionResult:
    """Send each respondent its link to the application's copy; each is served when it opens it."""
    today = arb.clock.today()
    reached = await workflow.execute_activity(
        "invite-respondents",
        InviteRespondents(subject=arb.kit.subject, case_no=arb.kit.subject.removeprefix("case:"), workflow_id=arb.kit.workflow_id,
                          respondents=arb.respondents, organisation=arb.organisation_name, invited_on=today, answer_due=today,
                          purpose="arbitration_service", template="arbitration_service"),
        result_type=int, **NOTIFY)
    await arb.event("application_sent_electronically", f"申请书副本已通过链接发送{reached}个被申请人，打开链接之日为送达之日",
                    f"The application was sent through their links to {reached} respondent(s); each is served when it opens it",
                    actor=actor, on=note.on, citation=ELECTRONIC_SERVICE_BASIS)
    return ActionResult(message_zh="已通过链接发送申请书副本", message_en="Sent through the respondents' links")
