"""Business identifiers and the one place workflow ids are built from them (no personal data)."""

from __future__ import annotations

import re

CASE_NO_PATTERN = re.compile(r"^LD-(\d{4})-(\d{6})$")
MATTER_NO_PATTERN = re.compile(r"^SV-(\d{4})-(\d{6})$")


def format_case_no(year: int, serial: int) -> str:
    """Case numbers look like LD-2026-000123 (year of filing, serial within the year)."""
    return f"LD-{year:04d}-{serial:06d}"


def format_matter_no(year: int, serial: int) -> str:
    """Supervision matters look like SV-2026-000007."""
    return f"SV-{year:04d}-{serial:06d}"


def is_case_no(value: str) -> bool:
    return bool(CASE_NO_PATTERN.match(value))


def case_workflow_id(case_no: str) -> str:
    """Workflow id of a case's dispute workflow."""
    return f"case/{case_no}"


def case_no_of_workflow(workflow_id: str) -> str | None:
    """The case number a case's workflow id (or a channel child's) carries; None for others."""
    head, _, rest = workflow_id.partition("/")
    case_no = rest.split("/", 1)[0]
    return case_no if head == "case" and is_case_no(case_no) else None


def channel_workflow_id(case_no: str, channel: str, seq: int = 1) -> str:
    """Workflow id of a channel child (mediation, arbitration, ...) of a case."""
    return f"case/{case_no}/{channel}/{seq}"


def supervision_workflow_id(matter_no: str) -> str:
    """Workflow id of a union supervision matter."""
    return f"supervision/{matter_no}"


def bulk_letters_workflow_id(batch_id: str) -> str:
    """Workflow id of a bulk reminder-letter batch."""
    return f"bulk-letters/{batch_id}"


def document_workflow_id(idempotency_key: str) -> str:
    """Workflow id of an on-request document (issue-document): its idempotency key, prefixed."""
    return f"document/{idempotency_key}"
