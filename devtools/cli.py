"""`python -m devtools`: the developer commands (benchmark, scenario simulator, document samples).

They run from a checkout only: the installed package has no `devtools`, and the product's
`labourflow` command never imports it."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import NoReturn

import typer

from domain.documents import CATALOGUE, DocumentType

app = typer.Typer(
    name="devtools",
    help="labourflow developer tools: benchmark, scenario simulator, document samples (run from a checkout).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
documents_app = typer.Typer(help="Document samples from the stories: render one, or time them all.")
app.add_typer(documents_app, name="documents")


def fail(message: str, code: int = 2) -> NoReturn:
    """Print one line saying what is wrong, then exit (2 = bad input)."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


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
        help="open cases for the capacity scenario (default 300; 5 with --quick)",
    ),
    repeat: int = typer.Option(
        0, "--repeat", min=0, help="runs of each measurement (default 3; 1 with --quick)"
    ),
    profile: bool = typer.Option(
        False, "--profile", help="py-spy profile of worker and API during intake, next to --out"
    ),
    postgres: str = typer.Option(
        "", "--postgres", help="a PostgreSQL URL whose server may create a throw-away database: adds the PostgreSQL intake scenario"
    ),
    only: str = typer.Option(
        "",
        "--only",
        help="one scenario alone: 'capacity' (e.g. --only capacity --capacity 10000, an hour or more on 2 cores), "
        "'intake' (SQLite's, and PostgreSQL's with --postgres) or 'casecost' (the dev server's CPU per case)",
    ),
) -> None:
    """`python -m devtools bench` (`make bench`): start a Temporal dev server (in memory, and with SQLite), the time-skipping server, a
    worker and
    the API on free ports; run every scenario next to a raw-Temporal baseline; print the table and
    write the JSON file. Everything started is stopped at the end, Ctrl-C included."""
    from devtools.bench.run import ONLY, Options, run_all, table
    from infrastructure.logs import configure_logging

    configure_logging("WARNING", "console")
    if only not in ONLY:
        fail(f"--only {only!r}: the scenarios that run alone are {', '.join(repr(o) for o in ONLY if o)}")
    options = Options(
        quick=quick, out=out, capacity=capacity, repeat=repeat, profile=profile, postgres=postgres, only=only
    )
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


@app.command()
def simulate(
    scenario_file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="a TOML scenario (see scenarios/)"),
    as_json: bool = typer.Option(False, "--json", help="print the result as one JSON object"),
    lang: str = typer.Option("zh", "--lang", help="zh or en for the text report"),
) -> None:
    """Run a scenario on Temporal's time-skipping test server with the real workflow code and print the
    resulting timeline, deadlines (with why each date), tasks and documents."""
    from devtools.simulate import Scenario, ScenarioError, format_report, run_scenario
    from infrastructure.logs import configure_logging

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


@documents_app.command("sample")
def documents_sample(
    doc_type: DocumentType = typer.Argument(
        ..., metavar="TYPE", help="a catalogue entry (see `documents types`)"
    ),
    out: Path = typer.Option(..., "--out", help="where to write the PDF"),
    html: Path | None = typer.Option(None, "--html", help="also write the HTML preview here"),
) -> None:
    """Render a catalogue entry from the built-in sample data (the stories), without a database."""
    from devtools.document_samples import sample_for, validated_facts
    from infrastructure.documents.fonts import FontMissingError
    from infrastructure.documents.issue import render_from_parts
    from infrastructure.settings import PROJECT_ROOT

    item = sample_for(doc_type)
    try:
        _, rendered = render_from_parts(
            PROJECT_ROOT / "templates",
            CATALOGUE[doc_type],
            validated_facts(item),
            item.parties,
            item.meta(),
        )
    except FontMissingError as exc:
        fail(str(exc), code=1)
    out.write_bytes(rendered.pdf.pdf)
    if html is not None:
        html.write_text(rendered.html, encoding="utf-8")
    typer.echo(
        f"wrote {out} ({rendered.pdf.page_count} pages, sha256 {rendered.pdf.sha256[:16]}...)"
    )




@app.command("bench-casesize")
def bench_casesize(
    cases: int = typer.Option(20, "--cases", min=1, help="cases filed for the intake figure"),
    closed: int = typer.Option(5, "--closed", min=1, help="cases taken to closure for the at-rest figure"),
    postgres: str = typer.Option("", "--postgres", help="a PostgreSQL URL whose server may create a throw-away database"),
) -> None:
    """Database bytes per case at intake and at rest for a closed case, on SQLite (and PostgreSQL); prints JSON."""
    from devtools.bench.casesize import run
    from infrastructure.logs import configure_logging

    configure_logging("WARNING", "console")
    typer.echo(json.dumps(asyncio.run(run(cases, closed, postgres or None)), indent=2))


@app.command("bench-persistence")
def bench_persistence(
    workflows: int = typer.Option(1000, "--workflows", min=1, help="workflows started on each server"),
    rounds: int = typer.Option(2, "--rounds", min=1, help="pairs of servers (the order alternates)"),
) -> None:
    """The Temporal dev server's SQLite persistence, rollback journal against WAL: start rate and the
    time until every workflow has its timer; prints JSON."""
    from devtools.bench.persistence import run

    typer.echo(json.dumps(asyncio.run(run(workflows, rounds)), indent=2))


@app.command("bench-monitoring")
def bench_monitoring(
    database_url: str = typer.Option(
        "postgresql://postgres@127.0.0.1:5432/labourflow_monitoring_bench", "--database-url", help="PostgreSQL; created if missing"
    ),
    cases: int = typer.Option(1_000_000, "--cases", min=1, help="closed cases to generate"),
    open_cases: int = typer.Option(50_000, "--open", min=0, help="open cases to generate"),
    reseed: bool = typer.Option(True, "--reseed/--no-reseed", help="generate the data set first (--no-reseed: re-time the one there)"),
    rounds: int = typer.Option(100, "--rounds", min=1, help="requests per page"),
    cache_seconds: float | None = typer.Option(None, "--cache-seconds", help="the report cache (0: every request reads afresh)"),
    only: str = typer.Option("", "--only", help="time only the pages whose name contains this (e.g. 'country', 'XLSX')"),
    out: Path = typer.Option(Path("data/bench/monitoring.json"), "--out"),
) -> None:
    """The monitoring scenario (opt-in): seed a province-sized data set in PostgreSQL, time every monitoring page."""
    from devtools.bench.monitoring import run

    out.parent.mkdir(parents=True, exist_ok=True)
    result = run(database_url, out.parent, cases, open_cases, reseed, rounds, only, cache_seconds)
    out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    for step, seconds in result["seed_seconds"].items():
        typer.echo(f"seed {step}: {seconds:.1f} s")
    for page, figures in result["pages"].items():
        typer.echo(f"{page}: p50 {figures['p50']:.1f} ms, p99 {figures['p99']:.1f} ms "
                   f"(load {figures['load_before']:.2f} -> {figures['load_after']:.2f})")


@documents_app.command("bench")
def documents_bench(
    rounds: int = typer.Option(3, "--rounds", min=1, help="renders and signatures of each catalogue sample"),
) -> None:
    """Time the unsigned render and the signature of each catalogue sample (after a warm-up round): medians and the ratio."""
    from devtools.document_samples import all_samples, validated_facts
    from infrastructure.documents.bench import BenchItem, run_bench, summary
    from infrastructure.documents.context import build_context
    from infrastructure.documents.sealing import Issuer
    from infrastructure.settings import PROJECT_ROOT, get_settings

    settings = get_settings()
    items = []
    for doc_type, item in all_samples().items():
        spec = CATALOGUE[doc_type]
        context = build_context(spec, validated_facts(item), item.parties, item.meta())
        items.append(BenchItem(doc_type.value, spec.template, context, item.meta().document_id))
    issuer = Issuer("hd-union", "北京市海淀区总工会")
    lines = run_bench(settings, PROJECT_ROOT / "templates", items, rounds, issuer)
    for line in lines:
        typer.echo(f"{line.label:36} render {line.render_ms:6.0f} ms  sign {line.sign_ms:5.0f} ms  {line.ratio:4.2f} x")
    typer.echo(summary(lines))


@app.command("faulty-worker")
def faulty_worker() -> None:
    """`labourflow worker` (both roles) with fault injection: `LABOURFLOW_FAULT_KILL_AFTER=render-document:2`
    makes it SIGKILL itself after the 2nd render-document activity did its work (reliability tests)."""
    from devtools.faults import fault_interceptors
    from infrastructure.logs import configure_logging
    from infrastructure.settings import get_settings
    from labourflow.runner import serve_worker

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    asyncio.run(serve_worker(settings, interceptors=fault_interceptors()))


def main() -> None:
    """Entry point of `python -m devtools`."""
    app()
