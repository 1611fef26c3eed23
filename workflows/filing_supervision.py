"""Filing supervision (立案监督, CPL Art. 113; P20 §10), the procurator's side of `criminal-referral`:
the procuratorate asks the police to explain their non-filing in writing within 7 days of its notice
(D70 explain); it accepts the reasons, or finds them untenable and sends a notice to file (通知立案书),
after which the police file within 15 days (D70 file). The police may open the case at any point.
The procurator records each step; its state is `SupervisedCase`, the steps are functions over it."""

from __future__ import annotations

from datetime import date

from temporalio import workflow

from workflows.kit.actions import action
from workflows.kit.base import StatutoryWorkflow
from workflows.kit.tasks import OpenTask

with workflow.unsafe.imports_passed_through():
    from domain.actions import ActionResult, Actor, Note, PoliceExplanation
    from domain.catalogue import CriminalReferral
    from domain.records import DeadlineStatus
    from domain.referrals import SUPERVISION_BASIS
    from domain.workflow_models import CriminalReferralOutcome as Outcome

EXPLAIN, FILE = "police_explanation", "police_filing"  # deadline keys (both D70)


class SupervisedCase(StatutoryWorkflow):
    """What filing supervision keeps: each step the procurator has recorded, and the date of the last."""

    def __init__(self) -> None:
        self.since: date | None = None  # no step may be dated before the one it follows
        self.explain_sent: Note | None = None
        self.explanation: PoliceExplanation | None = None
        self.notice: Note | None = None
        self.upheld: Note | None = None
        self.filed: Note | None = None

    def guard(self, task: OpenTask, action_name: str, payload: object) -> str | None:
        """No step dated before the one it follows (a notice before the supervision, a filing before the notice)."""
        problem = super().guard(task, action_name, payload)
        on = getattr(payload, "on", None)
        if problem is None and self.since is not None and on is not None and on < self.since:
            return f"日期不能早于上一步（{self.since}） / the date cannot be before the previous step ({self.since})"
        return problem


async def supervise(case: SupervisedCase, accepted_on: date) -> Outcome:
    """From the procuratorate taking up supervision to the police filing, or their reasons accepted."""
    case.since = accepted_on
    await case.event(
        "filing_supervision",
        "人民检察院受理立案监督建议，依法进行立案监督",
        "The procuratorate took up supervision of the police's non-filing",
        on=accepted_on,
        citation=SUPERVISION_BASIS,
    )
    await case.open_task(
        "supervise_filing",
        "立案监督：要求公安机关说明不立案理由，或记录公安机关已立案",
        "Filing supervision: ask the police to explain their non-filing, or record that they filed",
        (CriminalReferral.require_explanation, CriminalReferral.record_police_filed),
    )
    await workflow.wait_condition(lambda: case.explain_sent is not None or case.filed is not None)
    if case.filed is not None:
        return Outcome.filed_under_supervision
    due = case.due(EXPLAIN)
    await case.open_task(
        "police_explanation",
        f"公安机关应于{due}前书面说明不立案理由：记录其说明，或通知立案",
        f"The police must explain their non-filing by {due}: record it, or send a notice to file",
        (CriminalReferral.record_explanation, CriminalReferral.notice_to_file, CriminalReferral.record_police_filed),
        deadline_key=EXPLAIN,
    )
    answered = lambda: case.explanation is not None or case.notice is not None or case.filed is not None  # noqa: E731
    if not await case.until(EXPLAIN, answered):
        await case.close_deadline(EXPLAIN, DeadlineStatus.missed)
        basis = case.kit.deadlines[EXPLAIN].deadline.basis
        await case.event(
            "explanation_overdue",
            f"公安机关未在{due}前说明不立案理由，人民检察院可以通知立案",
            f"The police did not explain by {due}: the procuratorate may send a notice to file",
            citation=basis,
        )
        await workflow.wait_condition(answered)
    if case.filed is not None:
        return Outcome.filed_under_supervision
    if case.notice is None:
        await case.open_task(
            "assess_explanation",
            "审查不立案理由：理由成立的予以认可，不成立的通知公安机关立案",
            "Assess the police's reasons: accept them, or send a notice to file",
            (CriminalReferral.accept_explanation, CriminalReferral.notice_to_file),
        )
        await workflow.wait_condition(lambda: case.upheld is not None or case.notice is not None)
        if case.upheld is not None:
            return Outcome.non_filing_upheld
    return await _until_filed(case)


async def _until_filed(case: SupervisedCase) -> Outcome:
    due = case.due(FILE)
    await case.open_task(
        "police_filing",
        f"公安机关应于{due}前立案：记录立案",
        f"The police must open the case by {due}: record it",
        (CriminalReferral.record_police_filed,),
        deadline_key=FILE,
    )
    if not await case.until(FILE, lambda: case.filed is not None):
        await case.close_deadline(FILE, DeadlineStatus.missed)
        await case.event(
            "filing_overdue",
            f"公安机关收到通知立案书后未在{due}前立案，人民检察院应当依法纠正",
            f"The police did not open the case by {due} after the notice to file: the procuratorate must correct it",
            citation=case.kit.deadlines[FILE].deadline.basis,
        )
        await workflow.wait_condition(lambda: case.filed is not None)
    return Outcome.filed_under_supervision


@action(CriminalReferral.require_explanation)
async def require_explanation(case: SupervisedCase, task: OpenTask, note: Note, actor: Actor) -> ActionResult:
    """`on`: the day the police received the notice to explain (要求说明不立案理由通知书)."""
    deadline = await case.set_deadline(EXPLAIN, "D70", note.on, variant="explain")
    await case.event(
        "explanation_required",
        f"人民检察院要求公安机关说明不立案理由，公安机关应于{deadline.due}前书面答复",
        f"The procuratorate asked the police to explain their non-filing in writing by {deadline.due}",
        actor=actor,
        on=note.on,
        citation=deadline.basis,
    )
    case.explain_sent, case.since = note, note.on
    return ActionResult(message_zh=f"说明期限至{deadline.due}", message_en=f"Explanation due by {deadline.due}")


@action(CriminalReferral.record_explanation)
async def record_explanation(case: SupervisedCase, task: OpenTask, explanation: PoliceExplanation, actor: Actor) -> ActionResult:
    await case.close_deadline(EXPLAIN, DeadlineStatus.met)
    await case.event(
        "police_explained",
        f"公安机关书面说明不立案理由：{explanation.reason}",
        "The police explained their non-filing in writing",
        actor=actor,
        on=explanation.on,
    )
    case.explanation, case.since = explanation, explanation.on
    return ActionResult(message_zh="已记录不立案理由", message_en="Explanation recorded")


@action(CriminalReferral.accept_explanation)
async def accept_explanation(case: SupervisedCase, task: OpenTask, note: Note, actor: Actor) -> ActionResult:
    await case.event(
        "non_filing_upheld",
        "人民检察院认为公安机关不立案理由成立",
        "The procuratorate found the police's reasons sound: no case is opened",
        actor=actor,
        on=note.on,
        citation=SUPERVISION_BASIS,
    )
    case.upheld = note
    return ActionResult(message_zh="已认可不立案理由", message_en="Reasons accepted")


@action(CriminalReferral.notice_to_file)
async def notice_to_file(case: SupervisedCase, task: OpenTask, note: Note, actor: Actor) -> ActionResult:
    """`on`: the day the police received the notice to file (通知立案书)."""
    await case.close_deadline(EXPLAIN, DeadlineStatus.cancelled)  # still pending: the notice makes it moot
    deadline = await case.set_deadline(FILE, "D70", note.on, variant="file")
    await case.event(
        "notice_to_file",
        f"人民检察院认为不立案理由不能成立，通知公安机关立案，公安机关应于{deadline.due}前立案",
        f"The procuratorate found the reasons untenable and notified the police to file by {deadline.due}",
        actor=actor,
        on=note.on,
        citation=deadline.basis,
    )
    case.notice, case.since = note, note.on
    return ActionResult(message_zh=f"立案期限至{deadline.due}", message_en=f"Filing due by {deadline.due}")


@action(CriminalReferral.record_police_filed)
async def record_police_filed(case: SupervisedCase, task: OpenTask, note: Note, actor: Actor) -> ActionResult:
    for key in (EXPLAIN, FILE):
        await case.close_deadline(key, DeadlineStatus.met)
    await case.event(
        "police_filed", "公安机关立案侦查", "The police opened a criminal case", actor=actor, on=note.on, citation=SUPERVISION_BASIS
    )
    case.filed = note
    return ActionResult(message_zh="已记录公安机关立案", message_en="Filing recorded")
