"""Workflows you can read: every module in workflows/ stays within the README's limit (250 lines).
A module that grows past it is split by concern (see README, "Workflows")."""

from __future__ import annotations

from pathlib import Path

import pytest

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
LIMIT = 250
MODULES = sorted(WORKFLOWS.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(WORKFLOWS)) for p in MODULES])
def test_workflow_module_is_within_the_limit(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= LIMIT, f"{path.name} has {lines} lines; split it by concern (README, Workflows)"
