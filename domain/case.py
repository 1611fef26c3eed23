"""The labour dispute case: categories, claims, channels, stages and the facts the workflow routes on.

These models travel as workflow payloads, so they carry no names, ID numbers or phone numbers:
personal data stays in the application database (encrypted) and is joined in only by activities.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from domain.parties import Respondent
from domain.scope import ScopeIssue


class Category(StrEnum):
    """Dispute category (routing matrix, rules section 14)."""

    wage_arrears = "wage_arrears"
    unlawful_dismissal = "unlawful_dismissal"
    social_insurance = "social_insurance"
    work_injury = "work_injury"
    overtime = "overtime"
    no_written_contract = "no_written_contract"
    labour_relationship = "labour_relationship"
    other = "other"


class ClaimKind(StrEnum):
    """What a claim item asks for; decides final-award status (LDMAL Art. 47) and payment orders."""

    wages = "wages"  # 劳动报酬
    overtime_pay = "overtime_pay"  # 加班费 (劳动报酬)
    economic_compensation = "economic_compensation"  # 经济补偿
    damages = "damages"  # 赔偿金 (incl. 2x for unlawful dismissal)
    double_wage = "double_wage"  # 未订立书面合同二倍工资差额 (赔偿金)
    medical_costs = "medical_costs"  # 工伤医疗费
    injury_benefits = "injury_benefits"  # 工伤保险待遇
    social_insurance = "social_insurance"  # 社会保险
    reinstatement = "reinstatement"  # 恢复劳动关系
    relationship_confirmation = "relationship_confirmation"  # 确认劳动关系
    other = "other"


class Channel(StrEnum):
    """Where a case (or a part of it) is being handled."""

    negotiation = "negotiation"
    union_mediation = "union_mediation"
    enterprise_committee = "enterprise_committee"
    peoples_mediation = "peoples_mediation"
    court_mediation = "court_mediation"
    arbitration = "arbitration"
    litigation = "litigation"
    enforcement = "enforcement"
    payment_order = "payment_order"
    judicial_confirmation = "judicial_confirmation"
    arbitration_review = "arbitration_review"
    inspection = "inspection"
    legal_aid = "legal_aid"
    procuratorate_support = "procuratorate_support"
    criminal_referral = "criminal_referral"
    supervision = "supervision"
    work_injury_determination = "work_injury_determination"


MEDIATION_CHANNELS = frozenset({Channel.union_mediation, Channel.enterprise_committee, Channel.peoples_mediation, Channel.court_mediation})


class Stage(StrEnum):
    """Where the case stands in its life (state machine, rules section 15, adapted)."""

    intake = "intake"
    negotiation = "negotiation"
    work_injury = "work_injury"  # waiting for the work-injury determination
    mediation = "mediation"
    agreement = "agreement"  # mediation agreement signed: confirmation and performance
    payment_order = "payment_order"
    arbitration_eligible = "arbitration_eligible"  # waiting for the worker to choose arbitration
    suit_eligible = "suit_eligible"  # the worker may sue (late arbitration, revoked award, objection...)
    arbitration = "arbitration"
    post_award = "post_award"
    litigation = "litigation"
    enforcement = "enforcement"
    inspection = "inspection"
    closed_resolved = "closed_resolved"
    closed_withdrawn = "closed_withdrawn"
    closed_time_barred = "closed_time_barred"
    closed_out_of_scope = "closed_out_of_scope"
    closed_other_route = "closed_other_route"

    @property
    def is_closed(self) -> bool:
        return self.value.startswith("closed_")


class VulnerableGroup(StrEnum):
    """Groups named by the SPP-ACFTU 2024 notice and Legal Aid Law Art. 42."""

    migrant_worker = "migrant_worker"
    platform_worker = "platform_worker"
    woman = "woman"
    minor = "minor"
    disabled = "disabled"
    older = "older"


class Claim(BaseModel):
    """One claim item; amounts in yuan with fen, exact decimals."""

    model_config = ConfigDict(frozen=True)

    kind: ClaimKind
    amount: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=2)
    months: int | None = Field(default=None, ge=0, le=600)
    description: str = Field(default="", max_length=500)


class CaseFacts(BaseModel):
    """Everything the dispute workflow routes on. No personal identifiers."""

    model_config = ConfigDict(frozen=True)

    case_no: str
    category: Category
    claims: tuple[Claim, ...] = ()
    knew_on: date  # the day the worker knew or should have known of the infringement
    employment_ended_on: date | None = None
    still_employed: bool = True
    filed_on: date
    region: str = "default"
    jurisdiction: str = "national"
    worker_count: int = Field(default=1, ge=1, le=100_000)
    vulnerable_groups: tuple[VulnerableGroup, ...] = ()
    employer_name: str = ""
    employer_uscc: str | None = None
    respondents: tuple[Respondent, ...] = ()  # every respondent, the employer given at intake first
    preferred_channel: Channel | None = None
    wants_legal_aid: bool = False
    wage_iou_only: bool = False
    scope_issue: ScopeIssue = ScopeIssue.none
    injured_on: date | None = None  # work injury: the day of the accident or diagnosis

    @property
    def collective(self) -> bool:
        """Collective dispute: 10 or more workers with a common claim (LDMAL Art. 7)."""
        return self.worker_count >= 10

    @property
    def total_claimed(self) -> Decimal:
        return sum((claim.amount or Decimal(0) for claim in self.claims), Decimal(0))
