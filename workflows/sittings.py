"""Sessions and hearings a workflow sets: each on the calendar with its place or online link and the
parties summoned, notified to every one of them (message with an .ics, again on every change); the
notice period checked first (a hearing at least 5 days ahead, LDMAL Art. 35; a party's request to
postpone 3 days before, Art. 35 para 2); attendance recorded, and the lawful consequence of an
absence offered to the arbitrator as a task to confirm (Art. 36), never applied by itself."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, time
from types import MappingProxyType
from typing import ClassVar

from temporalio import workflow

from workflows.kit.actions import action
from workflows.kit.base import StatutoryWorkflow
from workflows.kit.options import NOTIFY, PROJECTION
from workflows.kit.tasks import OpenTask

with workflow.unsafe.imports_passed_through():
    from domain import paperwork
    from domain.actions import ActionResult, Actor
    from domain.catalogue import Arbitration, Litigation, Mediation, StaffAction
    from domain.china_time import CHINA_TZ
    from domain.documents import DocumentType
    from domain.parties import Respondent
    from domain.sittings import (
        ABSENCE,
        APPLICANT,
        NOTICE,
        Attendance,
        Mark,
        Sitting,
        SittingChange,
        SittingKind,
        SittingNotice,
        SittingSchedule,
        absence_consequences,
        notice_problem,
        postponement_problem,
    )

TITLES_ZH = MappingProxyType({SittingKind.mediation_session: ("调解", ""), SittingKind.arbitration_hearing: ("仲裁开庭", ""),
             SittingKind.court_hearing: ("开庭", "")})
SITTING_ACTIONS = frozenset({"schedule_session", "change_session", "record_session_attendance", "set_hearing", "change_hearing",
                             "record_hearing_attendance", "set_court_hearing", "change_court_hearing", "record_court_attendance"})


class Sittings(StatutoryWorkflow):
    """The sittings of one proceeding (a mediation's sessions, an arbitration's hearings)."""

    SITTING_KIND: ClassVar[SittingKind] = SittingKind.mediation_session
    CONFIRMS_CONSEQUENCES: ClassVar[bool] = True  # the court decides on absence in its judgment instead

    def sitting_parties(self) -> tuple[Respondent, ...]:
        """The respondents summoned with the applicant (subclasses say who they are)."""
        return ()

    def sitting_organisation(self) -> str:
        return "劳动争议调解组织"

    @property
    def sittings(self) -> dict[int, Sitting]:
        if not hasattr(self, "_sittings"):
            self._sittings: dict[int, Sitting] = {}
        return self._sittings

    def sitting_problem(self, action_name: str, payload: object) -> str | None:
        """The checks of the sitting actions (in the validator: a refusal leaves no trace)."""
        today = self.clock.today()
        if isinstance(payload, SittingSchedule):
            return notice_problem(self.SITTING_KIND, today, payload.on)
        number = getattr(payload, "sitting", None)
        sitting = self.sittings.get(number) if isinstance(number, int) else None
        if number is not None and (sitting is None or sitting.status in ("held", "cancelled")):
            return f"没有待举行的第{number}次 / sitting {number} is not one waiting to be held"
        assert sitting is None or isinstance(sitting, Sitting)
        if isinstance(payload, SittingChange) and sitting is not None:
            late = postponement_problem(self.SITTING_KIND, payload.requested_on or today, sitting.starts_at.astimezone(CHINA_TZ).date(),
                                        payload.requested_by_party)
            return late or notice_problem(self.SITTING_KIND, today, payload.on)
        if isinstance(payload, Attendance) and sitting is not None:
            if sitting.starts_at.astimezone(CHINA_TZ).date() > today:
                return "尚未举行，不能记录到场情况 / the sitting has not been held yet"
            known = {r.seq for r in self.sitting_parties()}
            if any(mark.seq not in known for mark in payload.respondents):
                return f"被申请人序号应为 {sorted(known)} / respondents are numbered {sorted(known)}"
        return None

    def guard(self, task: OpenTask, action_name: str, payload: object) -> str | None:
        problem = self.sitting_problem(action_name, payload) if action_name in SITTING_ACTIONS else None
        return problem or super().guard(task, action_name, payload)

    async def _publish(self, sitting: Sitting) -> None:
        self.sittings[sitting.number] = sitting
        await workflow.execute_activity("record-sitting", SittingNotice(sitting=sitting, workflow_id=self.kit.workflow_id,
                                                                        subject=self.kit.subject), **PROJECTION)

    async def _notify(self, sitting: Sitting) -> None:
        """The notice document (one for every party summoned), then each party's message with the .ics."""
        consequences = "；".join(c.zh for (kind, _), c in ABSENCE.items() if kind is sitting.kind)
        names = [f"{r.name}（被申请人）" for r in self.sitting_parties()]
        zh, _ = TITLES_ZH[sitting.kind]
        await self.document(DocumentType.sitting_notice, paperwork.sitting_notice(
            sitting.organisation, zh, sitting.starts_at.astimezone(CHINA_TZ), sitting.minutes, sitting.place or sitting.online_link,
            names or ["被申请人"], NOTICE[sitting.kind].basis, consequences or None, sitting.reason or None))
        await workflow.execute_activity("notify-sitting", SittingNotice(sitting=sitting, workflow_id=self.kit.workflow_id,
                                                                        subject=self.kit.subject), result_type=int, **NOTIFY)

    async def convene(self, schedule: SittingSchedule, actor: Actor) -> ActionResult:
        """Set a sitting, summon every party and tell each of them."""
        summoned = (APPLICANT, *(f"respondent:{r.seq}" for r in self.sitting_parties()))
        sitting = Sitting(case_no=self.kit.subject.removeprefix("case:"), number=len(self.sittings) + 1, kind=self.SITTING_KIND,
                          starts_at=schedule.starts_at, minutes=schedule.minutes, place=schedule.place, online_link=schedule.online_link,
                          summoned=summoned, organisation=self.sitting_organisation(), team_code=self.kit.team_code,
                          convened_by=actor.username, notified_on=self.clock.today())
        await self._publish(sitting)
        await self._notify(sitting)
        where = schedule.place or schedule.online_link
        await self.event(f"{self.SITTING_KIND.value}_set", f"定于{schedule.on} {schedule.at}在{where}举行，已通知各方当事人",
                         f"Set for {schedule.on} {schedule.at} at {where}; every party notified", actor=actor,
                         citation=NOTICE[self.SITTING_KIND].basis, data={"sitting": sitting.number})
        when = f"{schedule.on} {schedule.at}"
        return ActionResult(message_zh=f"已安排并通知各方：{when}", message_en=f"Set and notified: {when}")

    async def change_sitting(self, change: SittingChange, actor: Actor) -> ActionResult:
        """Postpone or move a sitting: everyone summoned is told again (the calendar entry is replaced)."""
        old = self.sittings[change.sitting]
        starts = datetime.combine(change.on, time.fromisoformat(change.at), CHINA_TZ)
        sitting = old.model_copy(update={"starts_at": starts, "version": old.version + 1, "reason": change.reason,
                                         "status": "scheduled", "notified_on": self.clock.today()})
        await self._publish(sitting)
        await self._notify(sitting)
        await self.event(f"{self.SITTING_KIND.value}_changed", f"第{old.number}次改期至{change.on} {change.at}：{change.reason}",
                         f"Sitting {old.number} moved to {change.on} {change.at}", actor=actor,
                         citation="《劳动争议调解仲裁法》第三十五条 / LDMAL Art. 35", data={"sitting": old.number})
        return ActionResult(message_zh=f"已改期并重新通知各方：{change.on} {change.at}", message_en="Moved; every party notified again")

    async def attendance(self, record: Attendance, actor: Actor) -> ActionResult:
        """Who came; for each absence without good reason, a task to confirm its consequence."""
        marks: dict[str, Mark] = {APPLICANT: record.applicant, **{f"respondent:{m.seq}": m.mark for m in record.respondents}}
        sitting = self.sittings[record.sitting].model_copy(update={"status": "held"})
        await self._publish(sitting)
        absent = [party for party, mark in marks.items() if mark is not Mark.present]
        missing = f"，缺席：{'、'.join(absent)}" if absent else ""
        await self.event(f"{self.SITTING_KIND.value}_held", f"第{sitting.number}次已举行{missing}",
                         f"Sitting {sitting.number} held" + (f"; absent: {', '.join(absent)}" if absent else ""), actor=actor,
                         data={"sitting": sitting.number, "attendance": {k: v.value for k, v in marks.items()}})
        for party, consequence in absence_consequences(self.SITTING_KIND, marks) if self.CONFIRMS_CONSEQUENCES else []:
            await self.open_task(f"confirm_{consequence.kind}", f"确认缺席后果：{consequence.zh}", f"Confirm: {consequence.en}",
                                 (Arbitration.confirm_consequence,), data={"party": party, "consequence": consequence.kind,
                                                                           "basis": consequence.basis, "sitting": sitting.number})
        return ActionResult(message_zh="到场情况已记录", message_en="Attendance recorded")


# ---- the handlers, one per catalogue entry (a function serves one entry) ----------------------------


def _handler(entry: StaffAction, method: Callable[..., Awaitable[ActionResult]]) -> Callable[..., Awaitable[ActionResult]]:
    """A handler for `entry` that calls the mixin's `method` (named by reference, so a misspelt one
    fails at import; looked up on the workflow, so a subclass may override it) with the payload and the actor."""

    async def handle(wf: Sittings, task: OpenTask, payload: object, actor: Actor) -> ActionResult:
        result: ActionResult = await getattr(wf, method.__name__)(payload, actor)
        return result

    handle.__name__ = entry.name
    return action(entry)(handle)


schedule_session = _handler(Mediation.schedule_session, Sittings.convene)
change_session = _handler(Mediation.change_session, Sittings.change_sitting)
record_session_attendance = _handler(Mediation.record_session_attendance, Sittings.attendance)
set_hearing = _handler(Arbitration.set_hearing, Sittings.convene)
change_hearing = _handler(Arbitration.change_hearing, Sittings.change_sitting)
record_hearing_attendance = _handler(Arbitration.record_hearing_attendance, Sittings.attendance)
set_court_hearing = _handler(Litigation.set_court_hearing, Sittings.convene)
change_court_hearing = _handler(Litigation.change_court_hearing, Sittings.change_sitting)
record_court_attendance = _handler(Litigation.record_court_attendance, Sittings.attendance)
