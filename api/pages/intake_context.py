"""Everything the intake form template needs besides the posted values: the choices, in order."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from api.intake import CLAIM_ROWS, REPRESENTATIVE_ROWS, RESPONDENT_ROWS
from domain.case import Category, ClaimKind, VulnerableGroup
from domain.china_time import china_today
from domain.intake import INTAKE_CHANNELS
from domain.parties import RespondentRole
from domain.regions import regions
from domain.scope import ScopeIssue
from services.evidence import MAX_FILES


def intake_context(
    request: Request,
    values: dict[str, str],
    errors: dict[str, str],
    conflict: str | None = None,
    checked_groups: list[str] | None = None,
) -> dict[str, Any]:
    """Choices, limits and today's date for the form, with the posted values and errors."""
    settings = request.app.state.services.settings
    return {
        "values": values,
        "errors": errors,
        "conflict": conflict,
        "categories": [c.value for c in Category],
        "claim_kinds": [k.value for k in ClaimKind],
        "groups": [g.value for g in VulnerableGroup],
        "regions": list(regions().values()),
        "channels": sorted(c.value for c in INTAKE_CHANNELS),
        "scope_issues": [s.value for s in ScopeIssue],
        "claim_rows": range(CLAIM_ROWS),
        "representative_rows": range(REPRESENTATIVE_ROWS),
        "respondent_rows": range(RESPONDENT_ROWS),
        "respondent_roles": [r.value for r in RespondentRole],
        "today": china_today().isoformat(),
        "max_upload_mb": settings.max_upload_bytes // 1_048_576,
        "max_upload_bytes": settings.max_upload_bytes,
        "max_files": MAX_FILES,
        "checked_groups": checked_groups or [],
    }
