"""Generated documents: `labourflow documents verify|sample|types|lock`."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import typer

from domain.documents import CATALOGUE, DocumentType
from labourflow.cli.base import app, fail

documents_app = typer.Typer(
    help="Generated documents: verify stored ones, render samples, list the catalogue."
)
app.add_typer(documents_app, name="documents")

LOCK_FILE = "versions.lock.json"


@documents_app.command("verify")
def verify(document_id: str) -> None:
    """Re-render a stored document from its stored inputs; compare the HTML and PDF hashes."""
    from labourflow.crypto import Keyring
    from labourflow.db import Database
    from labourflow.documents.issue import Verification, verify_document
    from labourflow.settings import SettingsError, get_settings

    try:
        settings = get_settings()
    except SettingsError as exc:
        fail(str(exc), code=2)

    async def _go() -> Verification:
        db = Database(settings.resolved_database_url)
        try:
            return await verify_document(
                db, Keyring.from_settings(settings), settings.templates_dir, document_id
            )
        finally:
            await db.dispose()

    try:
        result = asyncio.run(_go())
    except LookupError:
        fail(
            f"no document {document_id} (ids are listed by GET /api/v1/cases/CASE_NO/documents)",
            code=2,
        )
    if result.identical:
        typer.echo(
            f"identical: document {document_id} re-renders to the recorded HTML and PDF hashes"
        )
        return
    typer.echo(f"differs: document {document_id}", err=True)
    for difference in result.differences:
        typer.echo(f"  {difference}", err=True)
    raise typer.Exit(1)


@documents_app.command("sample")
def sample(
    doc_type: DocumentType = typer.Argument(
        ..., metavar="TYPE", help="a catalogue entry (see `documents types`)"
    ),
    out: Path = typer.Option(..., "--out", help="where to write the PDF"),
    html: Path | None = typer.Option(None, "--html", help="also write the HTML preview here"),
) -> None:
    """Render a catalogue entry from the built-in sample data (the stories), without a database."""
    from labourflow.documents.fonts import FontMissingError
    from labourflow.documents.issue import render_from_parts
    from labourflow.documents.samples import sample_for, validated_facts
    from labourflow.settings import PROJECT_ROOT

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


@documents_app.command("types")
def types() -> None:
    """The catalogue: type, Chinese title, audience, document number code."""
    for spec in CATALOGUE.values():
        # X stands for the issuer's abbreviation (Organisation.abbr), e.g. 浦
        code = f"〔YYYY〕X{spec.number_code}字第N号" if spec.number_code else "-"
        typer.echo(f"{spec.doc_type.value:36} {spec.audience.value:12} {code:20} {spec.title_zh}")


def template_lock(templates_dir: Path) -> dict[str, dict[str, object]]:
    """Version and source fingerprint of every catalogue template."""
    from labourflow.documents.environment import template_info

    lock: dict[str, dict[str, object]] = {}
    for spec in CATALOGUE.values():
        info = template_info(templates_dir, spec.template)
        lock[spec.template] = {"version": info.version, "sha256": info.sha256}
    return lock


@documents_app.command("lock")
def lock(
    check: bool = typer.Option(False, "--check", help="only compare, exit 1 when out of date"),
) -> None:
    """Record each template's version and fingerprint in templates/documents/versions.lock.json.

    Run it after bumping a template's `{# version: N #}`; a test fails when a template (or a file it
    includes) changes while its version stays the same.
    """
    from labourflow.settings import PROJECT_ROOT

    path = PROJECT_ROOT / "templates" / "documents" / LOCK_FILE
    current = template_lock(PROJECT_ROOT / "templates")
    recorded = json.loads(path.read_text("utf-8")) if path.exists() else {}
    if check:
        stale = sorted(name for name in current if current[name] != recorded.get(name))
        if stale:
            fail(
                f"out of date for: {', '.join(stale)};"
                " bump their versions and run `labourflow documents lock`",
                1,
            )
        typer.echo("template lock is up to date")
        return
    unbumped = [
        n
        for n, v in current.items()
        if n in recorded
        and v["sha256"] != recorded[n]["sha256"]
        and v["version"] == recorded[n]["version"]
    ]
    if unbumped:
        fail(
            f"changed without a version bump: {', '.join(unbumped)};"
            " edit their '{# version: N #}' first",
            1,
        )
    path.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    typer.echo(f"wrote {path}")


@documents_app.command("bench")
def bench(
    rounds: int = typer.Option(5, "--rounds", min=1, help="renders of each catalogue sample"),
) -> None:
    """Time HTML + PDF rendering of each catalogue sample (after a warm-up round): medians."""
    import statistics
    import time

    from labourflow.documents.issue import render_from_parts
    from labourflow.documents.samples import all_samples, validated_facts
    from labourflow.settings import PROJECT_ROOT

    templates = PROJECT_ROOT / "templates"
    samples = all_samples()
    timings: dict[DocumentType, list[float]] = {doc_type: [] for doc_type in samples}
    for round_no in range(rounds + 1):
        for doc_type, item in samples.items():
            started = time.perf_counter()
            render_from_parts(
                templates, CATALOGUE[doc_type], validated_facts(item), item.parties, item.meta()
            )
            if round_no:  # round 0 warms up fonts and caches, as a running worker already has
                timings[doc_type].append(time.perf_counter() - started)
    every = [t for values in timings.values() for t in values]
    for doc_type, values in timings.items():
        typer.echo(f"{doc_type.value:36} median {statistics.median(values) * 1000:6.0f} ms")
    p90 = statistics.quantiles(every, n=10)[-1] if len(every) > 1 else every[0]
    typer.echo(
        f"all {len(every)} renders: median {statistics.median(every) * 1000:.0f} ms,"
        f" p90 {p90 * 1000:.0f} ms, first render in a fresh process is slower (font loading)"
    )
