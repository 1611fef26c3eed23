"""Temporal workflow definitions only: deterministic, light, importing nothing but `domain`.

`ALL_WORKFLOWS` is what the worker registers.
"""

from __future__ import annotations

from workflows.issue_document import IssueDocumentWorkflow

ALL_WORKFLOWS: list[type] = [IssueDocumentWorkflow]
