"""Limitation (LDMAL Art. 27): restarts, pauses, the wage-arrears exception, story 6;
the what-if chain; and the pauses and restarts of the award period
(LDMAL Art. 43; 办案规则 Art. 46)."""

from __future__ import annotations

from datetime import date

import pytest

from domain.deadlines import InvalidOption, InvalidStart, compute_deadline
from domain.limitation import assess_limitation
from domain.whatif import WhatIfInput, whatif

D = date


def test_story_6_wage_arrears_after_termination_is_caught_at_intake() -> None:
    """Story 6: left 2025-05-09, opens the form 2026-05-11; last day 2026-05-09 (make-up Sat)."""
    late = assess_limitation(
        "wage_arrears",
        D(2025, 5, 9),
        still_employed=False,
        employment_ended_on=D(2025, 5, 9),
        today=D(2026, 5, 11),
    )
    assert late.deadline is not None and late.deadline.rule == "D02"
    assert late.deadline.due == D(2026, 5, 9)
    assert late.time_barred and not late.exempt
    assert "2026-05-09" in late.message_zh and "restarts" in late.message_en
    assert "仲裁委员会" in late.message_zh  # the commission decides, not the software
    on_time = assess_limitation(
        "wage_arrears",
        D(2025, 5, 9),
        still_employed=False,
        employment_ended_on=D(2025, 5, 9),
        today=D(2026, 5, 9),
    )
    assert not on_time.time_barred and on_time.days_left == 0


def test_wage_arrears_while_employed_are_not_time_barred() -> None:
    result = assess_limitation(
        "wage_arrears",
        D(2020, 1, 1),
        still_employed=True,
        employment_ended_on=None,
        today=D(2026, 11, 25),
    )
    assert result.exempt and not result.time_barred and result.deadline is None
    assert "第二十七条第四款" in result.message_zh


def test_other_claims_run_one_year_from_knowledge() -> None:
    result = assess_limitation(
        "unlawful_dismissal",
        D(2025, 3, 1),
        still_employed=False,
        employment_ended_on=D(2025, 3, 1),
        today=D(2026, 3, 3),
    )
    assert result.deadline is not None and result.deadline.rule == "D01"
    assert result.deadline.due == D(2026, 3, 2)  # 2026-03-01 is a Sunday
    assert result.time_barred


def test_a_claim_to_the_employer_restarts_the_year() -> None:
    result = assess_limitation(
        "overtime",
        D(2025, 3, 1),
        still_employed=True,
        employment_ended_on=None,
        restarts=[D(2025, 12, 1)],
        today=D(2026, 11, 25),
    )
    assert result.deadline is not None and result.deadline.due == D(2026, 12, 1)
    assert result.deadline.counted_from == D(2025, 12, 1)
    assert not result.time_barred and result.days_left == 6


def test_a_restart_after_expiry_does_not_revive_the_claim() -> None:
    deadline = compute_deadline("D01", D(2024, 3, 1), restarts=[D(2025, 6, 1)])
    assert deadline.due == D(2025, 3, 3)  # 2025-03-01 Saturday, 03-02 Sunday
    assert any("does not revive" in warning for warning in deadline.warnings)


def test_force_majeure_pauses_the_year() -> None:
    deadline = compute_deadline("D01", D(2025, 3, 1), suspensions=[(D(2025, 5, 1), D(2025, 5, 31))])
    assert deadline.suspended_days == 31
    assert deadline.due == D(2026, 4, 1)
    assert "31" in deadline.explanation_zh


def test_award_period_excludes_suspension_and_restarts_on_a_claim_change() -> None:
    paused = compute_deadline("D22", D(2026, 3, 23), suspensions=[(D(2026, 4, 1), D(2026, 4, 10))])
    assert paused.due == D(2026, 5, 18) and paused.suspended_days == 10  # day 55 is Sunday 05-17
    restarted = compute_deadline("D22", D(2026, 3, 23), restarts=[D(2026, 4, 10)])
    assert restarted.due == D(2026, 5, 25) and restarted.counted_from == D(2026, 4, 10)


def test_periods_that_cannot_pause_or_restart_say_so() -> None:
    with pytest.raises(
        InvalidOption, match="D03 cannot be suspended; rules that can: D01, D02, D22"
    ):
        compute_deadline("D03", D(2026, 3, 2), suspensions=[(D(2026, 3, 3), D(2026, 3, 4))])
    with pytest.raises(InvalidOption, match="D13 cannot restart"):
        compute_deadline("D13", D(2026, 3, 2), restarts=[D(2026, 3, 3)])
    with pytest.raises(InvalidStart, match="ends before it starts"):
        compute_deadline("D22", D(2026, 3, 2), suspensions=[(D(2026, 3, 9), D(2026, 3, 4))])


def test_whatif_story_1_road_ahead() -> None:
    """Story 1: mediation applied 2026-03-02; every later step takes its full statutory time."""
    chain = whatif(
        WhatIfInput(
            knew_on=D(2026, 2, 28),
            category="wage_arrears",
            still_employed=False,
            employment_ended_on=D(2026, 2, 28),
            mediation_applied_on=D(2026, 3, 2),
            final_award=True,
        )
    )
    steps = {step.key: step for step in chain.steps}
    assert [step.key for step in chain.steps] == [
        "limitation",
        "mediation",
        "arbitration_application",
        "acceptance",
        "award",
        "worker_sues",
        "employer_revokes",
    ]
    assert steps["mediation"].last_safe_day == D(2026, 3, 17)
    assert steps["arbitration_application"].on == D(2026, 3, 18)
    assert steps["arbitration_application"].last_safe_day == D(
        2027, 3, 2
    )  # restarted by mediation (D02)
    assert steps["acceptance"].last_safe_day == D(2026, 3, 23)
    assert steps["award"].last_safe_day == D(2026, 5, 7)
    assert "2026-05-22" in steps["award"].assumption_en  # with the 15-day extension
    assert steps["worker_sues"].last_safe_day == D(2026, 5, 22)
    assert steps["employer_revokes"].last_safe_day == D(2026, 6, 8)  # day 30 is Sunday 06-06
    assert not steps["award"].given and steps["mediation"].given


def test_whatif_uses_given_dates_and_warns_on_late_filing() -> None:
    chain = whatif(
        WhatIfInput(
            knew_on=D(2024, 1, 10),
            category="overtime",
            still_employed=True,
            arbitration_applied_on=D(2025, 3, 1),
            accepted_on=D(2025, 3, 5),
            award_received_on=D(2025, 4, 20),
            final_award=False,
        )
    )
    steps = {step.key: step for step in chain.steps}
    assert steps["award"].deadline is not None and steps["award"].deadline.from_ == D(2025, 3, 5)
    assert steps["sue"].deadline is not None and steps["sue"].deadline.due == D(
        2025, 5, 6
    )  # 05-05 holiday
    assert any("after the limitation" in warning for warning in chain.warnings)


def test_whatif_needs_a_date() -> None:
    with pytest.raises(ValueError, match="at least one key date"):
        WhatIfInput(category="overtime")


def test_whatif_from_a_later_date_only_places_earlier_steps_no_later_than_it() -> None:
    chain = whatif(WhatIfInput(accepted_on=D(2026, 3, 23), as_of=D(2026, 11, 25)))
    steps = {step.key: step for step in chain.steps}
    assert steps["arbitration_application"].on == D(2026, 3, 23)
    assert steps["award"].last_safe_day == D(2026, 5, 7)
    assert chain.warnings == ()
    received = whatif(WhatIfInput(award_received_on=D(2026, 4, 1), as_of=D(2026, 11, 25)))
    sue = {step.key: step for step in received.steps}["sue"]
    assert sue.deadline is not None and sue.deadline.due == D(2026, 4, 16)
    assert received.warnings == ()


def test_whatif_as_of_is_the_assumed_filing_day_and_days_left_count_from_it() -> None:
    chain = whatif(WhatIfInput(knew_on=D(2026, 3, 1), category="overtime", as_of=D(2026, 11, 25)))
    steps = {step.key: step for step in chain.steps}
    assert steps["arbitration_application"].on == D(2026, 11, 25)
    assert steps["limitation"].last_safe_day == D(2027, 3, 1)
    assert "96 days left" in steps["limitation"].assumption_en
