"""Triage: the first channel, legal aid without a means test, and collective disputes (routing matrix §14).

Each row cites the article that decides it: a wage IOU alone goes to court (SPC Interpretation I
Art. 15); a work injury is determined before any benefit is claimed (Work Injury Insurance Regulation
Art. 17); confirming a labour relationship goes through arbitration (LDMAL Art. 2(1), 5); otherwise the
worker's choice of mediation, arbitration or a complaint is followed (LDMAL Art. 5, 9), and by default
mediation comes first (LDMAL Art. 4, 5, 10). Migrant workers claiming pay or work-accident compensation
skip the means test for legal aid (Legal Aid Law Art. 42(3)); 10 or more workers make a collective
dispute (LDMAL Art. 7, "以上" includes ten).
"""

from __future__ import annotations

from datetime import date

import pytest

from domain.case import CaseFacts, Category, Channel, VulnerableGroup
from domain.routing import triage

C = Channel
CAT = Category
MIGRANT = (VulnerableGroup.migrant_worker,)
MEDIATION_FIRST = "LDMAL Art. 4, 5, 10"


def _facts(**overrides: object) -> CaseFacts:
    values: dict[str, object] = {
        "case_no": "LD-2026-000123",
        "category": CAT.wage_arrears,
        "knew_on": date(2026, 2, 2),
        "filed_on": date(2026, 3, 2),
    }
    values.update(overrides)
    return CaseFacts.model_validate(values)


# (what the case is, facts, first channel, cite in the first reason, basis)
FirstRow = tuple[str, dict[str, object], Channel, str, str]
FIRST: list[FirstRow] = [
    ("wage IOU alone goes to court", {"wage_iou_only": True}, C.litigation, "SPC Interp. I Art. 15", "SPC Interpretation I Art. 15"),
    (
        "wage IOU of a migrant worker goes to court",
        {"wage_iou_only": True, "vulnerable_groups": MIGRANT},
        C.litigation,
        "SPC Interp. I Art. 15",
        "SPC Interpretation I Art. 15",
    ),
    (
        "work injury: determination first",
        {"category": CAT.work_injury},
        C.work_injury_determination,
        "Work Injury Insurance Regulation Art. 17",
        "Work Injury Insurance Regulation Art. 17",
    ),
    (
        "work injury: determination first even when arbitration is preferred",
        {"category": CAT.work_injury, "preferred_channel": C.arbitration},
        C.work_injury_determination,
        "Work Injury Insurance Regulation Art. 17",
        "Work Injury Insurance Regulation Art. 17; SPC Interpretation I Art. 1(7)",
    ),
    (
        "labour relationship: arbitration",
        {"category": CAT.labour_relationship},
        C.arbitration,
        "LDMAL Art. 2, 5",
        "LDMAL Art. 2(1), 5",
    ),
    (
        "labour relationship: arbitration, not a complaint to inspection",
        {"category": CAT.labour_relationship, "preferred_channel": C.inspection},
        C.arbitration,
        "LDMAL Art. 2, 5",
        "LDMAL Art. 2(1), 5; Labour Security Supervision Regulation Art. 21",
    ),
    ("wage arrears: mediation first", {}, C.union_mediation, MEDIATION_FIRST, MEDIATION_FIRST),
    ("unlawful dismissal: mediation first", {"category": CAT.unlawful_dismissal}, C.union_mediation, MEDIATION_FIRST, MEDIATION_FIRST),
    ("social insurance: mediation first", {"category": CAT.social_insurance}, C.union_mediation, MEDIATION_FIRST, "LDMAL Art. 2(4), 5, 10"),
    ("overtime: mediation first", {"category": CAT.overtime}, C.union_mediation, MEDIATION_FIRST, MEDIATION_FIRST),
    ("no written contract: mediation first", {"category": CAT.no_written_contract}, C.union_mediation, MEDIATION_FIRST, MEDIATION_FIRST),
    ("other dispute: mediation first", {"category": CAT.other}, C.union_mediation, MEDIATION_FIRST, MEDIATION_FIRST),
    ("collective dispute: mediation first", {"worker_count": 30}, C.union_mediation, MEDIATION_FIRST, "LDMAL Art. 7, 10"),
]

# Every channel a worker might name, for a wage-arrears case: honoured when the worker may start there.
CHOSEN = "LDMAL Art. 5"
PREFERRED: dict[Channel, tuple[Channel, str, str]] = {
    C.union_mediation: (C.union_mediation, CHOSEN, "LDMAL Art. 5, 10(3)"),
    C.enterprise_committee: (C.enterprise_committee, CHOSEN, "LDMAL Art. 5, 10(1)"),
    C.peoples_mediation: (C.peoples_mediation, CHOSEN, "LDMAL Art. 5, 10(2); People's Mediation Law Art. 17"),
    C.court_mediation: (C.court_mediation, CHOSEN, "LDMAL Art. 5; SPC Invited Mediation Provisions Art. 27"),
    C.arbitration: (C.arbitration, CHOSEN, "LDMAL Art. 5 (mediation is not compulsory)"),
    C.inspection: (C.inspection, CHOSEN, "LDMAL Art. 9; Labour Security Supervision Regulation Art. 9"),
    C.negotiation: (C.union_mediation, MEDIATION_FIRST, "LDMAL Art. 4 (the union may join), 5, 10"),
    C.litigation: (C.union_mediation, MEDIATION_FIRST, "LDMAL Art. 5 (court only after an award)"),
    C.payment_order: (C.union_mediation, MEDIATION_FIRST, "LDMAL Art. 16 (needs a mediation agreement)"),
    C.judicial_confirmation: (C.union_mediation, MEDIATION_FIRST, "Civil Procedure Law Art. 205 (needs an agreement)"),
    C.arbitration_review: (C.union_mediation, MEDIATION_FIRST, "Arbitration Case-Handling Rules (2017) Art. 74 (needs an agreement)"),
    C.enforcement: (C.union_mediation, MEDIATION_FIRST, "LDMAL Art. 51 (needs an effective award or agreement)"),
    C.legal_aid: (C.union_mediation, MEDIATION_FIRST, "Legal Aid Law Art. 22 (a service alongside, not a forum)"),
    C.procuratorate_support: (C.union_mediation, MEDIATION_FIRST, "Civil Procedure Law Art. 15 (supports a suit)"),
    C.criminal_referral: (C.union_mediation, MEDIATION_FIRST, "SPC 2013 Interpretation Art. 4 (needs an order to pay)"),
    C.supervision: (C.union_mediation, MEDIATION_FIRST, "Trade Union Law Art. 23; LDMAL Art. 10"),
    C.work_injury_determination: (C.union_mediation, MEDIATION_FIRST, "Work Injury Insurance Regulation Art. 17 (injuries only)"),
}

# (what the case is, facts, legal aid alongside, means test waived, basis)
AidRow = tuple[str, dict[str, object], bool, bool, str]
AID: list[AidRow] = [
    ("migrant worker claiming wages", {"vulnerable_groups": MIGRANT, "wants_legal_aid": True}, True, True, "Legal Aid Law Art. 42(3)"),
    (
        "migrant worker claiming overtime pay (劳动报酬)",
        {"category": CAT.overtime, "vulnerable_groups": MIGRANT, "wants_legal_aid": True},
        True,
        True,
        "Legal Aid Law Art. 42(3); SPC 2013 Interpretation Art. 1",
    ),
    (
        "migrant worker injured at work",
        {"category": CAT.work_injury, "vulnerable_groups": MIGRANT},
        True,
        True,
        "Legal Aid Law Art. 31(7), 42(3)",
    ),
    (
        "migrant worker dismissed: means test applies",
        {"category": CAT.unlawful_dismissal, "vulnerable_groups": MIGRANT, "wants_legal_aid": True},
        True,
        False,
        "Legal Aid Law Art. 34, 42(3)",
    ),
    (
        "migrant worker confirming a labour relationship: means test applies",
        {"category": CAT.labour_relationship, "vulnerable_groups": MIGRANT, "wants_legal_aid": True},
        True,
        False,
        "Legal Aid Law Art. 31(5), 42(3)",
    ),
    (
        "migrant worker over social insurance: means test applies",
        {"category": CAT.social_insurance, "vulnerable_groups": MIGRANT, "wants_legal_aid": True},
        True,
        False,
        "Legal Aid Law Art. 31(2), 42(3)",
    ),
    (
        "platform worker claiming wages: not a listed group",
        {"vulnerable_groups": (VulnerableGroup.platform_worker,), "wants_legal_aid": True},
        True,
        False,
        "Legal Aid Law Art. 42",
    ),
    ("local worker claiming wages: means test applies", {"wants_legal_aid": True}, True, False, "Legal Aid Law Art. 31(5), 34"),
    ("worker injured at work: legal aid offered", {"category": CAT.work_injury}, True, False, "Legal Aid Law Art. 22(6), 31(7)"),
    ("wage claim, no legal aid asked", {}, False, False, "Legal Aid Law Art. 22, 31"),
]

# (workers, collective, basis)
COLLECTIVE: list[tuple[int, bool, str]] = [
    (1, False, "LDMAL Art. 7"),
    (9, False, "LDMAL Art. 7 (fewer than ten)"),
    (10, True, "LDMAL Art. 7 (ten or more)"),
    (11, True, "LDMAL Art. 7"),
    (500, True, "LDMAL Art. 7; Trade Union Law Art. 21"),
]


@pytest.mark.parametrize(("case", "facts", "first", "cite", "basis"), FIRST, ids=[f"{row[0]} [{row[4]}]" for row in FIRST])
def test_first_channel(case: str, facts: dict[str, object], first: Channel, cite: str, basis: str) -> None:
    plan = triage(_facts(**facts))
    assert plan.first is first, case
    assert cite in plan.reasons[0].citation
    assert plan.reasons[0].zh and plan.reasons[0].en


@pytest.mark.parametrize("preferred", list(PREFERRED), ids=[f"{c.value} [{PREFERRED[c][2]}]" for c in PREFERRED])
def test_preferred_channel(preferred: Channel) -> None:
    first, cite, _ = PREFERRED[preferred]
    plan = triage(_facts(preferred_channel=preferred))
    assert plan.first is first
    assert cite in plan.reasons[0].citation


def test_every_channel_has_a_preference_row() -> None:
    assert set(PREFERRED) == set(Channel)


@pytest.mark.parametrize(("case", "facts", "alongside", "waived", "basis"), AID, ids=[f"{row[0]} [{row[4]}]" for row in AID])
def test_legal_aid(case: str, facts: dict[str, object], alongside: bool, waived: bool, basis: str) -> None:
    plan = triage(_facts(**facts))
    assert (C.legal_aid in plan.alongside) is alongside, case
    assert plan.legal_aid_without_means_test is waived, case
    aid_reasons = [reason for reason in plan.reasons if "Legal Aid Law" in reason.citation]
    assert len(aid_reasons) == int(alongside)


@pytest.mark.parametrize(("workers", "collective", "basis"), COLLECTIVE, ids=[f"{row[0]} workers [{row[2]}]" for row in COLLECTIVE])
def test_collective(workers: int, collective: bool, basis: str) -> None:
    plan = triage(_facts(worker_count=workers))
    assert plan.suggest_supervision is collective
    cited = [reason.citation for reason in plan.reasons if "LDMAL Art. 7" in reason.citation]
    assert len(cited) == int(collective) and all("第七条" in citation and "Trade Union Law Art. 21" in citation for citation in cited)
    assert plan.first is C.union_mediation
