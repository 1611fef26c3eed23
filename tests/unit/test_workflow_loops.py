"""A workflow never loops over a live dict view while awaiting inside the loop.

While the loop awaits an activity, the workflow's other coroutines (run(), a signal or update
handler, an SLA watcher) run and may open a deadline or a task; a dict that changes size under
the loop raises "dictionary changed size during iteration" and fails the workflow task over and
over (seen in CI: the `calendar-updated` handler of a mediation workflow recomputing deadlines
while the respondents' answer deadline was opened). Such loops iterate over a snapshot:
`for entry in list(kit.deadlines.values())`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
MODULES = sorted(WORKFLOWS.rglob("*.py"))
VIEWS = {"values", "items", "keys"}


def live_view_loops(source: str) -> list[str]:
    """Loops over `<expr>.values()/.items()/.keys()` (not wrapped in list/tuple/sorted) whose body awaits."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, (ast.For, ast.AsyncFor)):
            continue
        it = node.iter
        live = isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute) and it.func.attr in VIEWS
        awaits = any(isinstance(inner, ast.Await) for stmt in node.body for inner in ast.walk(stmt))
        if live and awaits:
            found.append(f"line {node.lineno}: for ... in {ast.unparse(it)}")
    return found


def test_the_check_finds_a_live_view_loop() -> None:
    source = "async def f(self):\n    for e in self.kit.deadlines.values():\n        await g(e)\n"
    assert live_view_loops(source) == ["line 2: for ... in self.kit.deadlines.values()"]
    snapshot = "async def f(self):\n    for e in list(self.kit.deadlines.values()):\n        await g(e)\n"
    assert live_view_loops(snapshot) == []


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(WORKFLOWS)) for p in MODULES])
def test_no_workflow_awaits_inside_a_loop_over_a_live_dict_view(path: Path) -> None:
    loops = live_view_loops(path.read_text(encoding="utf-8"))
    assert not loops, f"{path.relative_to(WORKFLOWS)}: iterate over a snapshot (list(...)): {loops}"
