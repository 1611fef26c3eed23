"""Object storage commands: `storage import` (copy the old evidence and calendar folders into the
store, and move earlier documents' content out of table document_content) and `storage check`
(which also lists document objects no document names); and the helper other commands use to reach
the store."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import typer

from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.documents.store import import_legacy, orphan_keys
from infrastructure.settings import Settings, SettingsError
from infrastructure.storage import FolderFallback, StorageUnavailable, blob_store_for, copy_folders, move_earlier
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
    if settings.resolved_storage == "s3":
        return f"S3 bucket {settings.s3_bucket} at {settings.s3_endpoint or 'the default endpoint'}"
    if settings.resolved_storage == "files":
        return f"the folder {settings.resolved_objects_dir}"
    return "the database (table blob)"


def unavailable(settings: Settings, exc: StorageUnavailable) -> str:
    """What to do when the store cannot be used. The files store also reads the database's table
    `blob` (where earlier versions kept objects): a failure there is the database's."""
    if str(exc).startswith("database store"):
        return f"cannot use the database (table blob): {exc}; is the database migrated? run `labourflow migrate`"
    fix = {
        "s3": "check the LABOURFLOW_S3_* settings and that the bucket exists",
        "files": "check that the folder (LABOURFLOW_OBJECTS_DIR) can be created and written by this user",
    }.get(settings.resolved_storage, "is the database migrated? run `labourflow migrate`")
    return f"cannot use {where(settings)}: {exc}; {fix}"


@storage_app.command("import")
def storage_import() -> None:
    """Copy evidence, reply attachments, calendar years (old folders) and earlier documents' content into the store (idempotent)."""
    settings = Settings()

    async def copy(store: FolderFallback) -> tuple[int, int, int, int]:
        copied, present = await copy_folders(store)
        moved = await move_earlier(store)
        db = Database(settings.resolved_database_url)
        try:
            return copied, present, moved, await import_legacy(db, store, Keyring.from_settings(settings))
        finally:
            await db.dispose()

    try:
        copied, present, moved, documents = with_store(settings, copy)
    except StorageUnavailable as exc:
        fail(unavailable(settings, exc), code=1)
    typer.echo(
        f"copied {copied} file(s) from {settings.resolved_evidence_dir} and {settings.resolved_calendar_dir} "
        f"into {where(settings)}; {present} were there already; "
        f"moved {moved} object(s) from table blob; "
        f"moved the content of {documents} earlier document(s) from table document_content"
    )


@storage_app.command("check")
def storage_check() -> None:
    """Say whether the configured store can be used (exit 1 if not)."""
    settings = Settings()

    async def check(store: FolderFallback) -> list[str]:
        await store.check()
        db = Database(settings.resolved_database_url)
        try:
            return await orphan_keys(db, store)
        finally:
            await db.dispose()

    try:
        orphans = with_store(settings, check)
    except StorageUnavailable as exc:
        fail(unavailable(settings, exc), code=1)
    typer.echo(f"ok: {where(settings)}")
    if orphans:
        # A document whose process died after writing its content and before its row: harmless
        # (no row names it, a retry writes its own); listed so an operator may delete them.
        typer.echo(f"{len(orphans)} document object(s) that no document names (safe to delete):")
        for key in orphans[:20]:
            typer.echo(f"  {key}")
