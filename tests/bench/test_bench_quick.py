"""`python -m devtools bench --quick` runs to the end and writes every scenario with numeric figures and a
raw-Temporal baseline; it leaves no process behind."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from devtools.bench.run import SCENARIOS
from tests.support import opt_in, processes_mentioning

pytestmark = [
    pytest.mark.slow,
    pytest.mark.devserver,
    opt_in("LABOURFLOW_TEST_BENCH", "about 2.5 minutes; the suite has a 20-minute budget"),
]

BIN = Path(sys.executable).parent


def _numeric(figures: dict[str, float] | None) -> bool:
    return figures is not None and all(
        isinstance(figures[key], int | float) and not math.isnan(figures[key])
        for key in ("median", "min", "max")
    )


POSTGRES = os.environ.get("LABOURFLOW_TEST_POSTGRES_URL", "")


@pytest.mark.timeout(600)
def test_quick_bench_reports_every_scenario_against_a_baseline(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    mark = f"bench-smoke-{uuid.uuid4().hex}"  # in the environment of every process the bench starts
    done = subprocess.run(
        [str(BIN / "python"), "-m", "devtools", "bench", "--quick", "--out", str(out), "--postgres", POSTGRES],
        capture_output=True,
        text=True,
        timeout=600,
        env=os.environ | {"LABOURFLOW_BENCH_SMOKE": mark},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(out.read_text("utf-8"))
    expected = [name for name in SCENARIOS if POSTGRES or name != "intake_postgresql"]
    assert set(expected) <= set(results["scenarios"]), "a scenario is missing from the JSON"
    for name in expected:
        metrics = results["scenarios"][name]["metrics"]
        assert metrics, f"{name} has no figures"
        assert all(_numeric(m["product"]) for m in metrics), (
            f"{name} has a figure that is not a number"
        )
        assert any(_numeric(m["baseline"]) and m["ratio"] is not None for m in metrics), (
            f"{name} has no baseline"
        )
    assert "| intake c=10 rate |" in done.stdout, "the table was not printed"
    waits = results["scenarios"]["intake"]["waits"]["c=10"]  # where a request's time goes
    assert {"app", "wait", "register", "start", "rest"} <= set(waits)
    assert 0 < waits["start"]["p50"] <= waits["app"]["p99"], "the intake's phases were not read back"
    assert results["scenarios"]["capacity"]["survived_restart"], (
        "open cases did not survive the restart"
    )
    assert not processes_mentioning(mark), "the bench left processes behind"
