"""Pure rules of union supervision: which rung may follow which, when the lead may go to the
procuratorate, which reply period applies, and when the system suggests opening a matter.

Sources (labour-dispute-rules.md sections 7 and 15.3):
- Trade Union Law Art. 23 (工会法第二十三条): the union demands correction; if the employer refuses,
  the union may ask the local people's government to deal with it.
- Zhejiang Union Supervision Regulation (P18) Art. 20-24: investigation by two or more supervisors,
  opinion notice signed by the chair or vice-chair, written reply within 15 working days (D49),
  recommendation notice when the employer refuses the notice, does not reply in time or does not
  correct without valid reason.
- SPP-ACFTU 2024 notice on "一函两书": a county-level or higher union may transfer leads to the
  procuratorate for new-form, women, minor, disabled or older workers, or social-insurance or
  collective migrant-wage arrears, when the employer will not cooperate [M].
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict

from domain.calendar import Calendar
from domain.case import VulnerableGroup
from domain.deadlines import Deadline, compute_deadline
from domain.rules import jurisdiction, resolve_rule
from domain.supervision import ArrearsKind, LeadTransferDetails, Rung

LEVEL = {
    Rung.investigation: 0,
    Rung.reminder_letter: 1,
    Rung.opinion_notice: 2,
    Rung.recommendation_notice: 3,
    Rung.inspection_referral: 3,
    Rung.government_escalation: 4,
    Rung.lead_transfer: 4,
}
NATURAL_NEXT = {
    0: (Rung.reminder_letter,),
    1: (Rung.opinion_notice,),
    2: (Rung.recommendation_notice,),
    3: (Rung.government_escalation, Rung.lead_transfer),
    4: (Rung.government_escalation, Rung.lead_transfer),
}
ESCALATES_TO = {
    Rung.reminder_letter: Rung.opinion_notice,
    Rung.opinion_notice: Rung.recommendation_notice,
}
REPLY_RULES = {
    Rung.reminder_letter: "D54",
    Rung.opinion_notice: "D49",
    Rung.recommendation_notice: "D52",
}
MIN_REASON = 10
TRANSFER_GROUPS = frozenset(
    {
        VulnerableGroup.platform_worker,
        VulnerableGroup.woman,
        VulnerableGroup.minor,
        VulnerableGroup.disabled,
        VulnerableGroup.older,
    }
)
TRANSFER_ARREARS = frozenset({ArrearsKind.social_insurance, ArrearsKind.collective_migrant_wages})
SPP_ACFTU_2024 = "最高人民检察院、中华全国总工会《关于协同推进运用“一函两书”制度保障劳动者权益工作的通知》（2024）"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


# ---- the ladder ---------------------------------------------------


@dataclass(frozen=True)
class LadderState:
    """What a matter has done so far, as the entry rules need it."""

    investigated: bool = False
    highest: Rung | None = None  # highest rung entered (investigation counts as level 0)
    opinion_served: bool = False
    notice_served: bool = False

    @property
    def level(self) -> int:
        return LEVEL[self.highest] if self.highest is not None else 0


@dataclass(frozen=True)
class EntryCheck:
    problem: str | None
    direct: bool = False

    @property
    def allowed(self) -> bool:
        return self.problem is None


def _requirement(target: Rung, state: LadderState) -> str | None:
    if target in (Rung.opinion_notice, Rung.recommendation_notice, Rung.lead_transfer) and not state.investigated:
        return (
            f"发出{target.zh}前须先记录两名以上监督员的调查"
            "（《浙江省工会劳动法律监督条例》第二十条、第二十一条） / "
            "record the investigation by two or more supervisors before "
            f"a {target.value} (Zhejiang P18 Art. 20-21)"
        )
    if target is Rung.recommendation_notice and not state.opinion_served:
        return (
            "建议书须以已送达的意见书为前提（《浙江省工会劳动法律监督条例》第二十三条） / "
            "a recommendation notice "
            "follows an opinion notice that was served (Zhejiang P18 Art. 23)"
        )
    if target is Rung.government_escalation and not state.notice_served:
        return (
            "提请人民政府处理须先要求用人单位改正并送达文书（《工会法》第二十三条） / "
            "ask the government only after a "
            "notice demanding correction was served (Trade Union Law Art. 23)"
        )
    return None


def check_entry(target: Rung, state: LadderState, reason: str = "") -> EntryCheck:
    """May the matter enter `target` now? Skipping a rung is allowed with a recorded reason."""
    if target is Rung.investigation or target is Rung.inspection_referral:
        return EntryCheck(f"“{target.zh}”不能直接进入 / '{target.value}' is not entered by a draft")
    if LEVEL[target] < state.level:
        highest = state.highest.zh if state.highest else ""
        return EntryCheck(
            f"本事项已进行到“{highest}”，不能退回“{target.zh}” / the matter is already at "
            f"'{state.highest.value if state.highest else ''}'; "
            f"the ladder does not go back to '{target.value}'"
        )
    problem = _requirement(target, state)
    if problem:
        return EntryCheck(problem)
    direct = target not in NATURAL_NEXT[state.level] and LEVEL[target] != state.level
    if direct and len(reason.strip()) < MIN_REASON:
        skipped = "、".join(r.zh for r in NATURAL_NEXT[state.level])
        return EntryCheck(
            f"直接进入“{target.zh}”将跳过“{skipped}”，请填写理由（至少{MIN_REASON}个字） / "
            f"entering '{target.value}' directly skips a rung: "
            f"record the reason (at least {MIN_REASON} characters)"
        )
    return EntryCheck(None, direct=direct)


def escalation_target(rung: Rung) -> Rung | None:
    """The notice pre-drafted when the employer does not reply in time or refuses (rules 15.3)."""
    return ESCALATES_TO.get(rung)


# ---- lead transfer to the procuratorate ---------------------------


class TransferCheck(_Frozen):
    met: bool
    zh: str
    en: str


def transfer_conditions(details: LeadTransferDetails) -> TransferCheck:
    """SPP-ACFTU 2024: (special groups OR social-insurance / collective migrant-wage arrears) AND an
    employer that will not cooperate."""
    groups = sorted(g.value for g in TRANSFER_GROUPS.intersection(details.groups))
    arrears = sorted(a.value for a in TRANSFER_ARREARS.intersection(details.arrears))
    missing_zh, missing_en = [], []
    if not groups and not arrears:
        missing_zh.append("涉及新就业形态、女职工、未成年工、残疾或大龄劳动者，或者欠缴社会保险费、集体拖欠农民工工资")
        missing_en.append("platform, women, minor, disabled or older workers, or social-insurance or collective migrant-wage arrears")
    if details.employer_cooperating:
        missing_zh.append("用人单位拒不配合")
        missing_en.append("an employer that will not cooperate")
    if missing_zh:
        return TransferCheck(
            met=False,
            zh=f"不符合线索移送条件，尚缺：{'；'.join(missing_zh)}（{SPP_ACFTU_2024}）",
            en=f"lead transfer conditions not met; missing: {'; '.join(missing_en)} (SPP-ACFTU 2024 notice)",
        )
    basis = ", ".join(groups + arrears)
    return TransferCheck(
        met=True,
        zh=f"符合线索移送条件（{SPP_ACFTU_2024}）",
        en=f"lead transfer conditions met ({basis}; employer not cooperating)",
    )


# ---- reply periods ------------------------------------------------


def reply_rule(rung: Rung) -> str | None:
    """D54 (reminder letter, none by default), D49 (opinion notice), D52 (recommendation notice)."""
    return REPLY_RULES.get(rung)


def reply_profile(rule_id: str, home: str, default_profile: str) -> str:
    """The profile whose period applies: the matter's own, else (D49 only) the default profile."""
    rule, _ = resolve_rule(rule_id, home)
    if rule.length is not None or rule_id != "D49":
        return home
    return default_profile


def supervision_deadline(
    rule_id: str,
    start: date,
    *,
    home: str,
    default_profile: str,
    calendar: Calendar,
    **options: Any,
) -> Deadline:
    """A reply deadline; when the home profile sets no D49 period the default profile's (Zhejiang's
    15 working days) applies and the explanation says so."""
    profile = reply_profile(rule_id, home, default_profile)
    deadline = compute_deadline(rule_id, start, jurisdiction=profile, calendar=calendar, **options)
    if profile == home or deadline.due is None:
        return deadline
    own, used = jurisdiction(home), jurisdiction(profile)
    return deadline.model_copy(
        update={
            "explanation_zh": f"{own.name_zh}未规定此期限，默认参照{used.name_zh}的规定。" + deadline.explanation_zh,
            "explanation_en": f"{own.name_en} sets no such period; by default {used.name_en}'s rule applies. {deadline.explanation_en}",
            "warnings": (
                *deadline.warnings,
                f"default profile {profile} used: {home} sets no {rule_id} period",
            ),
        }
    )


# ---- suggestions --------------------------------------------------


class Complaint(_Frozen):
    """A dispute case as the suggestion rule sees it (no personal data)."""

    case_no: str
    employer_name: str
    employer_uscc: str | None
    filed_on: date
    collective: bool = False


class Suggestion(_Frozen):
    """Union staff should consider opening a supervision matter about this employer."""

    key: str  # the credit code, or case:<no> for a collective case without one
    employer_name: str
    employer_uscc: str | None
    reason: str  # repeated | collective
    case_nos: tuple[str, ...]
    first_filed_on: date
    last_filed_on: date


def clustered(days: Sequence[date], threshold: int, window_days: int) -> set[int]:
    """Indexes of sorted `days` inside a `window_days`-day window holding `threshold` or more."""
    found: set[int] = set()
    for start in range(len(days) - threshold + 1):
        end = start + threshold - 1
        if (days[end] - days[start]).days < window_days:
            found.update(range(start, end + 1))
    return found


def _suggest(cases: list[Complaint], reason: str, key: str) -> Suggestion:
    cases.sort(key=lambda c: (c.filed_on, c.case_no))
    return Suggestion(
        key=key,
        employer_name=cases[-1].employer_name,
        employer_uscc=cases[-1].employer_uscc,
        reason=reason,
        case_nos=tuple(c.case_no for c in cases),
        first_filed_on=cases[0].filed_on,
        last_filed_on=cases[-1].filed_on,
    )


def suggestions(complaints: Iterable[Complaint], *, threshold: int = 3, window_days: int = 90) -> list[Suggestion]:
    """`threshold` complaints naming one employer (same credit code) within `window_days` days,
    or any collective complaint: a suggestion listing those cases. Newest first."""
    if threshold < 1 or window_days < 1:
        raise ValueError("threshold and window_days must be at least 1")
    by_employer: dict[str, list[Complaint]] = defaultdict(list)
    found: list[Suggestion] = []
    for complaint in complaints:
        if complaint.employer_uscc:
            by_employer[complaint.employer_uscc].append(complaint)
        elif complaint.collective:
            found.append(_suggest([complaint], "collective", f"case:{complaint.case_no}"))
    for uscc, cases in by_employer.items():
        cases.sort(key=lambda c: (c.filed_on, c.case_no))
        picked = clustered([c.filed_on for c in cases], threshold, window_days)
        chosen = [c for i, c in enumerate(cases) if i in picked or c.collective]
        if chosen:
            found.append(_suggest(chosen, "repeated" if picked else "collective", uscc))
    return sorted(found, key=lambda s: (s.last_filed_on, s.key), reverse=True)


# ---- statistics ---------------------------------------------------


def rate(numerator: int, denominator: int) -> Decimal | None:
    """A percentage with one decimal, or None when nothing was counted."""
    if denominator == 0:
        return None
    return (Decimal(100 * numerator) / Decimal(denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
