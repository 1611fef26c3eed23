"""Criminal referral for refusal to pay wages: the "relatively large" amount, one row per boundary.

Criminal Law Art. 276-1 makes the offence depend on a "数额较大" amount; SPC 法释〔2013〕3号 Art. 3 fixes it
at one worker unpaid for 3 months or more totalling 5,000-20,000 yuan or more, or 10 or more workers
totalling 30,000-100,000 yuan or more, each province choosing its figure inside the range. "以上"
includes the figure itself (Criminal Law Art. 99). Expected results are read from those texts: at or
above the top of the range the threshold is met in every province, inside the range the province's
figure decides, below it it is met nowhere. The two alternatives are either-or ("具有下列情形之一"):
Art. 3(1) weighs what ONE worker is owed (the row's last column, the most owed to one of them), so
the total owed to 2-9 workers is not measured against the one-worker figure, and 10 or more workers
can meet Art. 3(1) through one of them. When several workers' total is all that is recorded and it
does not settle the question, the answer says so (`per_worker_check`). `basis` is the article each
row tests.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from domain.actions import OrderToPay
from domain.criminal import ThresholdResult, assess_criminal_threshold, assess_criminal_threshold_total_only, thresholds

MET = ThresholdResult.met
CHECK = ThresholdResult.provincial_check
NOT_MET = ThresholdResult.not_met
PER_WORKER = ThresholdResult.per_worker_check
ONE = "Criminal Law Art. 276-1; SPC 2013 Interpretation Art. 3(1)"
GROUP = "Criminal Law Art. 276-1; SPC 2013 Interpretation Art. 3(2)"
BOTH = "SPC 2013 Interpretation Art. 3(1) and 3(2): either suffices ('具有下列情形之一')"
CQ = "SPC 2013 Interpretation Art. 3 para. 2; Chongqing 渝人社发〔2014〕202号"

# (what the case is, amount, workers, months unpaid, jurisdiction, expected, basis, most owed to one worker)
Row = tuple[str, str, int, int, str, ThresholdResult, str, str | None]
ROWS: list[Row] = [
    ("one worker, 3 months, just under the lowest figure", "4999.99", 1, 3, "national", NOT_MET, ONE, None),
    ("one worker, 3 months, the lowest figure a province may set", "5000", 1, 3, "national", CHECK, ONE, None),
    ("one worker, 3 months, just under the highest figure", "19999.99", 1, 3, "national", CHECK, ONE, None),
    ("one worker, 3 months, the highest figure: met in every province", "20000", 1, 3, "national", MET, ONE, None),
    ("one worker, 12 months, far above the range", "60000", 1, 12, "national", MET, ONE, None),
    ("one worker, 2 months: fewer than 3 months is never enough", "20000", 1, 2, "national", NOT_MET, ONE, None),
    ("one worker, 2 months, a large amount still needs 3 months", "500000", 1, 2, "national", NOT_MET, ONE, None),
    ("2 workers owed 20,000 each for 3 months", "40000", 2, 3, "national", MET, ONE, None),
    ("2 workers owed 20,000 each, the figure given", "40000", 2, 3, "national", MET, ONE, "20000"),
    ("9 workers owed 500 each: under 10 workers and under every figure", "4500", 9, 3, "national", NOT_MET, ONE, None),
    ("9 workers owed 3,000 each for 3 months (27,000 in total)", "27000", 9, 3, "national", NOT_MET, ONE, "3000"),
    ("9 workers, 27,000, one of them owed 21,000", "27000", 9, 3, "national", MET, ONE, "21000"),
    ("9 workers, 27,000, one of them owed 6,000", "27000", 9, 3, "national", CHECK, ONE, "6000"),
    ("9 workers, 27,000, what each is owed not recorded: it decides", "27000", 9, 3, "national", PER_WORKER, ONE, None),
    ("4 workers, 24,000, not recorded: the average 6,000 is in the range at least", "24000", 4, 3, "national", CHECK, ONE, None),
    ("9 workers, 27,000 for 2 months: Art. 3(1) needs 3 months", "27000", 9, 2, "national", NOT_MET, ONE, None),
    ("10 workers: one owed 20,000 for 3 months, nine owed 500 each (24,500)", "24500", 10, 3, "national", MET, BOTH, "20000"),
    ("10 workers, 24,500, one owed 6,000: the one-worker figure decides", "24500", 10, 3, "national", CHECK, BOTH, "6000"),
    ("10 workers, 24,500 for 1 month: neither alternative", "24500", 10, 1, "national", NOT_MET, BOTH, "20000"),
    ("10 workers, 24,500, not recorded", "24500", 10, 3, "national", PER_WORKER, BOTH, None),
    ("10 workers, 100,000 owed 10,000 each: the collective figure is met", "100000", 10, 3, "national", MET, BOTH, "10000"),
    ("10 workers, just under the lowest collective figure", "29999.99", 10, 1, "national", NOT_MET, GROUP, None),
    ("10 workers, the lowest collective figure (no months condition)", "30000", 10, 1, "national", CHECK, GROUP, None),
    ("10 workers, just under the highest collective figure", "99999.99", 10, 1, "national", CHECK, GROUP, None),
    ("10 workers, the highest collective figure: met in every province", "100000", 10, 1, "national", MET, GROUP, None),
    ("120 workers, far above the collective range", "1500000", 120, 2, "national", MET, GROUP, None),
    ("a province without its own figures uses the national range", "5000", 1, 3, "zhejiang", CHECK, ONE, None),
    ("Chongqing one worker, just under its 10,000", "9999.99", 1, 3, "chongqing", NOT_MET, CQ, None),
    ("Chongqing one worker, its 10,000", "10000", 1, 3, "chongqing", MET, CQ, None),
    ("Chongqing one worker, 10,000 but 2 months", "10000", 1, 2, "chongqing", NOT_MET, CQ, None),
    ("Chongqing 10 workers, just under its 60,000", "59999.99", 10, 1, "chongqing", NOT_MET, CQ, None),
    ("Chongqing 10 workers, its 60,000", "60000", 10, 1, "chongqing", MET, CQ, None),
    ("Chongqing 3 workers, 30,000, one owed its 10,000", "30000", 3, 3, "chongqing", MET, CQ, "10000"),
]


def _row_id(row: Row) -> str:
    return f"{row[4]} {row[0]} [{row[6]}]"


@pytest.mark.parametrize(
    ("case", "amount", "workers", "months", "jurisdiction", "expected", "basis", "most_owed"),
    [pytest.param(*row, id=_row_id(row)) for row in ROWS],
)
def test_relatively_large_amount(
    case: str, amount: str, workers: int, months: int, jurisdiction: str, expected: ThresholdResult, basis: str, most_owed: str | None
) -> None:
    most = Decimal(most_owed) if most_owed is not None else None
    assert assess_criminal_threshold(Decimal(amount), workers, months, jurisdiction, most_owed_to_one=most) is expected, case


def test_the_earlier_reading_is_kept_for_replay_only() -> None:
    """What inspection workflows assessed before the per-worker reading (they replay with it): the
    total owed to 9 workers against the one-worker figure, which Art. 3(1) does not allow."""
    assert assess_criminal_threshold_total_only(Decimal(27000), 9, 3, "national") is MET
    assert assess_criminal_threshold(Decimal(27000), 9, 3, "national", most_owed_to_one=Decimal(3000)) is NOT_MET
    assert assess_criminal_threshold_total_only(Decimal(24500), 10, 3, "national") is NOT_MET


@pytest.mark.parametrize(
    ("amount", "workers", "most", "valid"),
    [("27000", 9, "3000", True), ("27000", 9, "27000", True), ("27000", 9, "2999.99", False), ("27000", 9, "27000.01", False),
     ("5000", 1, "5000", True), ("5000", 1, "4000", False)],
)
def test_an_order_states_what_one_worker_can_be_owed(amount: str, workers: int, most: str, valid: bool) -> None:
    """The most owed to one worker lies between the equal share and the whole amount."""
    fields = {"ordered_on": "2026-03-03", "pay_by": "2026-03-06", "amount": amount, "worker_count": workers,
              "months_unpaid": 3, "most_owed_to_one": most}
    if valid:
        assert OrderToPay.model_validate(fields).most_owed_to_one == Decimal(most)
    else:
        with pytest.raises(ValidationError, match="most_owed_to_one"):
            OrderToPay.model_validate(fields)


def test_national_figures_are_the_interpretations() -> None:
    """SPC 2013 Interpretation Art. 3: 3 months, 5,000-20,000; 10 workers, 30,000-100,000."""
    national = thresholds("national")
    assert (national.single_months, national.single_min, national.single_max) == (3, Decimal(5000), Decimal(20000))
    assert (national.group_workers, national.group_min, national.group_max) == (10, Decimal(30000), Decimal(100000))
    assert "法释〔2013〕3号" in national.source


@pytest.mark.parametrize("jurisdiction", ["chongqing", "zhejiang", "national"])
def test_provincial_figures_lie_inside_the_national_range(jurisdiction: str) -> None:
    """SPC 2013 Interpretation Art. 3 para. 2: a province fixes its figure within the national range."""
    national, local = thresholds("national"), thresholds(jurisdiction)
    assert national.single_min <= local.single_min <= local.single_max <= national.single_max
    assert national.group_min <= local.group_min <= local.group_max <= national.group_max
    assert (local.single_months, local.group_workers) == (national.single_months, national.group_workers)
