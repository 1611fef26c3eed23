"""The one-year arbitration limitation (LDMAL Art. 27), assessed at intake in plain words.

- 1 year from the day the worker knew or should have known of the infringement (D01);
- restarts (中断) on a claim to the employer, a complaint to an authority or the employer's promise;
- pauses (中止) for force majeure or another valid reason;
- wage arrears while the labour relationship continues are not time-barred; after it ends, 1 year
  from the end (D02).
The software warns; the arbitration commission decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from pydantic import BaseModel, ConfigDict

from domain.calendar import Calendar
from domain.case import Category
from domain.deadlines import Deadline, compute_deadline
from domain.rules import InvalidOption

SAVING_EXCEPTIONS_ZH = (
    "以下情形可能使时效中断并重新计算：曾向用人单位主张权利（如书面催要工资）、曾向劳动监察、工会、调解组织等"
    "有关部门投诉或申请调解、用人单位曾同意支付；因不可抗力等正当理由无法申请的期间，时效中止。"
)
SAVING_EXCEPTIONS_EN = (
    "The clock restarts if you claimed the money from the employer (e.g. asked in writing), "
    "complained to an authority (labour inspection, the union, a mediation body) "
    "or the employer promised to pay; time when force "
    "majeure or another valid reason stopped you does not count."
)
DECIDER_ZH = "是否超过时效由仲裁委员会认定，系统不会阻止您申请。"
DECIDER_EN = "The arbitration commission decides whether the claim is time-barred; you can still apply."


class LimitationAssessment(BaseModel):
    """Whether a claim is within the limitation period, and the plain-language explanation."""

    model_config = ConfigDict(frozen=True)

    category: Category
    deadline: Deadline | None
    time_barred: bool
    exempt: bool
    days_left: int | None
    message_zh: str
    message_en: str


def _exempt(category: Category) -> LimitationAssessment:
    return LimitationAssessment(
        category=category,
        deadline=None,
        time_barred=False,
        exempt=True,
        days_left=None,
        message_zh=(
            "劳动关系存续期间因拖欠劳动报酬发生的争议，不受一年仲裁时效限制（《劳动争议调解仲裁法》第二十七条第四款）。"
            "但劳动关系终止后，应当自终止之日起一年内申请仲裁。"
        ),
        message_en=(
            "While you are still employed, a claim for unpaid wages is not subject to the "
            "one-year limitation (LDMAL Art. 27 para. 4). "
            "Once the employment ends, you must apply within one year of its end."
        ),
    )


def _which_rule(category: Category, knew_on: date, still_employed: bool, employment_ended_on: date | None) -> tuple[str, date]:
    if category is Category.wage_arrears and not still_employed:
        if employment_ended_on is None:
            raise InvalidOption("employment_ended_on is required for wage arrears when the worker is no longer employed")
        if knew_on <= employment_ended_on:
            return "D02", employment_ended_on
    return "D01", knew_on


def _messages(deadline: Deadline, today: date, barred: bool) -> tuple[str, str]:
    assert deadline.due is not None
    due = deadline.due.isoformat()
    if deadline.rule == "D02":
        what_zh, what_en = "劳动关系终止之日起一年", "one year from the end of your employment"
    else:
        what_zh, what_en = (
            "知道或者应当知道权利被侵害之日起一年",
            "one year from when you knew of the infringement",
        )
    if barred:
        zh = f"注意：按{what_zh}计算，时效最后一日为{due}，已经过去{(today - deadline.due).days}天。{SAVING_EXCEPTIONS_ZH}{DECIDER_ZH}"
        en = (
            f"Warning: counting {what_en}, the last day was {due}, "
            f"{(today - deadline.due).days} days ago. "
            f"{SAVING_EXCEPTIONS_EN} {DECIDER_EN}"
        )
    else:
        left = (deadline.due - today).days
        zh = f"按{what_zh}计算，申请仲裁的最后一日为{due}，还剩{left}天。"
        zh += f"请尽早申请。{SAVING_EXCEPTIONS_ZH}"
        en = f"Counting {what_en}, the last day to apply for arbitration is {due}: {left} days left. Apply early. " + SAVING_EXCEPTIONS_EN
    if deadline.provisional:
        zh += "（日期为暂定，官方放假安排录入后可能变化。）"
        en += " (The date is provisional until the official holiday schedule is added.)"
    return zh, en


def assess_limitation(
    category: str,
    knew_on: date,
    *,
    still_employed: bool,
    employment_ended_on: date | None,
    restarts: Sequence[date] = (),
    suspensions: Sequence[tuple[date, date]] = (),
    today: date,
    jurisdiction: str = "national",
    calendar: Calendar | None = None,
) -> LimitationAssessment:
    """Assess the arbitration limitation for one claim category as of `today`."""
    try:
        kind = Category(category)
    except ValueError:
        valid = ", ".join(item.value for item in Category)
        raise InvalidOption(f"unknown category '{category}': valid categories are {valid}") from None
    if kind is Category.wage_arrears and still_employed:
        return _exempt(kind)
    rule_id, start = _which_rule(kind, knew_on, still_employed, employment_ended_on)
    deadline = compute_deadline(
        rule_id,
        start,
        jurisdiction=jurisdiction,
        calendar=calendar,
        suspensions=suspensions,
        restarts=restarts,
    )
    assert deadline.due is not None
    barred = today > deadline.due
    zh, en = _messages(deadline, today, barred)
    return LimitationAssessment(
        category=kind,
        deadline=deadline,
        time_barred=barred,
        exempt=False,
        days_left=None if barred else (deadline.due - today).days,
        message_zh=zh,
        message_en=en,
    )
