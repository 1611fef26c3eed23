"""`labourflow simulate SCENARIO_FILE`: what happens to a case, day by day, under the real workflows."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import typer

from labourflow.cli.base import app, fail


@app.command()
def simulate(
    scenario_file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="a TOML scenario (see scenarios/)"),
    as_json: bool = typer.Option(False, "--json", help="print the result as one JSON object"),
    lang: str = typer.Option("zh", "--lang", help="zh or en for the text report"),
) -> None:
    """Run a scenario on Temporal's time-skipping test server with the real workflow code and print the
    resulting timeline, deadlines (with why each date), tasks and documents."""
    from labourflow.logs import configure_logging
    from labourflow.simulate import Scenario, ScenarioError, format_report, run_scenario

    configure_logging("WARNING", "console")
    try:
        scenario = Scenario.load(scenario_file)
        typer.echo(f"simulating: {scenario.title} …", err=True)
        result = asyncio.run(run_scenario(scenario))
    except ScenarioError as exc:
        fail(str(exc))
    typer.echo(json.dumps(result, ensure_ascii=False, indent=2) if as_json else format_report(result, lang))
    if result["expectations"]:
        raise typer.Exit(1)
