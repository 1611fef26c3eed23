"""Is it a labour dispute? One row per ScopeIssue: LDMAL Art. 2 and the six exclusions of SPC Interpretation I Art. 2.

An excluded matter is referred, never dropped: each row names the body the law sends it to, in Chinese
and in English, and the article that excludes it.
"""

from __future__ import annotations

import pytest

from domain.scope import ScopeIssue, check_scope

S = ScopeIssue
EXCLUDED = "SPC Interp. I Art. 2"

# (issue, in scope, agency (zh), agency (en), words the guidance must carry, cite in the decision, basis)
Row = tuple[ScopeIssue, bool, str, str, tuple[str, ...], str, str]
ROWS: list[Row] = [
    (S.none, True, "", "", (), "LDMAL Art. 2", "LDMAL Art. 2"),
    (
        S.social_insurance_agency_benefits,
        False,
        "社会保险经办机构",
        "social insurance agency",
        ("行政复议", "行政诉讼", "administrative review"),
        EXCLUDED,
        "SPC Interpretation I Art. 2(1); Social Insurance Law Art. 83",
    ),
    (
        S.housing_reform,
        False,
        "住房制度改革",
        "housing reform",
        ("公有住房",),
        EXCLUDED,
        "SPC Interpretation I Art. 2(2)",
    ),
    (
        S.capacity_appraisal_objection,
        False,
        "省级劳动能力鉴定委员会",
        "provincial labour capacity appraisal committee",
        ("15日", "15 days", "再次鉴定", "re-appraisal", "第二十六条", "Art. 26"),
        EXCLUDED,
        "SPC Interpretation I Art. 2(3); Work Injury Insurance Regulation Art. 26",
    ),
    (
        S.household_domestic_helper,
        False,
        "人民法院",
        "people's court",
        ("家政服务人员", "人民调解", "civil court"),
        EXCLUDED,
        "SPC Interpretation I Art. 2(4)",
    ),
    (
        S.craftsman_helper,
        False,
        "人民法院",
        "people's court",
        ("个体工匠", "学徒", "civil court"),
        EXCLUDED,
        "SPC Interpretation I Art. 2(5)",
    ),
    (
        S.rural_contract_household,
        False,
        "人民法院",
        "people's court",
        ("农村承包经营户", "人民调解", "village mediation"),
        EXCLUDED,
        "SPC Interpretation I Art. 2(6)",
    ),
]


@pytest.mark.parametrize("row", ROWS, ids=[f"{row[0].value} [{row[6]}]" for row in ROWS])
def test_scope(row: Row) -> None:
    issue, in_scope, agency_zh, agency_en, guidance, cite, _ = row
    decision = check_scope(issue)
    assert decision.in_scope is in_scope
    assert cite in decision.basis
    assert agency_zh in decision.agency_zh and agency_en in decision.agency_en
    text = decision.guidance_zh + " " + decision.guidance_en
    assert all(words in text for words in guidance), [words for words in guidance if words not in text]
    if in_scope:
        assert not (decision.agency_zh or decision.agency_en or decision.guidance_zh or decision.guidance_en)
    else:
        assert decision.agency_zh and decision.agency_en and decision.guidance_zh and decision.guidance_en


def test_every_scope_issue_has_a_row() -> None:
    assert {row[0] for row in ROWS} == set(ScopeIssue)
