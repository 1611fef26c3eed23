"""Object storage commands: `storage import` (copy the old evidence and calendar folders into the
store) and `storage check`; and the helper other commands use to reach the store."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import typer

from infrastructure.db import Database
from infrastructure.settings import Settings, SettingsError
from infrastructure.storage import FolderFallback, StorageUnavailable, blob_store_for, copy_folders
from labourflow.cli.base import app, fail

T = TypeVar("T")

storage_app = typer.Typer(help="Object storage (evidence, reply attachments, calendar years): import old folders, check.")
app.add_typer(storage_app, name="storage")


def with_store(settings: Settings, action: Callable[[FolderFallback], Awaitable[T]]) -> T:
    """Run `action` on the configured store (opening and closing the database it may need)."""

    async def run() -> T:
        db = Database(settings.resolved_database_url)
        try:
            return await action(blob_store_for(settings, db))
        finally:
            await db.dispose()

    try:
        return asyncio.run(run())
    except SettingsError as exc:
        fail(str(exc))


def where(settings: Settings) -> str:
    """The store in words, for messages."""
    if settings.storage == "s3":
        return f"S3 bucket {settings.s3_bucket} at {settings.s3_endpoint or 'the default endpoint'}"
    return "the database (table blob)"


def unavailable(settings: Settings, exc: StorageUnavailable) -> str:
    """What to do when the store cannot be used."""
    fix = "check the LABOURFLOW_S3_* settings and that the bucket exists" if settings.storage == "s3" \
        else "is the database migrated? run `labourflow migrate`"
    return f"cannot use {where(settings)}: {exc}; {fix}"


@storage_app.command("import")
def storage_import() -> None:
    """Copy evidence, reply attachments and calendar years from the old folders on this node into the store (idempotent)."""
    settings = Settings()
    try:
        copied, present = with_store(settings, copy_folders)
    except StorageUnavailable as exc:
        fail(unavailable(settings, exc), code=1)
    typer.echo(
        f"copied {copied} file(s) from {settings.resolved_evidence_dir} and {settings.resolved_calendar_dir} "
        f"into {where(settings)}; {present} were there already"
    )


@storage_app.command("check")
def storage_check() -> None:
    """Say whether the configured store can be used (exit 1 if not)."""
    settings = Settings()

    async def check(store: FolderFallback) -> None:
        await store.check()

    try:
        with_store(settings, check)
    except StorageUnavailable as exc:
        fail(unavailable(settings, exc), code=1)
    typer.echo(f"ok: {where(settings)}")
