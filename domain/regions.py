"""Regions served by a deployment: their jurisdiction profile and local monthly minimum wage."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict


class MinimumWage(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)

    monthly: Decimal
    from_: date
    source: str
    confidence: str


class Agency(BaseModel):
    """A body a case meets in a region (printed on documents)."""

    model_config = ConfigDict(frozen=True)

    name: str
    abbr: str | None = None


class Region(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str
    name_zh: str
    name_en: str
    jurisdiction: str
    minimum_wage: tuple[MinimumWage, ...]
    agencies: dict[str, Agency]

    def agency(self, kind: str) -> Agency:
        """arbitration_commission, basic_court, intermediate_court, legal_aid_centre, inspection,
        union_federation, procuratorate or people_government."""
        return self.agencies[kind]

    def minimum_wage_on(self, day: date) -> MinimumWage:
        """The monthly minimum wage in force on `day` (the earliest known one before any data)."""
        applicable = [wage for wage in self.minimum_wage if wage.from_ <= day]
        return max(applicable, key=lambda wage: wage.from_) if applicable else min(self.minimum_wage, key=lambda w: w.from_)


class UnknownRegion(ValueError):
    """The region code is not in domain/data/regions.json."""


@cache
def regions() -> dict[str, Region]:
    """Every region of domain/data/regions.json, by code."""
    raw = json.loads(resources.files("domain").joinpath("data/regions.json").read_text("utf-8"))
    return {
        code: Region(
            code=code,
            name_zh=item["name_zh"],
            name_en=item["name_en"],
            jurisdiction=item["jurisdiction"],
            minimum_wage=tuple(
                MinimumWage(
                    monthly=Decimal(w["monthly"]), from_=date.fromisoformat(w["from"]), source=w["source"], confidence=w["confidence"]
                )
                for w in item["minimum_wage"]
            ),
            agencies={kind: Agency(**agency) for kind, agency in item["agencies"].items()},
        )
        for code, item in raw["regions"].items()
    }


def region(code: str) -> Region:
    """The region `code`, or UnknownRegion naming the valid codes."""
    try:
        return regions()[code]
    except KeyError:
        raise UnknownRegion(f"unknown region '{code}'; valid: {', '.join(sorted(regions()))}") from None
