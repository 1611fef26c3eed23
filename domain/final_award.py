"""Final (一裁终局) or not: LDMAL Art. 47 and the SPC interpretation (一) Art. 18-20.

An award is final for claims of pay, work-injury medical costs, economic compensation or damages
where each item does not exceed 12 times the local monthly minimum wage, and for disputes over
national standards on working time, rest and leave, social insurance. The award's own statement
governs (Art. 18); when silent, each item is tested (Art. 19); a mixed award is non-final (Art. 20).
A province's own regulation may make more kinds final whatever the amount (Zhejiang's Art. 37:
work-injury benefits): its jurisdiction profile names them (`domain.rules.local_final_award`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from domain.actions import AwardItem, AwardStatement
from domain.case import ClaimKind
from domain.regions import MinimumWage, region
from domain.rules import LocalFinalAward, local_final_award
from domain.statutes import citation

MONEY_KINDS = frozenset(
    {
        ClaimKind.wages,
        ClaimKind.overtime_pay,
        ClaimKind.economic_compensation,
        ClaimKind.damages,
        ClaimKind.double_wage,
        ClaimKind.medical_costs,
    }
)
STANDARD_KINDS = frozenset({ClaimKind.social_insurance})  # national-standard disputes (Art. 47(2))
THRESHOLD_MONTHS = 12


class AwardClass(StrEnum):
    final = "final"
    non_final = "non_final"


class ItemClass(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: ClaimKind
    granted: Decimal
    final: bool
    reason_zh: str
    reason_en: str


class Classification(BaseModel):
    """The award's class with the reason for each item and the threshold used."""

    model_config = ConfigDict(frozen=True)

    award_class: AwardClass
    threshold: Decimal
    minimum_wage: MinimumWage
    items: tuple[ItemClass, ...]
    basis: str
    explanation_zh: str
    explanation_en: str


def _item(item: AwardItem, threshold: Decimal, local: LocalFinalAward | None) -> ItemClass:
    if item.kind in STANDARD_KINDS:
        return ItemClass(
            kind=item.kind,
            granted=item.granted,
            final=True,
            reason_zh="国家劳动标准争议（第四十七条第二项）",
            reason_en="national labour standard (Art. 47(2))",
        )
    if local is not None and item.kind.value in local.kinds:
        return ItemClass(kind=item.kind, granted=item.granted, final=True, reason_zh=local.reason_zh, reason_en=local.reason_en)
    if item.kind in MONEY_KINDS and item.granted <= threshold:
        return ItemClass(
            kind=item.kind,
            granted=item.granted,
            final=True,
            reason_zh=f"{item.granted}元未超过{threshold}元",
            reason_en=f"{item.granted} does not exceed {threshold}",
        )
    reason = (
        (f"{item.granted}元超过{threshold}元", f"{item.granted} exceeds {threshold}")
        if item.kind in MONEY_KINDS
        else ("非第四十七条所列事项", "not a matter listed in Art. 47")
    )
    return ItemClass(kind=item.kind, granted=item.granted, final=False, reason_zh=reason[0], reason_en=reason[1])


def classify_award(
    items: Sequence[AwardItem], statement: AwardStatement, region_code: str, awarded_on: date, *, local_kinds: bool = True
) -> Classification:
    """Classify an award per item against 12x the local monthly minimum wage on the award date, and
    the kinds the region's own regulation makes final on that date (`local_kinds=False`: the
    national test alone)."""
    place = region(region_code)
    wage = place.minimum_wage_on(awarded_on)
    threshold = wage.monthly * THRESHOLD_MONTHS
    local = local_final_award(place.jurisdiction) if local_kinds else None
    if local is not None and awarded_on < local.from_:
        local = None
    classified = tuple(_item(item, threshold, local) for item in items)
    applied = local if local is not None and any(item.reason_zh == local.reason_zh for item in classified) else None
    if statement is AwardStatement.final:
        award_class, why_zh, why_en = (
            AwardClass.final,
            "裁决书载明为终局裁决（解释一第十八条）",
            "the award states it is final (Interp. I Art. 18)",
        )
    elif statement is AwardStatement.non_final:
        award_class, why_zh, why_en = (
            AwardClass.non_final,
            "裁决书载明为非终局裁决（解释一第十八条）",
            "the award states it is not final (Interp. I Art. 18)",
        )
    elif all(item.final for item in classified):
        award_class, why_zh, why_en = (
            AwardClass.final,
            "各项均符合终局条件（解释一第十九条）",
            "every item qualifies as final (Interp. I Art. 19)",
        )
    else:
        award_class, why_zh, why_en = (
            AwardClass.non_final,
            "含非终局事项，整体按非终局处理（解释一第二十条）",
            "a mixed award is treated as non-final (Interp. I Art. 20)",
        )
    return Classification(
        award_class=award_class,
        threshold=threshold,
        minimum_wage=wage,
        items=classified,
        basis=_basis(applied),
        explanation_zh=f"{why_zh}；标准为当地月最低工资{wage.monthly}元的12倍，即{threshold}元（{wage.source}）",
        explanation_en=f"{why_en}; threshold 12 x local monthly minimum wage {wage.monthly} = {threshold} ({wage.source})",
    )


def _basis(local: LocalFinalAward | None) -> str:
    zh, en = "《劳动争议调解仲裁法》第四十七条；最高法解释（一）第十八至二十条", "LDMAL Art. 47; SPC Interp. I Art. 18-20"
    if local is not None:
        local_zh, local_en = citation(local.refs)
        zh, en = f"{zh}；{local_zh}", f"{en}; {local_en}"
    return f"{zh} / {en}"
