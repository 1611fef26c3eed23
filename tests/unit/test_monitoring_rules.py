"""The monitoring rules: day bands, percentiles by nearest rank, suppression, the level and outcome
of a closed case (LDMAL Art. 2 out of scope, Art. 14 agreements, Art. 47 final awards)."""

from __future__ import annotations

from datetime import date

import pytest

from domain.monitoring import MonitoredCase, OutcomeEvent, day_bucket, outcome_of, percentile, resolved_level, suppressed

BANDS = [(0, 0), (1, 1), (60, 60), (61, 70), (70, 70), (71, 80), (180, 180), (181, 210), (720, 720), (721, 9999)]


@pytest.mark.parametrize(("days", "band"), BANDS)
def test_day_bands(days: int, band: int) -> None:
    assert day_bucket(days) == band


@pytest.mark.parametrize(("histogram", "share", "expected"), [
    ({1: 1, 7: 1, 15: 1, 50: 1, 100: 1}, 0.5, 15),
    ({1: 1, 7: 1, 15: 1, 50: 1, 100: 1}, 0.9, 100),
    ({3: 10}, 0.9, 3),
    ({2: 9, 40: 1}, 0.9, 2),  # nearest rank: the 9th of 10
    ({}, 0.5, None),
])
def test_percentile_nearest_rank(histogram: dict[int, int], share: float, expected: int | None) -> None:
    assert percentile(histogram, share) == expected


@pytest.mark.parametrize(("workers", "hidden"), [(0, False), (1, True), (4, True), (5, False)])
def test_suppression_below_five(workers: int, hidden: bool) -> None:
    assert suppressed(workers, 5) is hidden


def _closed(channel: str, state: str, *events: OutcomeEvent) -> MonitoredCase:
    return MonitoredCase(channel=channel, filed_on=date(2026, 1, 5), closed_on=date(2026, 2, 1), closing_state=state, events=events)


PAID = OutcomeEvent("agreement_payment", date(2026, 1, 30), {"amount": "100.00"})
FINAL_AWARD = OutcomeEvent("award", date(2026, 1, 25), {"final": True})
AGREEMENT = OutcomeEvent("mediation_agreement", date(2026, 1, 20), {"channel": "enterprise_committee", "items": {"damages": "100.00"}})


@pytest.mark.parametrize(("case", "outcome", "level"), [
    (_closed("negotiation", "closed_out_of_scope"), "out_of_scope", "negotiation"),  # LDMAL Art. 2
    (_closed("union_mediation", "closed_withdrawn"), "withdrawn", "union"),
    (_closed("judicial_confirmation", "closed_resolved", AGREEMENT), "agreement", "enterprise"),  # Art. 14: reached in mediation
    (_closed("judicial_confirmation", "closed_resolved", AGREEMENT, PAID), "agreement_performed", "enterprise"),
    (_closed("post_award", "closed_resolved", FINAL_AWARD), "award_final", "arbitration"),  # Art. 47
    (_closed("enforcement", "closed_resolved", OutcomeEvent("award", date(2026, 1, 25), {"final": False}),
             OutcomeEvent("judgment", date(2026, 1, 30), {"for_worker": True})), "judgment", "court"),
])
def test_outcome_and_level(case: MonitoredCase, outcome: str, level: str) -> None:
    found = outcome_of(case)
    assert found is not None and found.value == outcome
    assert resolved_level(case, found).value == level


def test_open_case_has_no_outcome() -> None:
    assert outcome_of(MonitoredCase(channel="arbitration", filed_on=date(2026, 1, 5))) is None
