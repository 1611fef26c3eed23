"""Criminal referral for refusal to pay wages (Criminal Law Art. 276-1; SPC 法释〔2013〕3号 Art. 3-4):
the amount is "relatively large" and the employer still did not pay after a government order."""

from __future__ import annotations

import json
from decimal import Decimal
from enum import StrEnum
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict


class ThresholdResult(StrEnum):
    met = "met"  # above the figure in force (or above every province's figure)
    provincial_check = "provincial_check"  # inside the national range: the provincial figure decides
    not_met = "not_met"


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


def assess_criminal_threshold(amount: Decimal, worker_count: int, months_unpaid: int, jurisdiction: str) -> ThresholdResult:
    """Whether unpaid wages after an order to pay reach the 'relatively large' amount."""
    figures = thresholds(jurisdiction)
    if worker_count >= figures.group_workers:
        low, high = figures.group_min, figures.group_max
    elif months_unpaid >= figures.single_months:
        low, high = figures.single_min, figures.single_max
    else:
        return ThresholdResult.not_met
    if amount >= high:
        return ThresholdResult.met
    if amount >= low:
        return ThresholdResult.provincial_check
    return ThresholdResult.not_met
