"""`labourflow bench`: the product against raw Temporal on this machine (see README,
Performance)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer

from labourflow.cli.base import app


@app.command()
def bench(
    quick: bool = typer.Option(
        False, "--quick", help="tiny sizes, one server: a smoke test of the benchmark itself"
    ),
    out: Path = typer.Option(
        Path("data/bench/bench.json"), "--out", help="the JSON results (profiles go next to it)"
    ),
    capacity: int = typer.Option(
        0,
        "--capacity",
        min=0,
        help="open cases for the capacity scenario (default 500; 5 with --quick)",
    ),
    repeat: int = typer.Option(
        0, "--repeat", min=0, help="runs of each measurement (default 3; 1 with --quick)"
    ),
    profile: bool = typer.Option(
        False, "--profile", help="py-spy profile of worker and API during intake, next to --out"
    ),
) -> None:
    """Start a Temporal dev server (in memory, and with SQLite), the time-skipping server, a
    worker and
    the API on free ports; run every scenario next to a raw-Temporal baseline; print the table and
    write the JSON file. Everything started is stopped at the end, Ctrl-C included."""
    from labourflow.bench.run import Options, run_all, table
    from labourflow.logs import configure_logging

    configure_logging("WARNING", "console")
    options = Options(quick=quick, out=out, capacity=capacity, repeat=repeat, profile=profile)
    try:
        results = asyncio.run(run_all(options))
    except KeyboardInterrupt:
        typer.echo("interrupted: every process the benchmark started has been stopped", err=True)
        raise typer.Exit(130) from None
    meta = results["meta"]
    typer.echo(
        f"\nlabourflow bench, {meta['date']}, {meta['machine']['cores']} cores "
        f"({meta['machine']['cpu']}), "
        f"{meta['mode']} run in {meta['wall_seconds'] / 60:.1f} min; load average "
        f"{meta['machine']['load_average_at_start']}"
    )
    typer.echo(table(results))
    capacity_result = results["scenarios"].get("capacity", {})
    if capacity_result.get("extrapolated"):
        typer.echo(
            f"\ncapacity was measured at {capacity_result['cases']} open cases; per-10,000 "
            "figures are scaled "
            "linearly from that, not measured at 100,000."
        )
    for name, summary in results.get("profile", {}).items():
        hot = ", ".join(
            f"{row['function']} {row['share']:.0%}" for row in summary["inclusive_product_code"][:5]
        )
        typer.echo(f"profile {name}: {summary['file']}; hot: {hot}")
    typer.echo(f"\nresults: {out}")
