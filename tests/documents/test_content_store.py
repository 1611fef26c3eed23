"""Documents' content (the signed PDF and the HTML) lives in the object store: a real SeaweedFS over
S3, or the database's `blob` table by default. Documents stored before that (content in table
`document_content`) still read, verify, and move with `labourflow storage import`; a process that
dies between writing the objects and the row loses nothing and leaves only an orphan that
`storage check` lists."""

from __future__ import annotations

import asyncio
import base64
import hashlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, update
from sqlmodel import col, select
from typer.testing import CliRunner

from activities.deps import ActivityDeps
from activities.documents import DocumentActivities
from devtools.document_samples import sample_for
from domain.documents import DocumentType, RenderDocumentInput
from infrastructure.crypto import Keyring
from infrastructure.db import Database, migrate
from infrastructure.documents import store
from infrastructure.documents.issue import issue_document, verify_document
from infrastructure.settings import Settings
from infrastructure.signing.verify import unsigned_original
from infrastructure.storage import BlobStore, DatabaseStore, FileStore, Layered, S3Store, blob_store_for
from infrastructure.tables import Blob, DocumentContent, StoredDocument
from labourflow.cli.base import app
from services.receipts import receipts_of, serve_with_receipt
from tests.conftest import make_settings
from tests.replicas.servers import S3Server, seaweedfs_s3

PDF, HTML = store.ContentFormat.pdf, store.ContentFormat.html


def _opinion(key: str) -> RenderDocumentInput:
    return RenderDocumentInput(
        doc_type=DocumentType.opinion_notice,
        subject="matter:SV-2026-000007",
        idempotency_key=key,
        facts=sample_for(DocumentType.opinion_notice).facts,
        number_series="union-fed-1/opinion_notice",
        issued_on=date(2026, 9, 21),
        issued_by="union",
    )


async def _issue(deps: ActivityDeps, key: str) -> StoredDocument:
    ref = await DocumentActivities(deps).render_document(_opinion(key))
    row = await store.get_document(deps.db, ref.document_id)
    assert row is not None
    return row


async def _reads_and_verifies(deps: ActivityDeps, row: StoredDocument) -> None:
    pdf = await store.read_content(deps.db, deps.storage, deps.keyring, row, PDF)
    html = await store.read_content(deps.db, deps.storage, deps.keyring, row, HTML)
    assert hashlib.sha256(pdf).hexdigest() == row.signed_sha256
    unsigned = unsigned_original(pdf)
    assert unsigned is not None and hashlib.sha256(unsigned).hexdigest() == row.pdf_sha256
    assert hashlib.sha256(html).hexdigest() == row.html_sha256 and "意见书".encode() in html
    check = await verify_document(deps.db, deps.storage, deps.keyring, deps.settings.templates_dir, row.id)
    assert check.identical, check.differences


async def _count(db: Database, model: type, *where: object) -> int:
    async with db.session() as session:
        return int((await session.exec(select(func.count()).select_from(model).where(*where))).one())  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    with seaweedfs_s3(tmp_path_factory.mktemp("seaweedfs")) as server:
        yield server


async def test_documents_round_trip_through_s3_and_leave_the_database(
    s3: S3Server, db: Database, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path, **s3.settings(), s3_prefix=f"t-{tmp_path.name}")
    deps = ActivityDeps(settings, db, Keyring.from_settings(settings))
    row = await _issue(deps, "supervision/SV-2026-000007/opinion_notice/1")
    await _reads_and_verifies(deps, row)
    assert isinstance(deps.storage.store, S3Store)
    assert await deps.storage.keys("documents/") == sorted(store.content_keys(row).values())
    # Nothing of the content is in the database: no blob row, no document_content row.
    assert await _count(db, Blob) == 0 and await _count(db, DocumentContent) == 0
    # The respondent's and the employer's links serve it from the bucket with a record of receipt.
    served = await serve_with_receipt(db, deps.storage, deps.keyring, row, channel="test", reference="SV-2026-000007")
    assert [r.signed_sha256 for r in await receipts_of(db, row.id)] == [hashlib.sha256(served).hexdigest()] == [row.signed_sha256]


async def test_documents_round_trip_through_the_default_store(settings: Settings, db: Database) -> None:
    """The default (`auto`): files beside a SQLite database, the blob table with PostgreSQL."""
    deps = ActivityDeps(settings, db, Keyring.from_settings(settings))
    row = await _issue(deps, "supervision/SV-2026-000007/opinion_notice/1")
    await _reads_and_verifies(deps, row)
    keys = store.content_keys(row)
    if settings.sqlite_file is not None:
        assert isinstance(deps.storage.store, Layered) and isinstance(deps.storage.store.primary, FileStore)
        folder = settings.resolved_objects_dir
        assert folder == settings.sqlite_file.with_name(settings.sqlite_file.name + ".objects")
        sizes = {key: (folder / key).stat().st_size for key in keys.values()}
        assert await _count(db, Blob) == 0  # nothing of the content in the database
    else:
        assert isinstance(deps.storage.store, DatabaseStore)
        async with db.session() as session:
            sizes = dict((await session.exec(select(Blob.key, Blob.size).where(col(Blob.area) == "documents"))).all())
    # Stored once: one PDF object (the signed file, whose prefix is the unsigned render) and the HTML.
    assert set(sizes) == set(keys.values()) and await _count(db, DocumentContent) == 0
    assert sizes[keys[PDF]] < row.signed_size + 100  # the PDF plus nonce and tag, no second copy
    assert sizes[keys[HTML]] * 2 < len(await store.read_content(db, deps.storage, deps.keyring, row, HTML))
    # the rendering input, in the row, is compressed too
    assert row.context_enc.startswith(f"{row.content_key_id}:gz:")
    # (base64 of the uncompressed input was a third larger than the input)
    assert len(row.context_enc) < 0.75 * len(store.decrypt_context(deps.keyring, row).encode())


async def _make_legacy(deps: ActivityDeps, row: StoredDocument) -> None:
    """Put a document back the way it was stored before this change: both parts, plain, encrypted
    with parts "pdf" and "html", in a `document_content` row, the context uncompressed; no objects."""
    pdf = await store.read_content(deps.db, deps.storage, deps.keyring, row, PDF)
    html = await store.read_content(deps.db, deps.storage, deps.keyring, row, HTML)
    _, pdf_enc = store.encrypt_part(deps.keyring, row.id, "pdf", pdf)
    _, html_enc = store.encrypt_part(deps.keyring, row.id, "html", html)
    context = store.decrypt_context(deps.keyring, row)
    kid, context_blob = store.encrypt_part(deps.keyring, row.id, "context", context.encode())
    async with deps.db.write_session() as session:
        session.add(DocumentContent(document_id=row.id, html_enc=html_enc, pdf_enc=pdf_enc))
        # and its rendering input uncompressed, as it was (around the ORM, which refuses updates)
        await session.exec(update(StoredDocument).where(col(StoredDocument.id) == row.id)  # type: ignore[call-overload]
                           .values(context_enc=f"{kid}:{base64.b64encode(context_blob).decode()}"))
        await session.commit()
    for key in store.content_keys(row).values():
        await deps.storage.delete(key)


async def test_a_document_stored_before_the_change_reads_verifies_and_moves_on_import(
    settings: Settings, db: Database
) -> None:
    deps = ActivityDeps(settings, db, Keyring.from_settings(settings))
    row = await _issue(deps, "supervision/SV-2026-000007/opinion_notice/1")
    await _make_legacy(deps, row)
    assert await deps.storage.keys("documents/") == []
    row = await store.get_document(db, row.id)
    assert row is not None and row.context_enc.split(":")[1] != "gz"
    await _reads_and_verifies(deps, row)  # read from document_content
    assert await store.import_legacy(db, deps.storage, deps.keyring) == 1
    assert await _count(db, DocumentContent) == 0
    assert await deps.storage.keys("documents/") == sorted(store.content_keys(row).values())
    await _reads_and_verifies(deps, row)  # now from the object store
    assert await store.import_legacy(db, deps.storage, deps.keyring) == 0


class DiesAfterObjects:
    """The object store of a process that is killed right after both of a document's objects are
    written, before its row: the second put lands, then the process is gone."""

    def __init__(self, store: BlobStore) -> None:
        self.store, self.puts = store, 0

    async def put(self, key: str, data: bytes) -> None:
        await self.store.put(key, data)
        self.puts += 1
        if self.puts == 2:
            raise SystemExit("killed between the objects and the row")

    async def get(self, key: str) -> bytes:
        return await self.store.get(key)

    async def delete(self, key: str) -> None:
        await self.store.delete(key)

    async def keys(self, prefix: str) -> list[str]:
        return await self.store.keys(prefix)

    async def check(self) -> None:
        await self.store.check()


async def test_a_process_killed_between_the_objects_and_the_row_loses_nothing(
    settings: Settings, db: Database
) -> None:
    keyring = Keyring.from_settings(settings)
    storage = blob_store_for(settings, db)
    request = _opinion("supervision/SV-2026-000007/opinion_notice/1")
    with pytest.raises(SystemExit):
        await issue_document(db, DiesAfterObjects(storage), keyring, settings, request)
    assert await store.find_by_key(db, request.idempotency_key) is None  # the row is the commit point
    orphans = await store.orphan_keys(db, storage)
    assert len(orphans) == 2  # reported by `storage check`, harmless
    # The activity's retry issues the document in full.
    ref = await issue_document(db, storage, keyring, settings, request)
    row = await store.get_document(db, ref.document_id)
    assert row is not None and all(key.startswith(f"documents/{row.id}/") for key in orphans)
    await _reads_and_verifies(ActivityDeps(settings, db, keyring), row)
    left = await store.orphan_keys(db, storage)
    assert not set(left) & set(store.content_keys(row).values()) and set(left) <= set(orphans)


def test_storage_import_moves_earlier_documents_and_check_lists_orphans(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The commands, as an operator runs them after upgrading: one document stored the old way, and
    the objects of one whose worker was killed before its row."""
    migrate(settings.resolved_database_url)

    async def prepare() -> tuple[str, list[str]]:
        db = Database(settings.resolved_database_url)
        try:
            deps = ActivityDeps(settings, db, Keyring.from_settings(settings))
            row = await _issue(deps, "supervision/SV-2026-000007/opinion_notice/1")
            await _make_legacy(deps, row)
            with pytest.raises(SystemExit):
                await issue_document(db, DiesAfterObjects(deps.storage), deps.keyring, settings,
                                     _opinion("supervision/SV-2026-000008/opinion_notice/1"))
            return row.id, await store.orphan_keys(db, deps.storage)
        finally:
            await db.dispose()

    legacy_id, orphans = asyncio.run(prepare())
    assert len(orphans) == 2
    for name, value in {
        "ENV": "test", "DATA_DIR": str(settings.data_dir), "DATABASE_URL": settings.resolved_database_url,
        "ENCRYPTION_KEYS": ",".join(f"{k}:{v}" for k, v in settings.encryption_keys.items()),
        "ENCRYPTION_KEY_ID": settings.encryption_key_id, "LOOKUP_HASH_KEY": settings.lookup_hash_key,
        "SESSION_SECRET": settings.session_secret,
    }.items():
        monkeypatch.setenv(f"LABOURFLOW_{name}", value)
    imported = CliRunner().invoke(app, ["storage", "import"])
    assert imported.exit_code == 0, imported.output
    assert "moved the content of 1 earlier document(s)" in imported.output
    checked = CliRunner().invoke(app, ["storage", "check"])
    assert checked.exit_code == 0, checked.output
    assert "2 document object(s) that no document names" in checked.output
    assert all(key in checked.output for key in orphans) and legacy_id not in checked.output
    again = CliRunner().invoke(app, ["storage", "import"])
    assert "moved the content of 0 earlier document(s)" in again.output
