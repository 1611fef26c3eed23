"""Supervision statistics by period and region, counted from the records (rungs, matters, batch
letters), never from counters of their own.

Definitions (shown on the statistics page):
- letters: reminder letters issued in the period, in matters and in bulk batches;
- opinion / recommendation notices, lead transfers: issued in the period;
- reply rate: of reminder letters and opinion notices served in the period (not refused at the
  door), the share the employer replied to;
- rectification rate: of matters closed in the period, the share closed as rectified (by the
  employer, after inspection, or after the government acted);
- escalations: rungs entered because the employer did not reply, refused or did not rectify;
  of which escalations to the people's government.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from pydantic import Field
from sqlmodel import col, select

from domain.supervision import ESCALATION_TRIGGERS, MatterOutcome, Rung, ServiceMethod
from domain.supervision_rules import rate
from infrastructure.db import Database
from infrastructure.tables import (
    SupervisionBatch,
    SupervisionBatchLetter,
    SupervisionMatter,
    SupervisionRung,
)
from services.read_models import ReadModel

REPLY_RUNGS = (Rung.reminder_letter.value, Rung.opinion_notice.value)
ESCALATIONS = {t.value for t in ESCALATION_TRIGGERS}


@dataclass
class Counts:
    """One region's (or the total's) figures for the period."""

    region: str
    matters_opened: int = 0
    matters_closed: int = 0
    matter_letters: int = 0
    bulk_letters: int = 0
    opinion_notices: int = 0
    recommendation_notices: int = 0
    lead_transfers: int = 0
    served_for_reply: int = 0
    replied: int = 0
    rectified: int = 0
    escalations: int = 0
    government_escalations: int = 0

    @property
    def letters(self) -> int:
        return self.matter_letters + self.bulk_letters

    @property
    def reply_rate(self) -> Decimal | None:
        return rate(self.replied, self.served_for_reply)

    @property
    def rectification_rate(self) -> Decimal | None:
        return rate(self.rectified, self.matters_closed)

    def add(self, other: Counts) -> None:
        for name in self.__dataclass_fields__:
            if name != "region":
                setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Statistics:
    start: date
    end: date
    rows: list[Counts] = field(default_factory=list)
    total: Counts = field(default_factory=lambda: Counts(region="total"))


def _within(day: date | None, start: date, end: date) -> bool:
    return day is not None and start <= day <= end


def _count_rung(counts: Counts, rung: SupervisionRung, start: date, end: date) -> None:
    if _within(rung.issued_on, start, end):
        counts.matter_letters += rung.rung == Rung.reminder_letter.value
        counts.opinion_notices += rung.rung == Rung.opinion_notice.value
        counts.recommendation_notices += rung.rung == Rung.recommendation_notice.value
        counts.lead_transfers += rung.rung == Rung.lead_transfer.value
        escalated = rung.trigger in ESCALATIONS and rung.rung != Rung.inspection_referral.value
        counts.escalations += escalated
        counts.government_escalations += rung.rung == Rung.government_escalation.value
    refused = rung.service_method == ServiceMethod.refused.value
    if rung.rung in REPLY_RUNGS and _within(rung.served_on, start, end) and not refused:
        counts.served_for_reply += 1
        counts.replied += rung.replied_on is not None


async def statistics(
    db: Database, start: date, end: date, *, team_code: str | None = None, region: str | None = None
) -> Statistics:
    """Figures per region for [start, end] (inclusive), for one union (team) or all."""
    by_region: dict[str, Counts] = defaultdict(lambda: Counts(region=""))
    async with db.session() as session:
        rungs = select(SupervisionRung)
        matters = select(SupervisionMatter)
        letters = (
            select(SupervisionBatchLetter.batch_no, SupervisionBatch.region)
            .join(
                SupervisionBatch,
                col(SupervisionBatch.batch_no) == col(SupervisionBatchLetter.batch_no),
            )
            .where(
                SupervisionBatchLetter.status == "issued",
                col(SupervisionBatch.issued_on) >= start,
                col(SupervisionBatch.issued_on) <= end,
            )
        )
        if team_code is not None:
            rungs = rungs.where(SupervisionRung.team_code == team_code)
            matters = matters.where(SupervisionMatter.team_code == team_code)
            letters = letters.where(SupervisionBatch.team_code == team_code)
        if region is not None:
            rungs = rungs.where(SupervisionRung.region == region)
            matters = matters.where(SupervisionMatter.region == region)
            letters = letters.where(SupervisionBatch.region == region)
        for rung in (await session.exec(rungs)).all():
            _count_rung(by_region[rung.region], rung, start, end)
        for matter in (await session.exec(matters)).all():
            counts = by_region[matter.region]
            counts.matters_opened += _within(matter.opened_on, start, end)
            if matter.status == "closed" and _within(matter.closed_on, start, end):
                counts.matters_closed += 1
                outcome = MatterOutcome(matter.outcome) if matter.outcome else None
                counts.rectified += outcome is not None and outcome.rectified_outcome
        for _, letter_region in (await session.exec(letters)).all():
            by_region[letter_region].bulk_letters += 1
    result = Statistics(start=start, end=end)
    for name in sorted(by_region):
        counts = by_region[name]
        counts.region = name
        result.rows.append(counts)
        result.total.add(counts)
    return result


class StatisticsRow(ReadModel):
    """One region's figures for the period (or the total, region `total`)."""

    region: str
    matters_opened: int
    matters_closed: int
    matter_letters: int
    bulk_letters: int
    letters: int = Field(description="reminder letters: in matters and in bulk batches")
    opinion_notices: int
    recommendation_notices: int
    lead_transfers: int
    served_for_reply: int
    replied: int
    rectified: int
    escalations: int
    government_escalations: int
    reply_rate: float | None = Field(ge=0, le=100, description="percent, one decimal; null when nothing was served")
    rectification_rate: float | None = Field(ge=0, le=100, description="percent, one decimal; null when no matter closed")


class StatisticsReport(ReadModel):
    """The figures per region for [start, end], then the total (the last row)."""

    start: date
    end: date
    rows: list[StatisticsRow]


def _row(c: Counts) -> StatisticsRow:
    rates = {"reply_rate": c.reply_rate, "rectification_rate": c.rectification_rate}
    return StatisticsRow(**{k: getattr(c, k) for k in c.__dataclass_fields__}, letters=c.letters,
                         **{k: float(v) if v is not None else None for k, v in rates.items()})


async def statistics_report(
    db: Database, start: date, end: date, *, team_code: str | None = None, region: str | None = None
) -> StatisticsReport:
    """The figures per region, then the total, each with its letters and rates (the JSON form)."""
    stats = await statistics(db, start, end, team_code=team_code, region=region)
    return StatisticsReport(start=start, end=end, rows=[_row(c) for c in [*stats.rows, stats.total]])
