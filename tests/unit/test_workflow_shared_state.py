"""The workflow modules are passed through the sandbox (labourflow/worker.py, SANDBOX_PASSTHROUGH):
imported once per worker process instead of once per workflow run, so their module globals and
class attributes are shared by every run. That is safe only while nothing shared can change:

- every name a workflow module or class defines at its top level holds an immutable value (numbers,
  strings, enums, tuples and frozensets of such, read-only mappings, frozen models and dataclasses,
  functions, classes, type aliases); instance state is set per run in `__init__`/`run`;
- no workflow code declares `global` or assigns to a class attribute outside class creation;
- replaying every committed history with the production runner leaves the shared state as it was.

The time-skipping tests run the workflows under the strict sandbox (nothing of `workflows` passed
through), so a workflow that reached for the clock, random numbers or I/O would still fail there."""

from __future__ import annotations

import ast
import dataclasses
import datetime
import decimal
import enum
import importlib
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from temporalio.common import RetryPolicy
from temporalio.worker import Replayer

from labourflow.worker import SANDBOX_PASSTHROUGH, sandbox_runner
from tests.workflows.replay import HISTORIES, load_history, replay_converter
from workflows.registry import ALL_WORKFLOWS

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
MODULES = sorted(WORKFLOWS.rglob("*.py"))
ATOMS = (str, bytes, int, float, bool, type(None), complex, datetime.date, datetime.time, datetime.timedelta,
         decimal.Decimal, range, enum.Enum, types.FunctionType, types.BuiltinFunctionType, type, types.ModuleType,
         property, staticmethod, classmethod, types.GenericAlias, typing.TypeVar)


def immutable(value: Any) -> bool:
    if isinstance(value, ATOMS) or type(value).__module__ in ("typing", "collections.abc"):  # type aliases
        return True
    if isinstance(value, (tuple, frozenset)):
        return all(immutable(item) for item in value)
    if isinstance(value, types.MappingProxyType):
        return all(immutable(k) and immutable(v) for k, v in value.items())
    if isinstance(value, BaseModel):
        return bool(type(value).model_config.get("frozen")) and all(immutable(v) for v in dict(value).values())
    if isinstance(value, RetryPolicy):
        # Not a frozen dataclass in the SDK, which only reads it to build the command; its fields
        # must still be immutable, and no workflow code assigns to it (test_no_shared_assignment).
        return all(immutable(getattr(value, f.name)) for f in dataclasses.fields(value))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return value.__dataclass_params__.frozen and all(immutable(getattr(value, f.name)) for f in dataclasses.fields(value))  # type: ignore[attr-defined]
    return False


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(WORKFLOWS.parent).with_suffix("").parts)


def _defined(body: list[ast.stmt]) -> Iterator[str]:
    for node in body:
        if isinstance(node, ast.Assign):
            yield from (t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            yield node.target.id


def mutable_shared_names(path: Path) -> list[str]:
    """Names defined at the top of the module or of its classes whose values could change."""
    module = importlib.import_module(_module_name(path))
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = [f"{name} ({type(getattr(module, name)).__name__})" for name in _defined(tree.body) if not immutable(getattr(module, name))]
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            cls = getattr(module, node.name)
            found += [f"{node.name}.{name} ({type(vars(cls).get(name)).__name__})"
                      for name in _defined(node.body) if name in vars(cls) and not immutable(vars(cls)[name])]
            found += [f"{node.name}.{name} ({type(value).__name__}, set at class creation)"
                      for name, value in vars(cls).items() if name == "ACTIONS" and not immutable(value)]
    return found


def test_the_workflow_modules_are_passed_through() -> None:
    assert "workflows" in SANDBOX_PASSTHROUGH


def test_the_check_finds_mutable_shared_state() -> None:
    assert not immutable({"a": 1}) and not immutable([1]) and not immutable(({1},))
    assert not immutable(types.MappingProxyType({"a": [1]}))
    assert immutable(types.MappingProxyType({"a": (1, "b")})) and immutable(RetryPolicy(non_retryable_error_types=("X",)))
    assert not immutable(RetryPolicy(non_retryable_error_types=["X"]))


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(WORKFLOWS)) for p in MODULES])
def test_what_a_workflow_module_shares_is_immutable(path: Path) -> None:
    found = mutable_shared_names(path)
    assert not found, f"{path.relative_to(WORKFLOWS)} shares mutable state between workflow runs: {found}; " \
                      "use a tuple, frozenset or MappingProxyType, or keep it on the instance"


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(WORKFLOWS)) for p in MODULES])
def test_no_shared_assignment(path: Path) -> None:
    """No `global`, and no assignment to an attribute of a class or a module-level name, except
    `cls.ACTIONS` in `__init_subclass__` (class creation, at import)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = set(_defined(tree.body)) | {n.name for n in tree.body if isinstance(n, ast.ClassDef)}
    found = []
    for func in (n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))):
        for node in ast.walk(func):
            if isinstance(node, (ast.Global, ast.Nonlocal)):
                found.append(f"line {node.lineno}: {type(node).__name__.lower()}")
            targets: list[ast.expr] = []
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
                targets = [node.target]
            for target in targets:
                base = target
                while isinstance(base, (ast.Attribute, ast.Subscript)):
                    base = base.value
                if target is not base and isinstance(base, ast.Name) and (base.id in top or base.id == "cls") \
                        and not (func.name == "__init_subclass__" and ast.unparse(target) == "cls.ACTIONS"):
                    found.append(f"line {node.lineno}: {ast.unparse(target)} = ...")
    assert not found, f"{path.relative_to(WORKFLOWS)} changes shared state: {found}"


def _fingerprint() -> dict[str, str]:
    """The repr of every top-level value of every workflow module and class (functions excluded)."""
    prints = {}
    for path in MODULES:
        module = importlib.import_module(_module_name(path))
        for name, value in vars(module).items():
            if isinstance(value, type) and value.__module__ == module.__name__:
                for attr, inner in vars(value).items():
                    if not callable(inner) and not attr.startswith("__"):
                        prints[f"{module.__name__}.{name}.{attr}"] = repr(inner)
            elif not name.startswith("__") and not callable(value) and not isinstance(value, types.ModuleType):
                prints[f"{module.__name__}.{name}"] = repr(value)
    return prints


async def test_replaying_every_committed_history_leaves_the_shared_state_as_it_was() -> None:
    before = _fingerprint()
    histories = [load_history(path) for path in sorted(HISTORIES.rglob("*.json")) if path.name != "release.json"]
    replayer = Replayer(workflows=ALL_WORKFLOWS, data_converter=replay_converter(), workflow_runner=sandbox_runner())
    for history in histories:
        result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
        assert result.replay_failure is None
    assert len(histories) > 50
    after = _fingerprint()
    assert after == before, [key for key in before if after.get(key) != before[key]]
