"""Generated documents: `labourflow documents verify|types|lock`."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import typer

from domain.documents import CATALOGUE
from labourflow.cli.base import app, fail

documents_app = typer.Typer(
    help="Generated documents: verify stored ones, list the catalogue, lock template versions."
)
app.add_typer(documents_app, name="documents")

LOCK_FILE = "versions.lock.json"


@documents_app.command("verify")
def verify(
    target: str = typer.Argument(..., metavar="FILE.pdf|DOCUMENT_ID"),
    as_json: bool = typer.Option(False, "--json", help="print the answer as JSON (files only)"),
) -> None:
    """Check a signed PDF (genuine, altered, unknown signer, revoked, superseded), or re-render a stored document by id.

    A file: exit 0 when it is genuine, unaltered and current, 1 otherwise. An id: the stored
    document is re-rendered from its stored inputs and the HTML and PDF hashes compared.
    """
    path = Path(target)
    if target.lower().endswith(".pdf") or path.is_file():
        _verify_file(path, as_json)
        return
    _verify_stored(target)


def _verify_file(path: Path, as_json: bool) -> None:
    from infrastructure.db import Database
    from infrastructure.settings import SettingsError, get_settings
    from services.document_verification import DocumentCheck, local_time, verify_upload

    try:
        settings = get_settings()
        pdf = path.read_bytes()
    except SettingsError as exc:
        fail(str(exc), code=2)
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror}", code=2)

    async def _go() -> DocumentCheck:
        db = Database(settings.resolved_database_url)
        try:
            return await verify_upload(db, settings, pdf)
        finally:
            await db.dispose()

    check = asyncio.run(_go())
    if as_json:
        typer.echo(check.model_dump_json(indent=2))
    else:
        typer.echo(f"{check.status.value}: {path}")
        typer.echo(f"  {check.message_zh}\n  {check.message_en}")
        facts = [
            ("signed by", check.signed_by),
            ("signed at", f"{local_time(check.signed_at)} (Beijing time)" if check.signed_at else None),
            ("document", f"{check.document.title_en} {check.document.document_no or ''} v{check.document.version}"
             if check.document else None),
            ("case or matter", check.belongs_to),
            ("superseded by", f"{check.superseded_by.document_no or check.superseded_by.document_id} v{check.superseded_by.version}"
             if check.superseded_by else None),
        ]
        for label, value in facts:
            if value:
                typer.echo(f"  {label}: {value}")
    if not check.genuine:
        raise typer.Exit(1)


def _verify_stored(document_id: str) -> None:
    from infrastructure.crypto import Keyring
    from infrastructure.db import Database
    from infrastructure.documents.issue import Verification, verify_document
    from infrastructure.settings import SettingsError, get_settings
    from infrastructure.storage import blob_store_for

    try:
        settings = get_settings()
    except SettingsError as exc:
        fail(str(exc), code=2)

    async def _go() -> Verification:
        db = Database(settings.resolved_database_url)
        try:
            return await verify_document(
                db, blob_store_for(settings, db), Keyring.from_settings(settings),
                settings.templates_dir, document_id,
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


@documents_app.command("bench")
def bench(
    rounds: int = typer.Option(3, "--rounds", min=1, help="renders and signatures of each document"),
    limit: int = typer.Option(16, "--limit", min=1, help="how many stored documents (the newest of each type first)"),
) -> None:
    """Time the unsigned render and the signature of stored documents: a signed PDF may cost at most 1.5 x the render.

    The documents are re-rendered from their stored inputs and signed for the platform; nothing is
    stored. `python -m devtools documents bench` does the same on the catalogue samples.
    """
    from infrastructure.crypto import Keyring
    from infrastructure.db import Database
    from infrastructure.documents.bench import BUDGET, BenchItem, run_bench, summary
    from infrastructure.documents.sealing import Issuer
    from infrastructure.settings import SettingsError, get_settings
    from services.documents import bench_items

    try:
        settings = get_settings()
    except SettingsError as exc:
        fail(str(exc), code=2)

    async def load() -> list[BenchItem]:
        db = Database(settings.resolved_database_url)
        try:
            return [BenchItem(*item) for item in await bench_items(db, Keyring.from_settings(settings), limit)]
        finally:
            await db.dispose()

    items = asyncio.run(load())
    if not items:
        fail("no stored documents to time; issue some first (or run `python -m devtools documents bench` in a checkout)", code=2)
    issuer = Issuer(settings.signing_platform_code, settings.signing_platform_name)
    lines = run_bench(settings, settings.templates_dir, items, rounds, issuer)
    for line in lines:
        typer.echo(f"{line.label:44} render {line.render_ms:6.0f} ms  sign {line.sign_ms:5.0f} ms  {line.ratio:4.2f} x")
    typer.echo(summary(lines))
    total = sum(line.render_ms + line.sign_ms for line in lines) / sum(line.render_ms for line in lines)
    if total > BUDGET:
        raise typer.Exit(1)


@documents_app.command("types")
def types() -> None:
    """The catalogue: type, Chinese title, audience, document number code."""
    for spec in CATALOGUE.values():
        # X stands for the issuer's abbreviation (Organisation.abbr), e.g. 浦
        code = f"〔YYYY〕X{spec.number_code}字第N号" if spec.number_code else "-"
        typer.echo(f"{spec.doc_type.value:36} {spec.audience.value:12} {code:20} {spec.title_zh}")


def template_lock(templates_dir: Path) -> dict[str, dict[str, object]]:
    """Version and source fingerprint of every catalogue template."""
    from infrastructure.documents.environment import template_info

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
    from infrastructure.settings import PROJECT_ROOT

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
