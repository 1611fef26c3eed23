"""The road ahead: from a case's key dates, the chain of later deadlines and their last safe days.

mediation ends -> apply for arbitration -> acceptance decision -> award -> time to sue. A date the
worker gives is used as it is; a missing one is assumed: the worker acts on the first day allowed
and every authority takes its full statutory time. Each step says what it assumed.
"""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict, model_validator

from domain.calendar import Calendar
from domain.case import Category
from domain.deadlines import Deadline, compute_deadline
from domain.limitation import assess_limitation

ONE_DAY = timedelta(days=1)


class WhatIfInput(BaseModel):
    """Key dates of a case; every one is optional, but at least one must be given."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    knew_on: date | None = None
    employment_ended_on: date | None = None
    still_employed: bool | None = None
    category: Category | None = None
    mediation_applied_on: date | None = None
    arbitration_applied_on: date | None = None
    accepted_on: date | None = None
    award_received_on: date | None = None
    final_award: bool | None = None
    as_of: date | None = None  # the day the worker acts when no filing date is given (e.g. today)

    @model_validator(mode="after")
    def _some_date(self) -> WhatIfInput:
        if not any(
            (
                self.knew_on,
                self.mediation_applied_on,
                self.arbitration_applied_on,
                self.accepted_on,
                self.award_received_on,
            )
        ):
            raise ValueError(
                "give at least one key date: knew_on, mediation_applied_on, arbitration_applied_on, accepted_on or award_received_on"
            )
        return self


class WhatIfStep(BaseModel):
    """One step of the road: its deadline, when it starts, its last safe day, what was assumed."""

    model_config = ConfigDict(frozen=True)

    key: str
    title_zh: str
    title_en: str
    on: date | None  # the day the step starts (given or assumed)
    given: bool  # True when `on` is a date the worker gave
    deadline: Deadline | None
    last_safe_day: date | None
    assumption_zh: str
    assumption_en: str


class WhatIfChain(BaseModel):
    """The whole chain, in order."""

    model_config = ConfigDict(frozen=True)

    jurisdiction: str
    calendar_version: str
    provisional: bool
    steps: tuple[WhatIfStep, ...]
    warnings: tuple[str, ...] = ()


class _Road:
    """Accumulates steps; keeps the options shared by every computation."""

    def __init__(self, jurisdiction: str, calendar: Calendar | None) -> None:
        self.jurisdiction = jurisdiction
        self.calendar = calendar
        self.steps: list[WhatIfStep] = []
        self.warnings: list[str] = []

    def deadline(self, rule: str, start: date, *, extended: bool = False) -> Deadline:
        return compute_deadline(rule, start, jurisdiction=self.jurisdiction, calendar=self.calendar, extended=extended)

    def add(
        self,
        key: str,
        titles: tuple[str, str],
        on: date | None,
        given: bool,
        deadline: Deadline | None,
        assumption: tuple[str, str],
        last_safe_day: date | None = None,
    ) -> None:
        safe = last_safe_day if last_safe_day is not None else (deadline.due if deadline else None)
        self.steps.append(
            WhatIfStep(
                key=key,
                title_zh=titles[0],
                title_en=titles[1],
                on=on,
                given=given,
                deadline=deadline,
                last_safe_day=safe,
                assumption_zh=assumption[0],
                assumption_en=assumption[1],
            )
        )

    def pick(self, given: date | None, assumed: date, after: date | None, label: str) -> tuple[date, bool]:
        if given is None:
            return assumed, False
        if after is not None and given < after:
            self.warnings.append(f"{label} {given} is before the previous step ({after}); check the dates")
        return given, True


def _limitation(road: _Road, facts: WhatIfInput) -> Deadline | None:
    if facts.knew_on is None:
        road.add(
            "limitation",
            ("仲裁时效", "Arbitration limitation"),
            None,
            False,
            None,
            (
                "未提供知道权利被侵害的日期，无法计算时效。",
                "No date of knowing of the infringement: the limitation cannot be computed.",
            ),
        )
        return None
    restarts = [facts.mediation_applied_on] if facts.mediation_applied_on else []
    restarts = [day for day in restarts if day > (facts.employment_ended_on or facts.knew_on)]
    still = facts.still_employed if facts.still_employed is not None else facts.employment_ended_on is None
    assessment = assess_limitation(
        (facts.category or Category.other).value,
        facts.knew_on,
        still_employed=still,
        employment_ended_on=facts.employment_ended_on,
        restarts=restarts,
        today=facts.as_of or facts.knew_on,
        jurisdiction=road.jurisdiction,
        calendar=road.calendar,
    )
    note_zh = "申请调解使时效中断，自申请调解之日重新计算（取较早的日期，更稳妥）。" if restarts else ""
    note_en = " Applying for mediation restarted the clock on the application day (the earlier, safer reading)." if restarts else ""
    start = assessment.deadline.from_ if assessment.deadline else facts.knew_on
    road.add(
        "limitation",
        ("仲裁时效", "Arbitration limitation"),
        start,
        True,
        assessment.deadline,
        (assessment.message_zh + note_zh, assessment.message_en + note_en),
    )
    return assessment.deadline


def _mediation(road: _Road, facts: WhatIfInput) -> date | None:
    if facts.mediation_applied_on is None:
        return None
    deadline = road.deadline("D03", facts.mediation_applied_on)
    assert deadline.due is not None
    road.add(
        "mediation",
        ("调解", "Mediation"),
        facts.mediation_applied_on,
        True,
        deadline,
        (
            f"假设调解在{deadline.due}前未达成协议，自{deadline.due + ONE_DAY}起可以申请仲裁。",
            f"Assumes no agreement by {deadline.due}: arbitration may be sought from {deadline.due + ONE_DAY}.",
        ),
    )
    return deadline.due + ONE_DAY


def _arbitration(road: _Road, facts: WhatIfInput, limitation: Deadline | None, earliest: date | None) -> date:
    # A later date the worker gave bounds an assumed filing date: filed no later than it.
    later = facts.accepted_on or facts.award_received_on
    default = earliest or later or facts.as_of or facts.knew_on
    assert default is not None
    filed, given = road.pick(facts.arbitration_applied_on, default, earliest, "arbitration_applied_on")
    safe = limitation.due if limitation else None
    if given:
        text = (f"已于{filed}申请仲裁。", f"Applied for arbitration on {filed}.")
    else:
        text = (
            f"假设在可以申请的第一天{filed}申请仲裁。",
            f"Assumes you apply on the first day allowed, {filed}.",
        )
    if safe is not None:
        text = (
            text[0] + f"申请仲裁的最后安全日为{safe}。",
            text[1] + f" The last safe day to apply is {safe}.",
        )
        if filed > safe:
            road.warnings.append(f"arbitration applied for on {filed}, after the limitation's last day {safe}")
    road.add(
        "arbitration_application",
        ("申请劳动争议仲裁", "Apply for arbitration"),
        filed,
        given,
        limitation,
        text,
        last_safe_day=safe,
    )
    return filed


def _acceptance(road: _Road, facts: WhatIfInput, filed: date) -> date:
    deadline = road.deadline("D13", filed)
    assert deadline.due is not None
    given = facts.arbitration_applied_on is not None
    road.add(
        "acceptance",
        ("仲裁委员会决定是否受理", "Acceptance decision"),
        filed,
        given,
        deadline,
        (
            f"仲裁委员会应在{deadline.due}前决定是否受理；逾期未决定的，可以向法院起诉。",
            f"The commission must decide by {deadline.due}; if it does not, you may sue in court.",
        ),
    )
    assumed = deadline.due
    if facts.award_received_on is not None and facts.award_received_on < assumed:
        assumed = filed  # the award came sooner than a full 5-day acceptance allows
    accepted, _ = road.pick(facts.accepted_on, assumed, filed, "accepted_on")
    return accepted


def _award(road: _Road, facts: WhatIfInput, accepted: date) -> date:
    deadline = road.deadline("D22", accepted)
    extended = road.deadline("D22", accepted, extended=True)
    assert deadline.due is not None
    given = facts.accepted_on is not None
    head_zh = f"于{accepted}受理" if given else f"假设仲裁委员会用足5日，于{accepted}受理"
    head_en = f"Accepted on {accepted}" if given else f"Assumes the commission takes its full 5 days: accepted {accepted}"
    road.add(
        "award",
        ("仲裁裁决", "Award"),
        accepted,
        given,
        deadline,
        (
            f"{head_zh}；裁决应在{deadline.due}前作出，经批准延期的最迟{extended.due}；逾期未裁决的，可以起诉"
            "（劳动争议解释（一）第十二条情形除外）。",
            f"{head_en}; the award is due by {deadline.due}, "
            f"or {extended.due} if the chair extends it; if there is none by then you may sue "
            "(except the cases in SPC Interpretation I Art. 12).",
        ),
    )
    received, _ = road.pick(facts.award_received_on, deadline.due, accepted, "award_received_on")
    return received


def _challenge(road: _Road, facts: WhatIfInput, received: date) -> None:
    given = facts.award_received_on is not None
    got_zh = f"{received}收到裁决书" if given else f"假设在裁决期限最后一日{received}收到裁决书"
    got_en = f"Award received {received}" if given else f"Assumes the award is received on its last day, {received}"
    if facts.final_award:
        worker = road.deadline("D25", received)
        road.add(
            "worker_sues",
            ("劳动者对终局裁决起诉", "Worker sues against the final award"),
            received,
            given,
            worker,
            (
                f"{got_zh}；劳动者不服可在{worker.due}前起诉。",
                f"{got_en}; the worker may sue by {worker.due}.",
            ),
        )
        employer = road.deadline("D26", received)
        road.add(
            "employer_revokes",
            ("用人单位申请撤销终局裁决", "Employer applies to revoke"),
            received,
            given,
            employer,
            (
                f"用人单位可在{employer.due}前向中级人民法院申请撤销。",
                f"The employer may apply to the intermediate court to revoke by {employer.due}.",
            ),
        )
        return
    sue = road.deadline("D30", received)
    extra_zh = "" if facts.final_award is False else "若裁决为终局裁决，劳动者同样有15日（D25），用人单位有30日申请撤销（D26）。"
    extra_en = (
        ""
        if facts.final_award is False
        else (" If the award is final, the worker has the same 15 days (D25) and the employer 30 days to apply to revoke (D26).")
    )
    road.add(
        "sue",
        ("对仲裁裁决起诉", "Sue against the award"),
        received,
        given,
        sue,
        (
            f"{got_zh}；不服的可在{sue.due}前起诉，期满不起诉的裁决生效。{extra_zh}",
            f"{got_en}; a party may sue by {sue.due}, after which the award takes effect.{extra_en}",
        ),
    )


def whatif(key_dates: WhatIfInput, *, jurisdiction: str = "national", calendar: Calendar | None = None) -> WhatIfChain:
    """Lay out the chain of later deadlines from the key dates, each with its last safe day."""
    road = _Road(jurisdiction, calendar)
    limitation = _limitation(road, key_dates)
    earliest = _mediation(road, key_dates)
    filed = _arbitration(road, key_dates, limitation, earliest)
    accepted = _acceptance(road, key_dates, filed)
    received = _award(road, key_dates, accepted)
    _challenge(road, key_dates, received)
    deadlines = [step.deadline for step in road.steps if step.deadline is not None]
    version = deadlines[0].calendar_version if deadlines else (calendar or Calendar()).version
    return WhatIfChain(
        jurisdiction=jurisdiction,
        calendar_version=version,
        provisional=any(d.provisional for d in deadlines),
        steps=tuple(road.steps),
        warnings=tuple(road.warnings),
    )
