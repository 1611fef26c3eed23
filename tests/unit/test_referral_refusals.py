"""What may follow which refusal (domain.referrals.REFUSALS), one row per refusal, citing its article:
after the police's non-filing, labour inspection may ask the procuratorate to supervise it (CPL Art.
113; P20 §§9-10, no period); after the procuratorate's refusal, reconsideration within 5 days of
receipt (P20 §7, D68), decided in 7 (D69); after that is upheld, review by the higher procuratorate
within 5 days (D68 review), decided in 15 (D69 review); after that, nothing."""

from __future__ import annotations

from datetime import date

import pytest

from domain.catalogue import CriminalReferral, actions_of
from domain.deadlines import compute_deadline
from domain.organisations import Agency
from domain.referrals import REFERRALS, REFUSALS, ReferralKind
from domain.roles import Role
from workflows.criminal_referral import CriminalReferralWorkflow

K = ReferralKind
# refused kind, what the sender may send next, by which action, its last day (rule, variant, days), article
ROWS = [
    (K.public_security, K.filing_supervision, "request_filing_supervision", None, "CPL Art. 113; P20 §9, §10"),
    (K.filing_supervision, K.supervision_reconsideration, "request_reconsideration", ("D68", "reconsideration", 5), "P20 §7"),
    (K.supervision_reconsideration, K.supervision_review, "request_review", ("D68", "review", 5), "P20 §7"),
    (K.supervision_review, None, "", None, "P20 §7: the review is final"),
]
# the receiver's decision on a request, where the law sets its period: rule, variant, days
DECISIONS = [
    (K.supervision_reconsideration, "D69", "reconsideration", 7),
    (K.supervision_review, "D69", "review", 15),
]


@pytest.mark.parametrize(("refused", "then", "action", "last_day", "article"), ROWS, ids=[f"{r[0]} [{r[4]}]" for r in ROWS])
def test_what_follows_a_refusal(
    refused: ReferralKind, then: ReferralKind | None, action: str, last_day: tuple[str, str, int] | None, article: str
) -> None:
    refusal = REFUSALS[refused]
    assert (refusal.then, refusal.action) == (then, action)
    if last_day is None:
        assert refusal.last_day is None
        return
    rule, variant, days = last_day
    assert refusal.last_day == (rule, variant)
    received = date(2026, 3, 11)  # a Wednesday: the fifth day after it is a Monday, a working day
    assert compute_deadline(rule, received, jurisdiction="national", variant=variant).due == date(2026, 3, 11 + days)
    assert "{due}" in refusal.offer_zh and "{due}" in refusal.lapsed_zh, "the task and the timeline show the last day"


@pytest.mark.parametrize(("kind", "rule", "variant", "days"), DECISIONS, ids=[str(d[0]) for d in DECISIONS])
def test_the_procuratorate_decides_a_request_within_the_law_s_period(kind: ReferralKind, rule: str, variant: str, days: int) -> None:
    referral = REFERRALS[kind]
    assert referral.answer_rule == (rule, variant)
    assert compute_deadline(rule, date(2026, 3, 2), jurisdiction="national", variant=variant).length == days


def test_only_decisive_refusals_are_in_the_table_and_every_request_goes_to_the_procuratorate() -> None:
    assert {kind for kind, rule in REFERRALS.items() if rule.return_is_decision} == set(REFUSALS)
    for refusal in REFUSALS.values():
        if refusal.then is not None:
            assert refusal.then in REFUSALS, "a refusal of the request is itself in the table"
            assert (REFERRALS[refusal.then].receiver, REFERRALS[refusal.then].receiver_role) == (Agency.procuratorate, Role.procurator)
    assert REFERRALS[K.public_security].receiver is Agency.public_security


def test_every_request_is_an_inspector_s_action_the_workflow_handles() -> None:
    actions = {entry.name: entry for entry in actions_of(CriminalReferral)}
    for refusal in REFUSALS.values():
        if refusal.then is not None:
            assert Role.inspector in actions[refusal.action].roles
            assert refusal.action in CriminalReferralWorkflow.ACTIONS


def test_the_chain_ends() -> None:
    kind: ReferralKind | None = K.public_security
    seen = []
    while kind is not None:
        assert kind not in seen, f"what follows {kind} loops back"
        seen.append(kind)
        kind = REFUSALS[kind].then
    assert seen == [K.public_security, K.filing_supervision, K.supervision_reconsideration, K.supervision_review]
