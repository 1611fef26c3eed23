"""Response models of the JSON API that belong to transport (what a request got back). The request
contracts shared with the services live in `domain/` (the intake: `domain.intake.IntakeRequest`);
the read models in `services/` (the case: `services.case_view.CaseDetail`)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class IntakeAccepted(BaseModel):
    """The filed case: its number and the worker's access code (shown this once)."""

    case_no: str = Field(examples=["LD-2026-000123"])
    access_code: str = Field(description="secret: shown once; the worker sends it as `X-Access-Code` to follow the case",
                             examples=["K7QM-2XPD-9RWA"])
    status_url: str = Field(description="the worker's status page")
    receipt_url: str = Field(description="the case's documents, the receipt among them")
    workflow_started: bool = Field(description="the case's workflow is running; false while the workflow service is down "
                                               "(the case is kept and starts by itself); on a repeated Idempotency-Key, "
                                               "as the case is now")
    warnings: list[str] = []


class RegionPublic(BaseModel):
    """A region the deployment serves."""

    division_code: str = Field(pattern=r"^[0-9]{6}$", description="GB/T 2260 administrative division code", examples=["310115"])
    code: str = Field(description="the region's slug, as cases report it", examples=["shanghai-pudong"])
    name_zh: str = Field(examples=["上海市浦东新区"])
    name_en: str = Field(examples=["Pudong, Shanghai"])
    jurisdiction: str = Field(description="the jurisdiction profile whose periods apply", examples=["national"])


class Liveness(BaseModel):
    status: str = Field(examples=["ok"])


class Readiness(BaseModel):
    status: str = Field(examples=["ready"])
    checks: dict[str, str] = Field(description="each readiness check: `ok`")
