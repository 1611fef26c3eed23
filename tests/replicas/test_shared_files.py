"""Files every node sees: evidence, reply attachments and calendar years live in the object store
(S3-compatible, here a real SeaweedFS; or the database), never on one node's disk.

The cross-process tests give the writing process and the reading process different data folders
and no shared disk (beyond SQLite's own file when that is the database): what one writes the other
reads only through the store."""

from __future__ import annotations

import asyncio
import hashlib
import json
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from domain.intake import IntakeRequest
from infrastructure.db import Database
from infrastructure.settings import Settings
from infrastructure.storage import (
    BlobNotFound,
    BlobStore,
    DatabaseStore,
    FileStore,
    Layered,
    S3Store,
    StorageUnavailable,
    blob_store_for,
    move_earlier,
)
from services.context import ServiceContext
from services.evidence import evidence_key, read_evidence
from services.intake import register_case
from tests.conftest import make_settings
from tests.replicas.servers import S3Server, process_env, seaweedfs_s3
from tests.ui.conftest import recent_wage_arrears

PDF = "%PDF-1.7\n李建国 2026年5月工资条 应发12000元\n%%EOF".encode()
YEAR_2027 = {"year": 2027, "rest_days": ["2027-12-20"], "makeup_workdays": [], "source": "test fixture"}


@pytest.fixture(scope="module")
def s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """One SeaweedFS for the module (it takes a few seconds to start)."""
    with seaweedfs_s3(tmp_path_factory.mktemp("seaweedfs")) as server:
        yield server


def _s3_settings(s3: S3Server, data_dir: Path, database_url: str, prefix: str) -> Settings:
    # Each test gets its own key prefix in the shared bucket (LABOURFLOW_S3_PREFIX).
    return make_settings(data_dir, database_url=database_url, **s3.settings(), s3_prefix=prefix)


async def _run(*args: str, env: dict[str, str]) -> str:
    process = await asyncio.create_subprocess_exec(*args, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 0, err.decode()[-3000:]
    return out.decode()


async def written_by_one_process_read_by_another(writer: Settings, reader: Settings, db: Database) -> tuple[str, BlobStore]:
    """Register a case, store its evidence in a child process with `writer`'s data folder, read it
    here with `reader`'s; returns the evidence id and the reader's store."""
    keyring = ServiceContext.from_settings(reader, db=db).keyring
    registered = await register_case(db, keyring, IntakeRequest.model_validate(recent_wage_arrears()), None)
    upload = writer.data_dir / "upload" / "工资条.pdf"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(PDF)
    env = process_env(writer, **({"storage": "s3", "s3_endpoint": writer.s3_endpoint, "s3_bucket": writer.s3_bucket,
                                  "s3_access_key": writer.s3_access_key, "s3_secret_key": writer.s3_secret_key,
                                  "s3_prefix": writer.s3_prefix} if writer.storage == "s3" else {}))
    evidence_id = (await _run(sys.executable, "-m", "tests.replicas.evidence_tool", registered.case_no, str(upload), env=env)).strip()
    store = blob_store_for(reader, db)
    assert hashlib.sha256(await read_evidence(store, keyring, evidence_id)).digest() == hashlib.sha256(PDF).digest()
    for settings in (writer, reader):
        assert not settings.resolved_evidence_dir.exists()  # no node kept it on its disk
    stored = await store.store.get(evidence_key(evidence_id))
    assert b"%PDF" not in stored and "李建国".encode() not in stored  # encrypted before it left the process
    return evidence_id, store


async def test_evidence_written_through_one_process_is_read_through_another_over_s3(
        s3: S3Server, cluster_database_url: str, tmp_path: Path) -> None:
    prefix = f"t-{tmp_path.name}"
    writer = _s3_settings(s3, tmp_path / "node-a", cluster_database_url, prefix)
    db = Database(cluster_database_url)
    reader = writer.model_copy(update={"data_dir": tmp_path / "node-b"})  # same keys, another disk
    try:
        evidence_id, _ = await written_by_one_process_read_by_another(writer, reader, db)
    finally:
        await db.dispose()
    import boto3

    bucket = boto3.session.Session().client("s3", endpoint_url=s3.endpoint, aws_access_key_id=s3.access_key,
                                            aws_secret_access_key=s3.secret_key, region_name="us-east-1")
    keys = [item["Key"] for item in bucket.list_objects_v2(Bucket=s3.bucket, Prefix=f"{prefix}/").get("Contents", [])]
    assert keys == [f"{prefix}/{evidence_key(evidence_id)}"]  # in the bucket, under the installation's prefix


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_evidence_written_through_one_process_is_read_through_another_in_postgresql(
        db: Database, database_url: str, tmp_path: Path) -> None:
    writer = make_settings(tmp_path / "node-a", database_url=database_url)  # the default: storage=database
    reader = writer.model_copy(update={"data_dir": tmp_path / "node-b"})
    evidence_id, store = await written_by_one_process_read_by_another(writer, reader, db)
    assert isinstance(store.store, DatabaseStore) and await store.store.keys("evidence/") == [evidence_key(evidence_id)]


async def test_a_calendar_year_added_on_one_node_is_used_on_another(s3: S3Server, cluster_database_url: str, tmp_path: Path) -> None:
    """`labourflow calendar add` on node A (its own process and folder); node B's API answers with it."""
    writer = _s3_settings(s3, tmp_path / "node-a", cluster_database_url, f"t-{tmp_path.name}")
    extra = s3.settings() | {"s3_prefix": writer.s3_prefix}
    reader = writer.model_copy(update={"data_dir": tmp_path / "node-b"})
    year_file = tmp_path / "2027.json"
    year_file.write_text(json.dumps(YEAR_2027))
    printed = await _run(sys.executable, "-m", "labourflow", "calendar", "add", str(year_file), env=process_env(writer, **extra))
    assert "added 2027" in printed and not (writer.data_dir / "calendar").exists()
    app = create_app(reader, start_pending=False)
    async with app.router.lifespan_context(app), \
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://node-b") as http:
        body = (await http.get("/api/v1/deadlines/D01", params={"from": "2026-12-20"})).json()
    assert body["due"] == "2027-12-21" and body["provisional"] is False  # 2027-12-20 is a holiday in the added year


# ---- the store itself, the same contract on every backend ------------------------------------


@pytest.fixture(params=["files", "database", "s3"])
async def store(request: pytest.FixtureRequest, db: Database, tmp_path: Path) -> AsyncIterator[BlobStore]:
    if request.param == "files":
        yield FileStore(tmp_path / "objects")
        return
    if request.param == "database":
        yield DatabaseStore(db)
        return
    server: S3Server = request.getfixturevalue("s3")
    yield S3Store(_s3_settings(server, tmp_path, "sqlite://", f"t-{tmp_path.name}"))


async def test_put_get_delete_and_list(store: BlobStore) -> None:
    await store.put("evidence/ab/one.bin", b"\x00\x01 first")
    await store.put("evidence/ab/one.bin", b"second")  # a put replaces
    await store.put("evidence/supervision/two.bin", bytes(range(256)) * 100)
    await store.put("calendar/2027.json", b"{}")
    assert await store.get("evidence/ab/one.bin") == b"second"
    assert await store.get("evidence/supervision/two.bin") == bytes(range(256)) * 100
    assert await store.keys("evidence/") == ["evidence/ab/one.bin", "evidence/supervision/two.bin"]
    assert await store.keys("evidence/supervision/") == ["evidence/supervision/two.bin"]
    assert await store.keys("calendar/") == ["calendar/2027.json"]
    await store.delete("evidence/ab/one.bin")
    await store.delete("evidence/ab/one.bin")  # deleting what is gone is no error
    with pytest.raises(BlobNotFound):
        await store.get("evidence/ab/one.bin")
    await store.check()


async def test_keys_that_could_leave_their_folder_are_refused(store: BlobStore) -> None:
    for key in ("../etc/passwd", "/etc/passwd", "evidence/../../x", "evidence//x", ""):
        with pytest.raises(ValueError, match="invalid storage key"):
            await store.put(key, b"x")


async def test_an_unusable_store_says_so(s3: S3Server, tmp_path: Path) -> None:
    missing_bucket = S3Store(make_settings(tmp_path, **(s3.settings() | {"s3_bucket": "no-such-bucket"})))
    with pytest.raises(StorageUnavailable, match="no-such-bucket"):
        await missing_bucket.check()
    unmigrated = Database(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        with pytest.raises(StorageUnavailable, match="blob"):
            await DatabaseStore(unmigrated).get("calendar/2027.json")
    finally:
        await unmigrated.dispose()


async def test_a_files_store_never_shows_a_partial_object(tmp_path: Path) -> None:
    """A write lands whole or not at all: a crash between writing and renaming leaves only a
    `.partial-` file, which no listing or read shows, and the object as it was before."""
    store = FileStore(tmp_path / "objects")
    await store.put("evidence/ab/one.bin", b"before")
    (tmp_path / "objects" / "evidence" / "ab" / ".partial-one.bin.1.dead").write_bytes(b"half of the aft")
    assert await store.keys("evidence/") == ["evidence/ab/one.bin"]
    assert await store.get("evidence/ab/one.bin") == b"before"


async def test_an_unwritable_files_store_says_so(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_bytes(b"")
    with pytest.raises(StorageUnavailable, match="files store"):
        await FileStore(blocker / "objects").check()
    with pytest.raises(StorageUnavailable, match="files store"):
        await FileStore(blocker / "objects").put("calendar/2027.json", b"{}")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_embedded_default_reads_and_moves_what_an_earlier_version_kept_in_the_database(
        db: Database, database_url: str, tmp_path: Path) -> None:
    """Before 0.4 the embedded default kept objects in the blob table; now it keeps them in files
    beside the SQLite database. Objects in the table still read, and `storage import` moves them."""
    settings = make_settings(tmp_path / "node", database_url=database_url)
    await DatabaseStore(db).put("evidence/ab/old.bin", b"kept by 0.3")
    store = blob_store_for(settings, db)
    assert isinstance(store.store, Layered) and isinstance(store.store.primary, FileStore)
    await store.put("evidence/ab/new.bin", b"kept by 0.4")
    assert await store.get("evidence/ab/old.bin") == b"kept by 0.3"
    assert await store.keys("evidence/") == ["evidence/ab/new.bin", "evidence/ab/old.bin"]
    assert await move_earlier(store) == 1
    assert await DatabaseStore(db).keys("evidence/") == []
    assert (settings.resolved_objects_dir / "evidence" / "ab" / "old.bin").read_bytes() == b"kept by 0.3"
    assert await move_earlier(store) == 0  # idempotent
