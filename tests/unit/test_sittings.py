"""The rules of sittings, each row citing its article: notice before a hearing, a party's request to
postpone, the consequences of absence; and the answer period of an invitation to mediate."""

from __future__ import annotations

from datetime import date

import pytest

from domain.calendar import Calendar
from domain.parties import InvitationAnswer, InvitationOutcome, answer_due, invitation_outcome
from domain.sittings import ABSENCE, APPLICANT, Mark, SittingKind, absence_consequences, notice_problem, postponement_problem

NOTIFIED = date(2026, 11, 2)


@pytest.mark.parametrize(("kind", "sitting_on", "ok", "cite"), [
    # LDMAL Art. 35: the tribunal notifies the parties in writing five days before the hearing.
    (SittingKind.arbitration_hearing, date(2026, 11, 6), False, "第三十五条"),
    (SittingKind.arbitration_hearing, date(2026, 11, 7), True, ""),
    # Civil Procedure Law Art. 139: the court notifies three days before.
    (SittingKind.court_hearing, date(2026, 11, 4), False, "第一百三十九条"),
    (SittingKind.court_hearing, date(2026, 11, 5), True, ""),
    # A mediation session: any day from today, never a past one.
    (SittingKind.mediation_session, date(2026, 11, 2), True, ""),
    (SittingKind.mediation_session, date(2026, 11, 1), False, "已过"),
])
def test_notice_before_a_sitting(kind: SittingKind, sitting_on: date, ok: bool, cite: str) -> None:
    problem = notice_problem(kind, NOTIFIED, sitting_on)
    assert (problem is None) is ok
    assert problem is None or cite in problem


@pytest.mark.parametrize(("applied_on", "by_party", "ok"), [
    (date(2026, 11, 6), True, True),  # three days before the 11-09 hearing (LDMAL Art. 35 para 2)
    (date(2026, 11, 7), True, False),  # two days before: too late for a party
    (date(2026, 11, 8), False, True),  # the tribunal may postpone of its own motion
])
def test_a_party_asks_to_postpone_three_days_before(applied_on: date, by_party: bool, ok: bool) -> None:
    problem = postponement_problem(SittingKind.arbitration_hearing, applied_on, date(2026, 11, 9), by_party)
    assert (problem is None) is ok and (ok or "第三十五条第二款" in (problem or ""))


def test_absence_without_good_reason_has_its_consequence() -> None:
    """LDMAL Art. 36: the applicant may be treated as withdrawn, the respondent judged in absence."""
    marks = {APPLICANT: Mark.absent, "respondent:1": Mark.absent, "respondent:2": Mark.excused}
    found = {party: c.kind for party, c in absence_consequences(SittingKind.arbitration_hearing, marks)}
    assert found == {APPLICANT: "deemed_withdrawal", "respondent:1": "award_in_absence"}
    assert "第三十六条第一款" in ABSENCE[(SittingKind.arbitration_hearing, APPLICANT)].basis
    assert absence_consequences(SittingKind.mediation_session, marks) == [], "mediation is voluntary: no consequence"


@pytest.mark.parametrize(("served_on", "due"), [
    (date(2026, 11, 2), date(2026, 11, 5)),  # Mon -> Thu
    (date(2026, 11, 4), date(2026, 11, 9)),  # Wed -> Mon (the weekend is not counted)
    (date(2026, 9, 30), date(2026, 10, 10)),  # National Day week not counted; Sat 10-10 is a make-up working day
])
def test_three_working_days_to_answer_an_invitation(served_on: date, due: date) -> None:
    """Enterprise Labour Dispute Consultation and Mediation Provisions Art. 22: 3 working days."""
    assert answer_due(served_on, Calendar().is_workday) == due


@pytest.mark.parametrize(("answers", "over", "outcome"), [
    ({}, False, InvitationOutcome.open),
    ({1: InvitationAnswer.agreed}, False, InvitationOutcome.open),
    ({1: InvitationAnswer.agreed, 2: InvitationAnswer.agreed}, False, InvitationOutcome.agreed),
    ({1: InvitationAnswer.refused}, False, InvitationOutcome.refused),  # People's Mediation Law Art. 17
    ({1: InvitationAnswer.agreed}, True, InvitationOutcome.partly),
    ({}, True, InvitationOutcome.no_answer),
])
def test_where_the_answers_leave_mediation(answers: dict[int, InvitationAnswer], over: bool, outcome: InvitationOutcome) -> None:
    assert invitation_outcome([1, 2], answers, over) is outcome
