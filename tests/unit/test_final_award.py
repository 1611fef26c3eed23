"""Final award (一裁终局) or not: one row per rule of LDMAL Art. 47 and SPC Interpretation I Art. 18-20.

Art. 47(1): claims for pay, work-injury medical costs, economic compensation or damages "不超过当地月最低工资
标准十二个月金额" are final; Art. 47(2): national-standard disputes (working time, rest, social insurance)
are final. The award's own statement governs (Interp. I Art. 18); when it is silent every item must be
within the figure (Art. 19); a mixed award is non-final (Art. 20). Thresholds are 12 x the monthly
minimum wage of the region's notice in force on the award date, multiplied here by hand; dates avoid
the days around a change unless the row is about the change.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.actions import AwardItem, AwardStatement
from domain.case import ClaimKind
from domain.final_award import AwardClass, classify_award

D = date
K = ClaimKind
FINAL, NON_FINAL = AwardClass.final, AwardClass.non_final
SILENT, SAYS_FINAL, SAYS_NON_FINAL = AwardStatement.unstated, AwardStatement.final, AwardStatement.non_final
SH_2025 = ("shanghai-pudong", D(2025, 9, 1), "32880")  # 2,740 x 12 (Shanghai notice 2025, from 2025-07-01)
SH_2024 = ("shanghai-pudong", D(2024, 6, 3), "32280")  # 2,690 x 12 (Shanghai notice 2023, from 2023-07-01)
DG_2022 = ("dongguan", D(2022, 6, 1), "22800")  # 1,900 x 12 (粤府函〔2021〕119号, from 2021-12-01)
DG_2025 = ("dongguan", D(2025, 6, 3), "24600")  # 2,050 x 12 (Guangdong notice 2025, from 2025-03-01)
BJ_2024 = ("beijing-chaoyang", D(2024, 6, 3), "29040")  # 2,420 x 12 (Beijing notice 2023, from 2023-09-01)
HZ_2022 = ("hangzhou-xihu", D(2022, 6, 1), "27360")  # 2,280 x 12 (浙政发〔2021〕18号, from 2021-08-01)

A47_1 = "LDMAL Art. 47(1); SPC Interpretation I Art. 19"
A47_2 = "LDMAL Art. 47(2)"
ZJ_37 = "Zhejiang Mediation and Arbitration Regulation Art. 37 (工伤保险待遇赔付, whatever the amount)"
NOT_LISTED = "LDMAL Art. 47, 50 (not a matter listed in Art. 47)"

Items = tuple[tuple[ClaimKind, str], ...]
# (what the award is, (region, award date, 12 x minimum wage), statement, items granted, award class, item finals, basis)
Row = tuple[str, tuple[str, date, str], AwardStatement, Items, AwardClass, tuple[bool, ...], str]
ROWS: list[Row] = [
    ("pay of exactly 12 months' minimum wage", SH_2025, SILENT, ((K.wages, "32880.00"),), FINAL, (True,), A47_1),
    ("pay one fen above 12 months' minimum wage", SH_2025, SILENT, ((K.wages, "32880.01"),), NON_FINAL, (False,), A47_1),
    ("pay one fen below 12 months' minimum wage", SH_2025, SILENT, ((K.wages, "32879.99"),), FINAL, (True,), A47_1),
    ("pay at the earlier, lower figure", SH_2024, SILENT, ((K.wages, "32280.00"),), FINAL, (True,), A47_1),
    ("the later figure is not yet in force", SH_2024, SILENT, ((K.wages, "32880.00"),), NON_FINAL, (False,), A47_1),
    (
        "day before the new minimum wage",
        ("shanghai-pudong", D(2025, 6, 30), "32280"),
        SILENT,
        ((K.wages, "32280.01"),),
        NON_FINAL,
        (False,),
        A47_1 + " (minimum wage in force on the award date)",
    ),
    (
        "day the new minimum wage takes effect",
        ("shanghai-pudong", D(2025, 7, 1), "32880"),
        SILENT,
        ((K.wages, "32280.01"),),
        FINAL,
        (True,),
        A47_1 + " (minimum wage in force on the award date)",
    ),
    ("overtime pay is pay (劳动报酬)", HZ_2022, SILENT, ((K.overtime_pay, "27360"),), FINAL, (True,), A47_1),
    ("overtime pay above the figure", HZ_2022, SILENT, ((K.overtime_pay, "27360.01"),), NON_FINAL, (False,), A47_1),
    ("economic compensation at the figure", DG_2022, SILENT, ((K.economic_compensation, "22800"),), FINAL, (True,), A47_1),
    ("economic compensation above", DG_2022, SILENT, ((K.economic_compensation, "22800.01"),), NON_FINAL, (False,), A47_1),
    ("damages (赔偿金) at the figure", DG_2025, SILENT, ((K.damages, "24600"),), FINAL, (True,), A47_1),
    ("damages above the figure", DG_2025, SILENT, ((K.damages, "24600.01"),), NON_FINAL, (False,), A47_1),
    ("double wage is 赔偿金", BJ_2024, SILENT, ((K.double_wage, "29040"),), FINAL, (True,), A47_1 + "; LCL Art. 82"),
    ("work-injury medical costs at the figure", BJ_2024, SILENT, ((K.medical_costs, "29040"),), FINAL, (True,), A47_1),
    ("work-injury medical costs above", BJ_2024, SILENT, ((K.medical_costs, "29040.01"),), NON_FINAL, (False,), A47_1),
    ("social insurance: national standard, any amount", SH_2025, SILENT, ((K.social_insurance, "250000"),), FINAL, (True,), A47_2),
    ("injury benefits: only medical costs are listed", DG_2022, SILENT, ((K.injury_benefits, "10000"),), NON_FINAL, (False,), NOT_LISTED),
    ("reinstatement", SH_2025, SILENT, ((K.reinstatement, "0"),), NON_FINAL, (False,), NOT_LISTED),
    ("confirmation of a labour relationship", SH_2025, SILENT, ((K.relationship_confirmation, "0"),), NON_FINAL, (False,), NOT_LISTED),
    ("another matter", SH_2025, SILENT, ((K.other, "100"),), NON_FINAL, (False,), NOT_LISTED),
    (
        "two pay items each within, together above the figure",
        SH_2025,
        SILENT,
        ((K.wages, "20000"), (K.overtime_pay, "20000")),
        FINAL,
        (True, True),
        "SPC Interpretation I Art. 19 (each item)",
    ),
    (
        "pay within and damages above: mixed",
        SH_2025,
        SILENT,
        ((K.wages, "20000"), (K.damages, "40000")),
        NON_FINAL,
        (True, False),
        "SPC Interpretation I Art. 20",
    ),
    (
        "pay within and reinstatement: mixed",
        BJ_2024,
        SILENT,
        ((K.wages, "5000"), (K.reinstatement, "0")),
        NON_FINAL,
        (True, False),
        "SPC Interpretation I Art. 20",
    ),
    (
        "pay within and social insurance",
        DG_2025,
        SILENT,
        ((K.wages, "10000"), (K.social_insurance, "50000")),
        FINAL,
        (True, True),
        "LDMAL Art. 47(1), 47(2); SPC Interpretation I Art. 19",
    ),
    (
        "award says final although pay exceeds the figure",
        SH_2025,
        SAYS_FINAL,
        ((K.wages, "100000"),),
        FINAL,
        (False,),
        "SPC Interpretation I Art. 18",
    ),
    (
        "award says non-final although pay is within the figure",
        SH_2025,
        SAYS_NON_FINAL,
        ((K.wages, "1000"),),
        NON_FINAL,
        (True,),
        "SPC Interpretation I Art. 18",
    ),
    (
        "Zhejiang: social-insurance contributions",
        HZ_2022,
        SILENT,
        ((K.social_insurance, "80000"),),
        FINAL,
        (True,),
        A47_2 + "; Zhejiang Mediation and Arbitration Regulation Art. 37",
    ),
    ("Zhejiang: work-injury benefit award", HZ_2022, SILENT, ((K.injury_benefits, "50000"),), FINAL, (True,), ZJ_37),
    (
        "Zhejiang: injury benefits with pay within the figure",
        HZ_2022,
        SILENT,
        ((K.injury_benefits, "90000"), (K.wages, "20000")),
        FINAL,
        (True, True),
        ZJ_37 + "; SPC Interpretation I Art. 19",
    ),
    (
        "Zhejiang: injury benefits with pay above the figure: mixed",
        HZ_2022,
        SILENT,
        ((K.injury_benefits, "90000"), (K.wages, "30000")),
        NON_FINAL,
        (True, False),
        ZJ_37 + " ¶4; SPC Interpretation I Art. 20",
    ),
    (
        "Zhejiang: reinstatement is still not listed",
        HZ_2022,
        SILENT,
        ((K.reinstatement, "0"),),
        NON_FINAL,
        (False,),
        NOT_LISTED + "; Zhejiang Art. 37 names no such dispute",
    ),
    (
        "Zhejiang before the regulation took effect (2016-01-01)",
        ("hangzhou-xihu", D(2015, 12, 31), "27360"),  # the earliest figure known here
        SILENT,
        ((K.injury_benefits, "50000"),),
        NON_FINAL,
        (False,),
        ZJ_37 + "; Art. 48 (in force from 2016-01-01)",
    ),
    ("work-injury benefits outside Zhejiang", SH_2025, SILENT, ((K.injury_benefits, "5000"),), NON_FINAL, (False,), NOT_LISTED),
]

def _row_id(row: Row) -> str:
    region, awarded_on, _ = row[1]
    return f"{region} {awarded_on} {row[2].value}: {row[0]} [{row[6]}]"


CASES = [pytest.param(*row, id=_row_id(row)) for row in ROWS]


@pytest.mark.parametrize(("award", "where", "statement", "items", "expected", "finals", "basis"), CASES)
def test_award_class(
    award: str,
    where: tuple[str, date, str],
    statement: AwardStatement,
    items: Items,
    expected: AwardClass,
    finals: tuple[bool, ...],
    basis: str,
) -> None:
    region, awarded_on, threshold = where
    granted = [AwardItem(kind=kind, claimed=Decimal(amount), granted=Decimal(amount)) for kind, amount in items]
    result = classify_award(granted, statement, region, awarded_on)
    assert result.threshold == Decimal(threshold), award
    assert result.award_class is expected, award
    assert tuple(item.final for item in result.items) == finals, award
    assert "LDMAL Art. 47" in result.basis and "Art. 18-20" in result.basis
    assert f"= {result.threshold}" in result.explanation_en and f"即{result.threshold}元" in result.explanation_zh


def test_the_amount_awarded_decides_not_the_amount_claimed() -> None:
    """SPC Interpretation I Art. 19: "每项确定的数额" — the amount the award fixes, not the claim."""
    item = AwardItem(kind=K.wages, claimed=Decimal(90000), granted=Decimal(30000))
    assert classify_award([item], SILENT, "shanghai-pudong", D(2025, 9, 1)).award_class is FINAL


def test_a_local_final_kind_is_cited_and_can_be_left_out() -> None:
    """Zhejiang Art. 37 is named where it decides; `local_kinds=False` (how awards recorded before it
    was applied replay) gives the national test alone."""
    item = AwardItem(kind=K.injury_benefits, claimed=Decimal(50000), granted=Decimal(50000))
    local = classify_award([item], SILENT, "hangzhou-xihu", D(2022, 6, 1))
    assert "第三十七条" in local.basis and "Art. 37" in local.basis and "第三十七条" in local.items[0].reason_zh
    national = classify_award([item], SILENT, "hangzhou-xihu", D(2022, 6, 1), local_kinds=False)
    assert national.award_class is NON_FINAL and "第三十七条" not in national.basis
    pay = AwardItem(kind=K.wages, claimed=Decimal(1000), granted=Decimal(1000))
    assert "第三十七条" not in classify_award([pay], SILENT, "hangzhou-xihu", D(2022, 6, 1)).basis
