"""Response models of the JSON API that belong to transport (what a request got back). The request
contracts shared with the services live in `domain/` (the intake: `domain.intake.IntakeRequest`)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class IntakeAccepted(BaseModel):
    case_no: str
    access_code: str = Field(description="secret: shown once, needed to follow the case")
    status_url: str
    receipt_url: str
    workflow_started: bool
    warnings: list[str] = []
