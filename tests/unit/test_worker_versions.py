"""Worker Versioning without a server: the build id follows the workflow code, the settings pick the
deployment and the policy, and each workflow type's versioning behaviour fits how long it runs."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
from pydantic import ValidationError
from temporalio.client import Client
from temporalio.common import VersioningBehavior

from infrastructure.settings import Environment, Settings
from infrastructure.worker_versions import SetCurrent, apply_set_current, code_fingerprint, deployment_version
from labourflow.release import WORKFLOW_CODE, default_build_id, package_version, release_version
from workflows.registry import ALL_WORKFLOWS

# A pinned workflow keeps its old build alive until it finishes: it must not wait on time or people.
DURABLE_WAIT = re.compile(r"wait_condition\(|workflow\.sleep\(|set_deadline\(|@workflow\.update|@workflow\.signal|@action\(")


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_the_fingerprint_follows_the_code_and_nothing_else(tmp_path: Path) -> None:
    one = _tree(tmp_path / "a" / "workflows", {"x.py": "A = 1\n", "kit/y.py": "B = 2\n", "data.json": "{}"})
    two = _tree(tmp_path / "b" / "workflows", {"x.py": "A = 1\n", "kit/y.py": "B = 2\n", "data.json": "{}"})
    assert code_fingerprint([one]) == code_fingerprint([two]), "the same code elsewhere is the same build"
    before = code_fingerprint([one])
    _tree(one, {"__pycache__/x.cpython-311.pyc": "bytes", ".x.py.swp": "editor"})
    assert code_fingerprint([one]) == before, "bytecode and editor files are not code"
    _tree(one, {"kit/y.py": "B = 3\n"})
    assert code_fingerprint([one]) != before, "a changed line is a new build"
    _tree(one, {"kit/y.py": "B = 2\n", "kit/z.py": ""})
    assert code_fingerprint([one]) != before, "a new module is a new build"


def test_the_default_version_is_the_package_and_the_workflow_code() -> None:
    settings = Settings(env=Environment.test, task_queue="province-a")
    version = release_version(settings)
    assert version.deployment_name == "province-a"
    assert version.build_id == default_build_id() == f"{package_version()}-{code_fingerprint(WORKFLOW_CODE)}"
    assert package_version() != "0", "labourflow is installed (make install): its version names the build"
    chosen = release_version(Settings(env=Environment.test, deployment_name="labourflow-sh", build_id="2026.12.1-abc"))
    assert (chosen.deployment_name, chosen.build_id) == ("labourflow-sh", "2026.12.1-abc")


def test_a_deployment_name_cannot_hold_a_dot() -> None:
    with pytest.raises(ValidationError, match="must not contain a dot"):
        Settings(deployment_name="labourflow.prod")
    assert release_version(Settings(task_queue="lf.prod")).deployment_name == "lf-prod"
    with pytest.raises(RuntimeError, match="build id"):
        deployment_version("labourflow", "")


@pytest.mark.parametrize(
    ("env", "setting", "policy"),
    [(Environment.development, "", "always"), (Environment.test, "", "first"), (Environment.production, "", "first"),
     (Environment.production, "always", "always"), (Environment.development, "never", "never")],
)
def test_who_makes_a_build_current(env: Environment, setting: str, policy: str) -> None:
    """Development takes every code change at once; elsewhere only the first build makes itself current."""
    settings = Settings(env=env, deployment_set_current=setting)  # type: ignore[arg-type]
    assert SetCurrent(settings.resolved_deployment_set_current) is SetCurrent(policy)


def test_every_workflow_type_declares_how_it_moves_to_new_code() -> None:
    """The rule: a workflow that waits on time or people (weeks, months) moves to new code when a build
    is made current (AUTO_UPGRADE, its changes behind `workflow.patched`); one that only works through
    a bounded job (a document, a letter batch) finishes on the build it started on (PINNED)."""
    for defn in ALL_WORKFLOWS:
        definition = defn.__temporal_workflow_definition  # type: ignore[attr-defined]
        waits = bool(DURABLE_WAIT.search(inspect.getsource(inspect.getmodule(defn))))  # type: ignore[arg-type]
        expected = VersioningBehavior.AUTO_UPGRADE if waits else VersioningBehavior.PINNED
        assert definition.versioning_behavior is expected, f"{definition.name}: {'waits' if waits else 'never waits'}, so {expected.name}"


async def test_the_time_skipping_server_has_no_versioning_and_needs_none(client: Client) -> None:
    """Versioned workers run there (every workflow test does), and setting a current version is skipped."""
    version = deployment_version("tests", "any")
    assert await apply_set_current(client, version, SetCurrent.always) == "unsupported"
