"""Is it a labour dispute? (LDMAL Art. 2; SPC Interpretation I Art. 1-2). Out-of-scope matters are
referred, with the agency that handles them named, never silently dropped."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class ScopeIssue(StrEnum):
    """What the intake form learns about the relationship or the claim."""

    none = "none"
    household_domestic_helper = "household_domestic_helper"
    craftsman_helper = "craftsman_helper"
    rural_contract_household = "rural_contract_household"
    social_insurance_agency_benefits = "social_insurance_agency_benefits"
    capacity_appraisal_objection = "capacity_appraisal_objection"
    housing_reform = "housing_reform"


class ScopeDecision(BaseModel):
    model_config = ConfigDict(frozen=True)

    in_scope: bool
    agency_zh: str = ""
    agency_en: str = ""
    guidance_zh: str = ""
    guidance_en: str = ""
    basis: str = "《劳动争议调解仲裁法》第二条 / LDMAL Art. 2"

    @property
    def advice_zh(self) -> str:
        """Where to go instead, in one sentence (intake guidance, the timeline, the closing note)."""
        return f"请向{self.agency_zh}申请。{self.guidance_zh}"

    @property
    def advice_en(self) -> str:
        return f"Apply to {self.agency_en}. {self.guidance_en}"


_EXCLUSIONS: dict[ScopeIssue, tuple[str, str, str, str]] = {
    ScopeIssue.household_domestic_helper: (
        "人民法院（民事诉讼）或人民调解委员会",
        "the people's court (civil suit) or a people's mediation committee",
        "家庭或个人雇用家政服务人员的纠纷不属于劳动争议，可申请人民调解或向法院提起民事诉讼。",
        "A dispute with a household that hired a domestic helper is not a labour dispute: ask a"
        " people's mediation committee or sue in the civil court.",
    ),
    ScopeIssue.craftsman_helper: (
        "人民法院（民事诉讼）",
        "the people's court (civil suit)",
        "个体工匠与帮工、学徒之间的纠纷不属于劳动争议，可向法院提起民事诉讼。",
        "A dispute between an individual craftsman and a helper or apprentice is not a labour dispute: sue in the civil court.",
    ),
    ScopeIssue.rural_contract_household: (
        "人民法院（民事诉讼）或村（居）人民调解委员会",
        "the people's court (civil suit) or the village mediation committee",
        "农村承包经营户与受雇人之间的纠纷不属于劳动争议，可申请人民调解或提起民事诉讼。",
        "A dispute between a rural contract household and the people it hired is not a labour dispute: ask village mediation or sue.",
    ),
    ScopeIssue.social_insurance_agency_benefits: (
        "社会保险经办机构（不服可申请行政复议或提起行政诉讼）",
        "the social insurance agency (then administrative review or litigation)",
        "向社会保险经办机构主张发放社会保险待遇，不属于劳动争议，请向经办机构申请；不服其决定的，可申请行政复议或提起行政诉讼。",
        "A claim against the social insurance agency for benefits is not a labour dispute: apply to the"
        " agency; contest its decision by administrative review or litigation.",
    ),
    ScopeIssue.capacity_appraisal_objection: (
        "省级劳动能力鉴定委员会（再次鉴定）",
        "the provincial labour capacity appraisal committee (re-appraisal)",
        "对劳动能力鉴定结论有异议，应在收到结论之日起15日内向省级劳动能力鉴定委员会申请再次鉴定（《工伤保险条例》第二十六条）。",
        "An objection to a labour capacity appraisal goes to the provincial committee for re-appraisal within"
        " 15 days of receipt (Work Injury Insurance Regulation Art. 26).",
    ),
    ScopeIssue.housing_reform: (
        "住房制度改革主管部门",
        "the housing reform authority",
        "因住房制度改革产生的公有住房转让纠纷不属于劳动争议，请向住房制度改革主管部门反映。",
        "Disputes from housing reform are not labour disputes: contact the housing reform authority.",
    ),
}


def check_scope(issue: ScopeIssue) -> ScopeDecision:
    """In scope, or the agency to refer to with plain guidance (SPC Interpretation I Art. 2)."""
    if issue is ScopeIssue.none:
        return ScopeDecision(in_scope=True)
    agency_zh, agency_en, guidance_zh, guidance_en = _EXCLUSIONS[issue]
    return ScopeDecision(
        in_scope=False,
        agency_zh=agency_zh,
        agency_en=agency_en,
        guidance_zh=guidance_zh,
        guidance_en=guidance_en,
        basis="最高法解释（一）第二条 / SPC Interp. I Art. 2",
    )
