"""Pure rules of union supervision, table-driven, each citing its source."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from pydantic import ValidationError

from domain.calendar import Calendar
from domain.case import VulnerableGroup
from domain.documents import DocumentType, validate_facts
from domain.supervision import (
    ArrearsKind,
    InvestigationRecord,
    Issuer,
    LeadTransferDetails,
    MatterEmployer,
    MatterOpening,
    NoticeDraft,
    Rung,
    RungRecord,
    Signatory,
    SupervisionInput,
    Trigger,
    ViolatedArticle,
)
from domain.supervision_paper import draft_problem, legal_basis, notice_facts, pre_draft
from domain.supervision_rules import (
    Complaint,
    LadderState,
    check_entry,
    escalation_target,
    rate,
    suggestions,
    supervision_deadline,
    transfer_conditions,
)
from tests.stories import SUBCONTRACTOR_USCC, uscc

OTHER_USCC = uscc("91310115MA1K4B2C4")
CAL = Calendar()


def _complaints(
    days: list[int], code: str = SUBCONTRACTOR_USCC, start: date = date(2026, 1, 5)
) -> list[Complaint]:
    return [
        Complaint(
            case_no=f"LD-2026-{i + 1:06d}",
            employer_name="上海宏建劳务分包有限公司",
            employer_uscc=code,
            filed_on=start + timedelta(days=day),
        )
        for i, day in enumerate(days)
    ]


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        ([0, 45, 89], True),  # three complaints within 90 days (first to last 89 days apart)
        ([0, 45, 90], False),  # 91 days including both ends: outside a 90-day window
        ([0, 60, 120], False),  # three in 120 days
        ([0, 60, 120, 130], True),  # the last three lie within 90 days
        ([0, 10], False),  # only two
    ],
)
def test_three_complaints_within_ninety_days_raise_a_suggestion(
    days: list[int], expected: bool
) -> None:
    found = suggestions(_complaints(days), threshold=3, window_days=90)
    assert bool(found) is expected
    if expected:
        assert found[0].reason == "repeated" and found[0].employer_uscc == SUBCONTRACTOR_USCC


def test_thresholds_are_parameters_and_employers_are_told_apart() -> None:
    mixed = _complaints([0, 30]) + _complaints([10], code=OTHER_USCC)
    assert suggestions(mixed, threshold=3, window_days=90) == []
    assert [s.employer_uscc for s in suggestions(mixed, threshold=2, window_days=90)] == [
        SUBCONTRACTOR_USCC
    ]
    assert suggestions(_complaints([0, 60, 120]), threshold=3, window_days=121)[0].case_nos == (
        "LD-2026-000001",
        "LD-2026-000002",
        "LD-2026-000003",
    )
    with pytest.raises(ValueError, match="at least 1"):
        suggestions(mixed, threshold=0)


def test_one_collective_complaint_is_enough() -> None:
    """Story 5: 37 workers of one factory (LDMAL Art. 7: a collective dispute)."""
    collective = Complaint(
        case_no="LD-2026-000037",
        employer_name="东莞锦绣制衣厂",
        employer_uscc=None,
        filed_on=date(2026, 1, 26),
        collective=True,
    )
    found = suggestions([collective, *_complaints([0])])
    assert [(s.reason, s.key, s.case_nos) for s in found] == [
        ("collective", "case:LD-2026-000037", ("LD-2026-000037",))
    ]


LADDER = [
    # (target, state, reason, allowed, direct)
    (Rung.reminder_letter, LadderState(), "", True, False),  # preventive: no investigation needed
    (
        Rung.opinion_notice,
        LadderState(),
        "紧急情况需要直接发意见书",
        False,
        True,
    ),  # Zhejiang P18 Art. 20-21
    (
        Rung.opinion_notice,
        LadderState(True, Rung.investigation),
        "",
        False,
        True,
    ),  # skips the letter: reason
    (
        Rung.opinion_notice,
        LadderState(True, Rung.investigation),
        "工资已拖欠三个月以上，情况紧急",
        True,
        True,
    ),
    (
        Rung.opinion_notice,
        LadderState(True, Rung.reminder_letter, notice_served=True),
        "",
        True,
        False,
    ),
    (
        Rung.reminder_letter,
        LadderState(True, Rung.reminder_letter, notice_served=True),
        "",
        True,
        False,
    ),
    (
        Rung.recommendation_notice,
        LadderState(True, Rung.opinion_notice),
        "",
        False,
        False,
    ),  # P18 Art. 23
    (
        Rung.recommendation_notice,
        LadderState(True, Rung.opinion_notice, True, True),
        "",
        True,
        False,
    ),
    (
        Rung.reminder_letter,
        LadderState(True, Rung.opinion_notice, True, True),
        "",
        False,
        False,
    ),  # no going back
    (
        Rung.government_escalation,
        LadderState(True, Rung.investigation),
        "拒不改正已有数月之久",
        False,
        True,
    ),
    (
        Rung.government_escalation,
        LadderState(True, Rung.opinion_notice, True, True),
        "",
        False,
        True,
    ),
    (
        Rung.government_escalation,
        LadderState(True, Rung.inspection_referral, True, True),
        "",
        True,
        False,
    ),
    (Rung.lead_transfer, LadderState(True, Rung.inspection_referral, True, True), "", True, False),
    (
        Rung.lead_transfer,
        LadderState(True, Rung.government_escalation, True, True),
        "",
        True,
        False,
    ),
    (
        Rung.inspection_referral,
        LadderState(True, Rung.opinion_notice, True, True),
        "x" * 20,
        False,
        False,
    ),
]


@pytest.mark.parametrize(("target", "state", "reason", "allowed", "direct"), LADDER)
def test_which_rung_may_follow_which(
    target: Rung, state: LadderState, reason: str, allowed: bool, direct: bool
) -> None:
    check = check_entry(target, state, reason)
    assert check.allowed is allowed, check.problem
    if allowed:
        assert check.direct is direct


def test_missed_replies_escalate_one_rung() -> None:
    """Zhejiang P18 Art. 23: no reply to the opinion notice -> recommendation notice."""
    assert escalation_target(Rung.reminder_letter) is Rung.opinion_notice
    assert escalation_target(Rung.opinion_notice) is Rung.recommendation_notice
    assert escalation_target(Rung.recommendation_notice) is None


def _transfer(**values: object) -> LeadTransferDetails:
    base: dict[str, object] = {
        "workers_affected": 12,
        "arrears_total": "312000.00",
        "arrears_period_zh": "5月至7月",
        "order_issued_by": "区人社局",
        "order_issued_on": "2026-11-02",
        "order_due_on": "2026-11-16",
        "employer_cooperating": False,
    }
    return LeadTransferDetails.model_validate(base | values)


@pytest.mark.parametrize(
    ("values", "met"),
    [
        ({"groups": [VulnerableGroup.platform_worker]}, True),  # new-form workers
        ({"groups": [VulnerableGroup.woman]}, True),
        ({"arrears": [ArrearsKind.social_insurance]}, True),
        ({"arrears": [ArrearsKind.collective_migrant_wages]}, True),
        (
            {"groups": [VulnerableGroup.migrant_worker], "arrears": [ArrearsKind.wages]},
            False,
        ),  # neither list
        (
            {"arrears": [ArrearsKind.social_insurance], "employer_cooperating": True},
            False,
        ),  # cooperating employer
    ],
)
def test_lead_transfer_conditions_of_the_2024_notice(values: dict[str, object], met: bool) -> None:
    """SPP-ACFTU 2024: special groups or social-insurance / collective migrant-wage arrears, AND an
    employer that will not cooperate."""
    assert transfer_conditions(_transfer(**values)).met is met


@pytest.mark.parametrize(
    ("rule", "start", "home", "due", "fallback"),
    [
        (
            "D49",
            date(2026, 9, 21),
            "national",
            date(2026, 10, 19),
            True,
        ),  # story 4: National Day not counted
        ("D49", date(2026, 9, 21), "zhejiang", date(2026, 10, 19), False),  # Zhejiang P18 Art. 22
        (
            "D52",
            date(2026, 10, 19),
            "national",
            date(2026, 10, 26),
            False,
        ),  # story 4: 5 working days
        ("D54", date(2026, 9, 1), "national", None, False),  # reminder letter: no period by default
    ],
)
def test_reply_periods(rule: str, start: date, home: str, due: date | None, fallback: bool) -> None:
    deadline = supervision_deadline(
        rule, start, home=home, default_profile="zhejiang", calendar=CAL
    )
    assert deadline.due == due
    assert ("默认参照浙江省" in deadline.explanation_zh) is fallback


def test_identifiers_and_investigations_are_checked() -> None:
    with pytest.raises(ValidationError, match="校验位"):
        MatterEmployer(
            name="某公司",
            uscc=SUBCONTRACTOR_USCC[:-1] + ("0" if SUBCONTRACTOR_USCC[-1] != "0" else "1"),
        )
    partner = MatterEmployer(
        name="上海快送劳务外包有限公司",
        uscc=OTHER_USCC,
        kind="platform_partner",
        platform_uscc=SUBCONTRACTOR_USCC,
    )
    assert partner.platform_uscc == SUBCONTRACTOR_USCC
    with pytest.raises(ValidationError, match="two different supervisors"):
        InvestigationRecord(
            completed_on=date(2026, 9, 1), supervisors=("王磊", "王磊"), findings=("欠薪",)
        )
    with pytest.raises(ValidationError, match="no article 999"):
        ViolatedArticle(law="劳动合同法", article="999")
    assert ViolatedArticle(law="《劳动合同法》", article="第三十条").model_dump() == {
        "law": "LCL",
        "article": "30",
        "note": "",
    }
    with pytest.raises(ValidationError, match="link at least one case"):
        MatterOpening(employer=partner, origin="dispute_case")


def _input(jurisdiction: str = "national") -> SupervisionInput:
    return SupervisionInput(
        matter_no="SV-2026-000007",
        team_code="union-fed-1",
        region="shanghai-pudong",
        jurisdiction=jurisdiction,
        issuer=Issuer(name="上海市浦东新区总工会", abbr="浦"),
        opened_on=date(2026, 9, 1),
        opened_by="union",
        employer=MatterEmployer(name="上海宏建劳务分包有限公司", uscc=SUBCONTRACTOR_USCC),
        origin="suggestion",
        case_nos=("LD-2026-000001",),
        signatory=Signatory(name="陈卫东"),
    )


INVESTIGATION = InvestigationRecord(
    completed_on=date(2026, 9, 10),
    supervisors=("王磊", "孙丽"),
    findings=("拖欠12名农民工工资312,000元",),
    violations=(ViolatedArticle(law="LCL", article="30"),),
)


@pytest.mark.parametrize(
    "rung", [Rung.reminder_letter, Rung.opinion_notice, Rung.recommendation_notice]
)
def test_every_notice_has_valid_facts_with_quoted_articles(rung: Rung) -> None:
    deadline = supervision_deadline(
        "D49", date(2026, 9, 21), home="national", default_profile="zhejiang", calendar=CAL
    )
    opinion = RungRecord(
        seq=2,
        rung=Rung.opinion_notice,
        document_no="〔2026〕浦工监意字第7号",
        served_on=date(2026, 9, 21),
        reply_due_on=date(2026, 10, 19),
    )
    draft = (
        pre_draft(rung, None)
        if rung is not Rung.reminder_letter
        else NoticeDraft(rung=rung, requests=("按时支付",))
    )
    facts = notice_facts(draft, _input(), INVESTIGATION, deadline, opinion, Trigger.no_reply)
    validate_facts(DocumentType(rung.value), facts)
    assert "《中华人民共和国工会法》第二十三条" in facts["legal_basis"]
    if rung is not Rung.reminder_letter:
        assert facts["violations"][0]["provision_zh"] == "《中华人民共和国劳动合同法》第三十条"
        assert (
            "用人单位应当按照劳动合同约定和国家规定，向劳动者及时足额支付劳动报酬"
            in facts["violations"][0]["description"]
        )
    if rung is Rung.recommendation_notice:
        assert facts["addressee"] == "上海市浦东新区人力资源和社会保障局"
        assert facts["non_compliance_zh"].startswith("该单位在规定期限内未作书面答复")


def test_zhejiang_matters_cite_the_provincial_regulation_and_opinions_need_a_signatory() -> None:
    assert "《浙江省工会劳动法律监督条例》第二十二条" in legal_basis(
        Rung.opinion_notice, "zhejiang"
    )
    assert "《浙江省工会劳动法律监督条例》第二十二条" not in legal_basis(
        Rung.opinion_notice, "national"
    )
    unsigned = NoticeDraft(rung=Rung.opinion_notice, requests=("改正",))
    assert "签发人" in (draft_problem(unsigned, INVESTIGATION, signatory_known=False) or "")
    assert draft_problem(unsigned, INVESTIGATION, signatory_known=True) is None
    assert "违反的法律条文" in (
        draft_problem(unsigned, INVESTIGATION.model_copy(update={"violations": ()}), True) or ""
    )


def test_rates() -> None:
    assert rate(1, 3) is not None and str(rate(1, 3)) == "33.3"
    assert rate(0, 0) is None
