"""`python -m devtools simulate` reproduces each main path: every shipped scenario meets its expectations
(stage, events, due dates) when played through the real workflows."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from devtools.simulate import Scenario, ScenarioError, run_scenario

SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.toml"))
pytestmark = pytest.mark.slow


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
async def test_scenario_meets_its_expectations(path: Path) -> None:
    result = await run_scenario(Scenario.load(path))
    assert result["expectations"] == []
    assert result["timeline"] and result["deadlines"] and result["documents"]


def test_cli_json_and_bad_scenario(tmp_path: Path) -> None:
    ok = subprocess.run([sys.executable, "-m", "devtools", "simulate", str(SCENARIOS[0]), "--json"],
                        capture_output=True, text=True, timeout=300)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["expectations"] == []
    bad = tmp_path / "bad.toml"
    story1 = next(p for p in SCENARIOS if p.stem == "wage-arrears-to-final-award")
    bad.write_text(story1.read_text().replace("on = 2026-03-23", "on = 2026-03-01", 1))
    with pytest.raises(ScenarioError, match="before the previous step"):
        Scenario.load(bad)
    failed = subprocess.run([sys.executable, "-m", "devtools", "simulate", str(bad)], capture_output=True, text=True, timeout=60)
    assert failed.returncode == 2 and failed.stderr.startswith("error:") and "before the previous step" in failed.stderr
