"""Criminal referral for refusal to pay wages (Criminal Law Art. 276-1; SPC 法释〔2013〕3号 Art. 3-4):
the amount is "relatively large" and the employer still did not pay after a government order."""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from functools import cache
from importlib import resources
from types import MappingProxyType

from pydantic import BaseModel, ConfigDict


class ThresholdResult(StrEnum):
    met = "met"  # above the figure in force (or above every province's figure)
    provincial_check = "provincial_check"  # inside the national range: the provincial figure decides
    per_worker_check = "per_worker_check"  # several workers, only their total known: what one of them is owed decides
    not_met = "not_met"


# The stronger of Art. 3's two alternatives holds ("具有下列情形之一"): met, then the checks, then not met.
_RANK = {
    ThresholdResult.not_met: 0,
    ThresholdResult.per_worker_check: 1,
    ThresholdResult.provincial_check: 2,
    ThresholdResult.met: 3,
}

# What a transfer to the police says about the amount, by result (none when it is met outright).
REFERRAL_NOTES: Mapping[ThresholdResult, tuple[str, str]] = MappingProxyType(
    {
        ThresholdResult.met: ("", ""),
        ThresholdResult.provincial_check: ("（数额在全国幅度内，须按本省标准核定）", " (the provincial figure decides)"),
        ThresholdResult.per_worker_check: (
            "（须核定单个劳动者被拖欠数额：一人三个月以上达到本省标准即为数额较大）",
            " (what one worker is owed decides: one worker owed the provincial figure for 3 months or more suffices)",
        ),
    }
)


class Thresholds(BaseModel):
    model_config = ConfigDict(frozen=True)

    single_min: Decimal
    single_max: Decimal
    single_months: int
    group_min: Decimal
    group_max: Decimal
    group_workers: int
    source: str
    confidence: str


@cache
def thresholds(jurisdiction: str) -> Thresholds:
    """The jurisdiction's figures, or the national range when it has none of its own."""
    data = json.loads(resources.files("domain").joinpath("data/criminal_thresholds.json").read_text("utf-8"))
    return Thresholds.model_validate(data.get(jurisdiction, data["national"]))


def assess_criminal_threshold(
    amount: Decimal,
    worker_count: int,
    months_unpaid: int,
    jurisdiction: str,
    *,
    most_owed_to_one: Decimal | None = None,
) -> ThresholdResult:
    """Whether wages still unpaid after an order to pay reach the "relatively large" amount (数额较大).

    SPC 法释〔2013〕3号 Art. 3 gives two alternatives, either of which suffices: (1) ONE worker unpaid
    for 3 months or more and owed the one-worker figure (5,000-20,000 yuan, the province's choice);
    (2) 10 or more workers owed the collective figure (30,000-100,000) in total, with no months
    condition. `amount` is the total the order covers, `months_unpaid` how many months of wages it
    covers, and `most_owed_to_one` the most owed to any one of the workers. For one worker that is
    the amount; for several, when it is not given, it is known only to lie between the average and
    the total, and where that range straddles the figure the answer is `per_worker_check`.
    """
    figures = thresholds(jurisdiction)
    group = ThresholdResult.not_met
    if worker_count >= figures.group_workers:
        group = _against(amount, figures.group_min, figures.group_max)
    single = ThresholdResult.not_met
    if months_unpaid >= figures.single_months:
        if most_owed_to_one is not None or worker_count == 1:
            owed = amount if most_owed_to_one is None else most_owed_to_one
            single = _against(owed, figures.single_min, figures.single_max)
        else:
            lowest = _against(amount / worker_count, figures.single_min, figures.single_max)
            highest = _against(amount, figures.single_min, figures.single_max)
            single = lowest if lowest is highest else max(lowest, ThresholdResult.per_worker_check, key=_RANK.__getitem__)
    return max(group, single, key=_RANK.__getitem__)


def _against(owed: Decimal, low: Decimal, high: Decimal) -> ThresholdResult:
    """"以上" includes the figure itself (Criminal Law Art. 99)."""
    if owed >= high:
        return ThresholdResult.met
    if owed >= low:
        return ThresholdResult.provincial_check
    return ThresholdResult.not_met


def assess_criminal_threshold_total_only(amount: Decimal, worker_count: int, months_unpaid: int, jurisdiction: str) -> ThresholdResult:
    """The reading before 2026-12-06, wrong in law: the total owed to fewer than 10 workers against the
    one-worker figure, and only the collective figure from 10 workers up. Kept only so that inspection
    workflows which assessed an ignored order with it replay as they ran (`workflow.patched`)."""
    figures = thresholds(jurisdiction)
    if worker_count >= figures.group_workers:
        return _against(amount, figures.group_min, figures.group_max)
    if months_unpaid >= figures.single_months:
        return _against(amount, figures.single_min, figures.single_max)
    return ThresholdResult.not_met
