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

    code: str  # the slug the deployment's data uses (shanghai-pudong)
    division_code: str  # GB/T 2260 administrative division code (310115)
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
            division_code=item["division_code"],
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
    """The region `code` (slug or GB/T 2260 division code), or UnknownRegion naming the valid codes."""
    found = region_slug(code)
    if found is None:
        raise UnknownRegion(f"unknown region '{code}'; valid: {', '.join(region_codes())}")
    return regions()[found]


def region_slug(code: str) -> str | None:
    """The slug of a region given by slug or by GB/T 2260 division code (310115), or None."""
    if code in regions():
        return code
    return next((r.code for r in regions().values() if r.division_code == code), None)


def region_codes() -> tuple[str, ...]:
    """Every accepted way to name a region: the division codes, then the slugs."""
    return tuple(sorted(r.division_code for r in regions().values())) + tuple(sorted(regions()))
