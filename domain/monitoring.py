"""What the mechanism achieves, as rules: which level resolved a case, its outcome, the figures one
case contributes to the monitoring aggregates (`base_rows`), day buckets for percentiles, and the
small-cell suppression rule. Pure: the projections feed it, the monitoring pages read its output."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from domain.case import ClaimKind, VulnerableGroup
from domain.referrals import REFERRALS, ReferralKind


class Level(StrEnum):
    """The level that resolved a case, lowest first (the Fengqiao ladder)."""

    negotiation = "negotiation"
    enterprise = "enterprise"
    union = "union"
    peoples = "peoples"
    court_mediation = "court_mediation"
    arbitration = "arbitration"
    court = "court"
    other = "other"


# Resolved at the lowest level: before any formal proceeding (arbitration, court).
LOWEST_LEVELS = frozenset({Level.negotiation, Level.enterprise, Level.union, Level.peoples})

LEVEL_OF_CHANNEL: Mapping[str, Level] = {
    "negotiation": Level.negotiation,
    "enterprise_committee": Level.enterprise,
    "union_mediation": Level.union,
    "peoples_mediation": Level.peoples,
    "court_mediation": Level.court_mediation,
    "arbitration": Level.arbitration,
    "arbitration_review": Level.arbitration,
    "litigation": Level.court,
    "judicial_confirmation": Level.court,
    "payment_order": Level.court,
    "enforcement": Level.court,
}


class Outcome(StrEnum):
    agreement = "agreement"  # reached, not (yet) performed in full
    agreement_performed = "agreement_performed"
    award_final = "award_final"
    award_nonfinal = "award_nonfinal"
    judgment = "judgment"
    withdrawn = "withdrawn"
    out_of_scope = "out_of_scope"  # referred out of scope (LDMAL Art. 2)
    time_barred = "time_barred"
    other_route = "other_route"
    other = "other"


AGREEMENT_OUTCOMES = frozenset({Outcome.agreement, Outcome.agreement_performed})
AWARD_OUTCOMES = frozenset({Outcome.award_final, Outcome.award_nonfinal})

CLOSING_OUTCOMES: Mapping[str, Outcome] = {
    "closed_withdrawn": Outcome.withdrawn,
    "closed_out_of_scope": Outcome.out_of_scope,
    "closed_time_barred": Outcome.time_barred,
    "closed_other_route": Outcome.other_route,
}


class MoneyCategory(StrEnum):
    wages = "wages"
    overtime = "overtime"
    compensation = "compensation"
    social_insurance = "social_insurance"
    work_injury = "work_injury"
    other = "other"


CATEGORY_OF_CLAIM: Mapping[str, MoneyCategory] = {
    ClaimKind.wages: MoneyCategory.wages,
    ClaimKind.overtime_pay: MoneyCategory.overtime,
    ClaimKind.economic_compensation: MoneyCategory.compensation,
    ClaimKind.damages: MoneyCategory.compensation,
    ClaimKind.double_wage: MoneyCategory.compensation,
    ClaimKind.social_insurance: MoneyCategory.social_insurance,
    ClaimKind.medical_costs: MoneyCategory.work_injury,
    ClaimKind.injury_benefits: MoneyCategory.work_injury,
}

# The union's supervision suggestion rule (domain.supervision_rules.suggestions, its default
# settings): 3 complaints naming one employer within 90 days. A complaint that is the third or later
# inside such a window counts for the employer on the monitoring pages.
REPEATED_COMPLAINTS = 3
REPEAT_WINDOW_DAYS = 90

COLLECTIVE = "collective"
# The groups of workers the pages break figures down by (a case may be in several); '' is everyone.
GROUPS: tuple[str, ...] = (*(g.value for g in VulnerableGroup), COLLECTIVE)

# Timeline events that carry an outcome or an amount (their `data` is written by the workflows).
OUTCOME_EVENTS = ("mediation_agreement", "agreement_payment", "performed", "award", "judgment", "withdrawn")


class Measure(StrEnum):
    received = "received"
    resolved = "resolved"  # amount: days from filing to resolution (their sum)
    days = "days"  # d2: the day bucket, for percentiles
    claimed = "claimed"
    agreed = "agreed"
    awarded = "awarded"
    paid = "paid"
    arrears_migrant = "arrears_migrant"  # wage arrears paid to migrant workers
    deadline = "deadline"  # d1 rule, d2 met|missed
    referral = "referral"  # agency: the receiver; d1 kind, d2 received|answered|on_time|returned
    employer = "employer"  # a complaint meeting the repeated-complaints rule: d1 employer, d2 industry


GROUPED = frozenset({Measure.received, Measure.resolved, Measure.days})


@dataclass(frozen=True)
class BaseRow:
    """One figure one case adds to the aggregates, before the fan-out by region level and group."""

    measure: Measure
    month: str  # YYYY-MM
    d1: str = ""
    d2: str = ""
    d3: str = ""
    n: int = 1
    amount: Decimal = Decimal(0)
    agency: str = ""  # '' = the case's own agency

    @property
    def grouped(self) -> bool:
        return self.measure in GROUPED


@dataclass(frozen=True)
class OutcomeEvent:
    kind: str
    on: date
    data: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class DeadlineFact:
    rule_id: str
    due_on: date
    status: str


@dataclass(frozen=True)
class ReferralFact:
    kind: str
    receiver_agency: str
    sent_on: date
    acknowledge_by: date | None
    status: str
    decided_on: date | None


@dataclass(frozen=True)
class MonitoredCase:
    """What the projections know of one case, as monitoring needs it (no personal data)."""

    channel: str
    filed_on: date
    closed_on: date | None = None
    closing_state: str | None = None
    groups: frozenset[str] = frozenset()
    employer: str = ""
    industry: str = ""
    employer_complaints: int = 1  # complaints naming the employer in the 90 days up to this one, itself included
    claims: Sequence[tuple[str, Decimal]] = ()
    events: Sequence[OutcomeEvent] = ()
    deadlines: Sequence[DeadlineFact] = ()
    referrals: Sequence[ReferralFact] = ()


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def category(kind: str) -> MoneyCategory:
    return CATEGORY_OF_CLAIM.get(kind, MoneyCategory.other)


def level_of(channel: str) -> Level:
    return LEVEL_OF_CHANNEL.get(channel, Level.other)


def resolved_level(case: MonitoredCase, outcome: Outcome) -> Level:
    """An agreement at the mediation level that reached it (its confirmation by a court or the
    commission does not move it up), an award at arbitration, a judgment at court, else the
    channel the case closed in."""
    if outcome in AGREEMENT_OUTCOMES:
        agreements = [e for e in case.events if e.kind == "mediation_agreement" and e.data.get("channel")]
        if agreements:
            return level_of(str(agreements[-1].data["channel"]))
    if outcome in AWARD_OUTCOMES:
        return Level.arbitration
    if outcome is Outcome.judgment:
        return Level.court
    return level_of(case.channel)


def outcome_of(case: MonitoredCase) -> Outcome | None:
    """The case's outcome once closed: the closing state, or for a resolved case what its events say."""
    if case.closing_state is None or case.closed_on is None:
        return None
    if case.closing_state in CLOSING_OUTCOMES:
        return CLOSING_OUTCOMES[case.closing_state]
    kinds = {e.kind for e in case.events}
    if "judgment" in kinds:
        return Outcome.judgment
    awards = [e for e in case.events if e.kind == "award"]
    if awards:
        return Outcome.award_final if awards[-1].data.get("final") else Outcome.award_nonfinal
    if "mediation_agreement" in kinds:
        return Outcome.agreement_performed if _performed(case) else Outcome.agreement
    return Outcome.other


def _performed(case: MonitoredCase) -> bool:
    """Paid in full under the last agreement (the agreement workflow's own test), or recorded as
    performed (after enforcement)."""
    if any(e.kind == "performed" for e in case.events):
        return True
    agreements = [e for e in case.events if e.kind == "mediation_agreement"]
    agreed = sum((a for _, a in _amounts(agreements[-1].data.get("items"))), Decimal(0))
    paid = sum((Decimal(str(e.data["amount"])) for e in case.events if e.kind == "agreement_payment" and "amount" in e.data), Decimal(0))
    return agreed > 0 and paid >= agreed


def day_bucket(days: int) -> int:
    """Exact to 60 days, then by 10 days to 180, by 30 to 720, then one bucket: the bucket is named
    by its last day, so a percentile read from buckets is never under the true value."""
    days = max(days, 0)
    if days <= 60:
        return days
    if days <= 180:
        return 60 + -(-(days - 60) // 10) * 10
    if days <= 720:
        return 180 + -(-(days - 180) // 30) * 30
    return 9999


def percentile(histogram: Mapping[int, int], share: float) -> int | None:
    """The smallest bucket by which `share` of the cases were resolved (nearest rank)."""
    total = sum(histogram.values())
    if total <= 0:
        return None
    rank = max(1, -(-int(share * total * 1000) // 1000))  # ceil without float drift
    running = 0
    for bucket in sorted(histogram):
        running += histogram[bucket]
        if running >= rank:
            return bucket
    return max(histogram)


def suppressed(workers: int, threshold: int) -> bool:
    """A figure resting on fewer than `threshold` workers (but some) is not shown."""
    return 0 < workers < threshold


def _amounts(items: object) -> Iterable[tuple[str, Decimal]]:
    if isinstance(items, Mapping):
        for kind, amount in items.items():
            yield str(kind), Decimal(str(amount))


def base_rows(case: MonitoredCase) -> list[BaseRow]:
    """Every figure this case adds: received, resolved (level, outcome, days), money by category,
    deadlines met and missed, referrals by their receiver, its employer."""
    filed = month_of(case.filed_on)
    rows = [BaseRow(Measure.received, filed, case.channel)]
    if case.employer_complaints >= REPEATED_COMPLAINTS:
        rows.append(BaseRow(Measure.employer, filed, case.employer, case.industry))
    rows += [BaseRow(Measure.claimed, filed, category(kind), amount=amount) for kind, amount in case.claims]
    outcome = outcome_of(case)
    if outcome is not None and case.closed_on is not None:
        closed, days = month_of(case.closed_on), (case.closed_on - case.filed_on).days
        level = resolved_level(case, outcome).value
        rows.append(BaseRow(Measure.resolved, closed, case.channel, level, outcome.value, amount=Decimal(days)))
        rows.append(BaseRow(Measure.days, closed, case.channel, f"{day_bucket(days):04d}"))
    rows += _money_rows(case)
    rows += [BaseRow(Measure.deadline, month_of(d.due_on), d.rule_id, d.status) for d in case.deadlines if d.status in ("met", "missed")]
    decisions = {d.rule_id: d.status for d in case.deadlines if d.status in ("met", "missed")}
    for ref in case.referrals:
        rows += _referral_rows(ref, decisions)
    return rows


def _money_rows(case: MonitoredCase) -> list[BaseRow]:
    rows: list[BaseRow] = []
    claims_wages = any(category(kind) in (MoneyCategory.wages, MoneyCategory.overtime) for kind, _ in case.claims)
    migrant = VulnerableGroup.migrant_worker.value in case.groups
    for event in case.events:
        month = month_of(event.on)
        if event.kind == "mediation_agreement":
            rows += [BaseRow(Measure.agreed, month, category(k), amount=a) for k, a in _amounts(event.data.get("items"))]
        elif event.kind == "award":
            rows += [BaseRow(Measure.awarded, month, category(k), amount=a) for k, a in _amounts(event.data.get("items"))]
        elif event.kind == "agreement_payment" and "amount" in event.data:
            amount = Decimal(str(event.data["amount"]))
            rows.append(BaseRow(Measure.paid, month, "total", amount=amount))
            if migrant and claims_wages:
                rows.append(BaseRow(Measure.arrears_migrant, month, "total", amount=amount))
    return rows


def _referral_rows(ref: ReferralFact, decisions: Mapping[str, str]) -> list[BaseRow]:
    """Received; answered (accepted or returned) and whether within the service level; returned;
    and, once accepted, whether the receiver's own decision (its rule, e.g. D13 for the commission's
    acceptance) was taken within the law's period."""
    month, agency = month_of(ref.sent_on), ref.receiver_agency
    answers = ["received"]
    if ref.decided_on is not None and ref.status in ("accepted", "returned"):
        answers.append("answered")
        if ref.acknowledge_by is None or ref.decided_on <= ref.acknowledge_by:
            answers.append("on_time")
        if ref.status == "returned":
            answers.append("returned")
    known = {k.value: REFERRALS[k].decision_rule for k in ReferralKind}
    rule = known.get(ref.kind)
    if ref.status == "accepted" and rule is not None and rule in decisions:
        answers.append("decided")
        if decisions[rule] == "met":
            answers.append("decided_on_time")
    return [BaseRow(Measure.referral, month, ref.kind, answer, agency=agency) for answer in answers]


def amounts_by_kind(items: Iterable[tuple[str, Decimal]]) -> dict[str, str]:
    """Amounts summed per claim kind, as exact decimal strings (a timeline event's data)."""
    totals: dict[str, Decimal] = {}
    for kind, amount in items:
        totals[kind] = totals.get(kind, Decimal(0)) + amount
    return {kind: str(amount) for kind, amount in totals.items()}
