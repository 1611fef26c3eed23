"""Sittings: mediation sessions, arbitration hearings and court hearings on a calendar, with the
notice the law requires, postponement, and what follows when a party does not attend.

Pure and table-driven: `NOTICE` (how many days before a sitting its notice must reach the parties),
`POSTPONEMENT` (how long before it a party may ask to postpone), `ABSENCE` (the lawful consequence of
a party's absence without good reason, offered to the arbitrator or judge to confirm, never applied
by itself)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from domain.china_time import CHINA_TZ
from domain.fact_dates import PastDate, PlannedDate

APPLICANT = "applicant"


class SittingKind(StrEnum):
    mediation_session = "mediation_session"  # 调解会
    arbitration_hearing = "arbitration_hearing"  # 仲裁开庭
    court_hearing = "court_hearing"  # 法院开庭


class Mark(StrEnum):
    """A party's attendance."""

    present = "present"
    absent = "absent"  # without good reason
    excused = "excused"  # absent with a good reason the tribunal accepted


@dataclass(frozen=True)
class NoticeRule:
    days: int  # the notice reaches the parties at least this many days before the sitting
    basis: str


NOTICE: dict[SittingKind, NoticeRule] = {
    SittingKind.mediation_session: NoticeRule(0, "《劳动争议调解仲裁法》第十四条 / LDMAL Art. 14"),
    SittingKind.arbitration_hearing: NoticeRule(5, "《劳动争议调解仲裁法》第三十五条 / LDMAL Art. 35"),
    SittingKind.court_hearing: NoticeRule(3, "《民事诉讼法》第一百三十九条 / Civil Procedure Law Art. 139"),
}
# A party with good reason may ask to postpone an arbitration hearing up to three days before it (LDMAL Art. 35 para 2).
POSTPONEMENT: dict[SittingKind, NoticeRule] = {
    SittingKind.arbitration_hearing: NoticeRule(3, "《劳动争议调解仲裁法》第三十五条第二款 / LDMAL Art. 35 para 2"),
}


@dataclass(frozen=True)
class Consequence:
    """What the law attaches to a party's absence without good reason."""

    kind: str  # deemed_withdrawal | award_in_absence | judgment_in_absence
    zh: str
    en: str
    basis: str


ABSENCE: dict[tuple[SittingKind, str], Consequence] = {
    (SittingKind.arbitration_hearing, APPLICANT): Consequence(
        "deemed_withdrawal", "申请人经书面通知，无正当理由拒不到庭或者未经仲裁庭同意中途退庭的，可以视为撤回仲裁申请",
        "An applicant who, duly notified, does not attend without good reason may be treated as having withdrawn",
        "《劳动争议调解仲裁法》第三十六条第一款 / LDMAL Art. 36 para 1"),
    (SittingKind.arbitration_hearing, "respondent"): Consequence(
        "award_in_absence", "被申请人经书面通知，无正当理由拒不到庭或者未经仲裁庭同意中途退庭的，可以缺席裁决",
        "A respondent who, duly notified, does not attend without good reason may be the subject of an award in absence",
        "《劳动争议调解仲裁法》第三十六条第二款 / LDMAL Art. 36 para 2"),
    (SittingKind.court_hearing, APPLICANT): Consequence(
        "deemed_withdrawal", "原告经传票传唤，无正当理由拒不到庭的，可以按撤诉处理",
        "A plaintiff summoned who does not attend without good reason may be treated as having withdrawn",
        "《民事诉讼法》第一百四十六条 / Civil Procedure Law Art. 146"),
    (SittingKind.court_hearing, "respondent"): Consequence(
        "judgment_in_absence", "被告经传票传唤，无正当理由拒不到庭的，可以缺席判决",
        "A defendant summoned who does not attend without good reason may be judged in absence",
        "《民事诉讼法》第一百四十七条 / Civil Procedure Law Art. 147"),
}


def party_kind(party: str) -> str:
    """`applicant` for the worker, `respondent` for `respondent:<seq>`."""
    return APPLICANT if party == APPLICANT else "respondent"


def earliest_day(kind: SittingKind, notified_on: date) -> date:
    """The first day a sitting may be held when its notice goes out on `notified_on`."""
    return notified_on + timedelta(days=NOTICE[kind].days)


def notice_problem(kind: SittingKind, notified_on: date, sitting_on: date) -> str | None:
    """Why a sitting cannot be held on `sitting_on` with notice given on `notified_on` (None: it can)."""
    rule = NOTICE[kind]
    if sitting_on < notified_on:
        return f"日期{sitting_on}已过 / {sitting_on} has passed"
    if (sitting_on - notified_on).days < rule.days:
        first = earliest_day(kind, notified_on)
        return (f"开庭通知应当在开庭{rule.days}日前送达当事人（{rule.basis}）；今日通知，最早可定于{first} / "
                f"the notice must reach the parties at least {rule.days} days before ({rule.basis}); notified today, "
                f"the earliest day is {first}")
    return None


def postponement_problem(kind: SittingKind, applied_on: date, sitting_on: date, by_party: bool) -> str | None:
    """A party's request to postpone comes too late (None: in time, or the tribunal postpones of its own motion)."""
    rule = POSTPONEMENT.get(kind)
    if rule is None or not by_party or (sitting_on - applied_on).days >= rule.days:
        return None
    return (f"延期开庭的请求应在开庭{rule.days}日前提出（{rule.basis}） / a request to postpone must be made at least "
            f"{rule.days} days before the hearing ({rule.basis})")


def absence_consequences(kind: SittingKind, marks: dict[str, Mark]) -> list[tuple[str, Consequence]]:
    """Each party absent without good reason, with the consequence the law attaches (to be confirmed)."""
    found = []
    for party, mark in marks.items():
        consequence = ABSENCE.get((kind, party_kind(party)))
        if mark is Mark.absent and consequence is not None:
            found.append((party, consequence))
    return found


def _hhmm(value: str) -> str:
    time.fromisoformat(value)
    return value


ClockTime = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", examples=["14:30"]), AfterValidator(_hhmm)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SittingSchedule(_Frozen):
    """A session or hearing to set: day and time (Beijing), length, place or online meeting link."""

    on: PlannedDate
    at: ClockTime
    minutes: int = Field(default=90, ge=15, le=480)
    place: str = Field(default="", max_length=200)
    online_link: str = Field(default="", max_length=300, pattern=r"^$|^https://\S+$")

    @model_validator(mode="after")
    def _where(self) -> SittingSchedule:
        if not self.place.strip() and not self.online_link:
            raise ValueError("请填写地点或线上会议链接 / give a place or an online meeting link")
        return self

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.on, time.fromisoformat(self.at), CHINA_TZ)


class SittingChange(_Frozen):
    """Postpone (a new day, with the reason) or move a sitting already set."""

    sitting: int = Field(ge=1)
    on: PlannedDate
    at: ClockTime
    reason: str = Field(min_length=2, max_length=500)
    requested_by_party: bool = False
    requested_on: PastDate | None = None


class RespondentMark(_Frozen):
    seq: int = Field(ge=1)
    mark: Mark


class Attendance(_Frozen):
    """Who came to a sitting that was held."""

    sitting: int = Field(ge=1)
    applicant: Mark
    respondents: tuple[RespondentMark, ...] = ()


class ConsequenceDecision(_Frozen):
    """The arbitrator confirms (or not) the consequence of an absence."""

    confirm: bool
    note: str = Field(default="", max_length=500)


class Sitting(_Frozen):
    """A sitting as the calendar and the notices show it (no personal data: parties by role and seq)."""

    case_no: str
    number: int
    kind: SittingKind
    starts_at: datetime
    minutes: int
    place: str
    online_link: str
    summoned: tuple[str, ...]
    organisation: str
    team_code: str | None
    convened_by: str | None  # the staff member who set it
    status: str = "scheduled"  # scheduled | postponed | held | cancelled
    version: int = 1  # each change is notified again
    reason: str = ""
    notified_on: date


class SittingNotice(_Frozen):
    """What the `notify-sitting` activity needs: the sitting as set now and the workflow that set it."""

    sitting: Sitting
    workflow_id: str
    subject: str
