"""Object storage: files every node must see (evidence, employer reply attachments, calendar years,
documents' content), kept by key in a folder beside the SQLite database (the embedded default), in
the database's `blob` table (the default with PostgreSQL) or in an S3-compatible store
(`LABOURFLOW_STORAGE`: auto, files, database, s3).

A key is a slash-separated path whose first segment names its area: `evidence/ab/<id>.bin`,
`evidence/supervision/<id>.bin`, `calendar/2027.json`, generated documents'
`documents/<id>/<sha256>.pdf` (see `infrastructure.documents.store`). The store keeps bytes as
given: callers encrypt personal data before `put` (AES-GCM bound to the object's id, as on disk
before), so no backend ever holds plaintext.

Before this store existed these files lived on one node's disk (`LABOURFLOW_EVIDENCE_DIR`,
`LABOURFLOW_CALENDAR_DIR`). `FolderFallback` still reads them there when a key is not in the store,
and `copy_folders` (`labourflow storage import`) copies them in, so an upgraded installation keeps
working before and after the copy.
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy.exc import DBAPIError
from sqlmodel import col, select

from infrastructure.settings import Settings, SettingsError
from infrastructure.tables.storage import Blob
from infrastructure.upsert import upsert

if TYPE_CHECKING:
    from infrastructure.db import Database

# Keys are built by our code from ids and years; anything else (`..`, a leading slash) is refused,
# so a key can never name a file outside the legacy folders either.
_KEY = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$")


class BlobNotFound(KeyError):
    """No object under this key."""


class StorageUnavailable(RuntimeError):
    """The store cannot be reached or is not set up (database not migrated, bucket missing)."""


def check_key(key: str) -> str:
    """The key itself when it is a safe relative path; ValueError otherwise."""
    if len(key) > 400 or not _KEY.match(key) or ".." in key.split("/"):
        raise ValueError(f"invalid storage key {key!r}")
    return key


def area_of(key: str) -> str:
    return key.split("/", 1)[0]


class BlobStore(Protocol):
    """Put, get, delete and list objects by key."""

    async def put(self, key: str, data: bytes) -> None: ...

    async def get(self, key: str) -> bytes:
        """The object's bytes; BlobNotFound when there is none."""
        ...

    async def delete(self, key: str) -> None:
        """Remove the object (no error when it is missing)."""
        ...

    async def keys(self, prefix: str) -> list[str]:
        """Every key starting with `prefix` (which starts with an area, e.g. `calendar/`), sorted."""
        ...

    async def check(self) -> None:
        """Raise StorageUnavailable when the store cannot be used (readiness)."""
        ...


class DatabaseStore:
    """Objects as rows of the `blob` table of the application database."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def put(self, key: str, data: bytes) -> None:
        values = {"key": check_key(key), "area": area_of(key), "data": data, "size": len(data)}
        try:
            async with self._db.write_session() as session:
                await upsert(session, Blob, values, key=("key",), update=("data", "size"))
                await session.commit()
        except DBAPIError as exc:
            raise StorageUnavailable(f"database store: {type(exc.orig).__name__}: {exc.orig}") from exc

    async def get(self, key: str) -> bytes:
        try:
            async with self._db.session() as session:
                row = await session.get(Blob, check_key(key))
        except DBAPIError as exc:
            raise StorageUnavailable(f"database store: {type(exc.orig).__name__}: {exc.orig}") from exc
        if row is None:
            raise BlobNotFound(key)
        return bytes(row.data)

    async def delete(self, key: str) -> None:
        try:
            async with self._db.write_session() as session:
                row = await session.get(Blob, check_key(key))
                if row is not None:
                    await session.delete(row)
                    await session.commit()
        except DBAPIError as exc:
            raise StorageUnavailable(f"database store: {type(exc.orig).__name__}: {exc.orig}") from exc

    async def keys(self, prefix: str) -> list[str]:
        query = select(Blob.key).where(Blob.area == area_of(prefix)).order_by(col(Blob.key))
        try:
            async with self._db.session() as session:
                found = (await session.exec(query)).all()
        except DBAPIError as exc:
            raise StorageUnavailable(f"database store: {type(exc.orig).__name__}: {exc.orig}") from exc
        return [key for key in found if key.startswith(prefix)]

    async def check(self) -> None:
        await self.keys("calendar/")


class S3Store:
    """Objects in an S3-compatible bucket (MinIO, SeaweedFS, Alibaba OSS, Tencent COS, AWS S3).

    boto3 is synchronous and its clients are thread-safe: each call runs in a worker thread."""

    def __init__(self, settings: Settings) -> None:
        import boto3
        from botocore.config import Config

        if not settings.s3_bucket:
            raise SettingsError("LABOURFLOW_STORAGE=s3 needs LABOURFLOW_S3_BUCKET (and usually LABOURFLOW_S3_ENDPOINT and the keys)")
        self._bucket = settings.s3_bucket
        self._prefix = settings.s3_prefix.strip("/") + "/" if settings.s3_prefix.strip("/") else ""
        credentials: dict[str, Any] = {}
        if settings.s3_access_key:
            credentials = {"aws_access_key_id": settings.s3_access_key, "aws_secret_access_key": settings.s3_secret_key}
        self._client = boto3.session.Session().client(
            "s3",
            endpoint_url=settings.s3_endpoint or None,
            region_name=settings.s3_region,
            config=Config(s3={"addressing_style": settings.s3_addressing}, connect_timeout=5, read_timeout=30,
                          retries={"max_attempts": 3, "mode": "standard"}),
            **credentials,
        )

    async def _call(self, operation: str, **kwargs: Any) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return await asyncio.to_thread(getattr(self._client, operation), Bucket=self._bucket, **kwargs)
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if "Key" in kwargs and code in ("NoSuchKey", "404", "NotFound"):
                raise BlobNotFound(kwargs["Key"]) from exc
            if code in ("NoSuchBucket", "404", "NotFound"):
                raise StorageUnavailable(f"S3 bucket {self._bucket} does not exist (create it first)") from exc
            raise StorageUnavailable(f"S3 bucket {self._bucket}: {code or exc}") from exc
        except BotoCoreError as exc:
            raise StorageUnavailable(f"S3 bucket {self._bucket}: {exc}") from exc

    async def put(self, key: str, data: bytes) -> None:
        await self._call("put_object", Key=self._prefix + check_key(key), Body=data)

    async def get(self, key: str) -> bytes:
        answer = await self._call("get_object", Key=self._prefix + check_key(key))
        body: bytes = await asyncio.to_thread(answer["Body"].read)
        return body

    async def delete(self, key: str) -> None:
        await self._call("delete_object", Key=self._prefix + check_key(key))

    async def keys(self, prefix: str) -> list[str]:
        found: list[str] = []
        token: dict[str, str] = {}
        while True:
            page = await self._call("list_objects_v2", Prefix=self._prefix + prefix, **token)
            found.extend(item["Key"][len(self._prefix):] for item in page.get("Contents", []))
            if not page.get("IsTruncated"):
                return sorted(found)
            token = {"ContinuationToken": page["NextContinuationToken"]}

    async def check(self) -> None:
        await self._call("head_bucket")


class FileStore:
    """Objects as files under one folder (the embedded default, beside the SQLite database).

    A write goes to a temporary file in the object's folder, is flushed to disk, then renamed over
    the key's path (and the folder flushed), so a crash leaves the old object or the new one, never
    half of one; a reader never sees a partial file."""

    _PARTIAL = ".partial-"

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def _put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{self._PARTIAL}{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        try:
            with open(partial, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)

    async def put(self, key: str, data: bytes) -> None:
        try:
            await asyncio.to_thread(self._put, key, data)
        except OSError as exc:
            raise StorageUnavailable(f"files store {self.root}: {exc}") from exc

    async def get(self, key: str) -> bytes:
        path = self._path(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError as exc:
            raise BlobNotFound(key) from exc
        except OSError as exc:
            raise StorageUnavailable(f"files store {self.root}: {exc}") from exc

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, missing_ok=True)

    def _keys(self, prefix: str) -> list[str]:
        area = self.root / check_key(area_of(prefix))
        if not area.is_dir():
            return []
        found = (p.relative_to(self.root).as_posix() for p in area.rglob("*") if p.is_file() and not p.name.startswith(self._PARTIAL))
        return sorted(key for key in found if key.startswith(prefix) and _KEY.match(key))

    async def keys(self, prefix: str) -> list[str]:
        return await asyncio.to_thread(self._keys, prefix)

    async def check(self) -> None:
        def writable() -> None:
            self.root.mkdir(parents=True, exist_ok=True)
            if not os.access(self.root, os.W_OK | os.X_OK):
                raise PermissionError(f"cannot write to {self.root}")

        try:
            await asyncio.to_thread(writable)
        except OSError as exc:
            raise StorageUnavailable(f"files store {self.root}: {exc}") from exc


class Layered:
    """Writes to `primary`; reads `primary`, then `earlier` (where an installation kept its objects
    before it moved to `primary`: the blob table before the files default), so an upgrade keeps
    every object readable without copying (`labourflow storage import` copies them over)."""

    def __init__(self, primary: BlobStore, earlier: BlobStore) -> None:
        self.primary = primary
        self.earlier = earlier

    async def put(self, key: str, data: bytes) -> None:
        await self.primary.put(key, data)

    async def get(self, key: str) -> bytes:
        try:
            return await self.primary.get(key)
        except BlobNotFound:
            return await self.earlier.get(key)

    async def delete(self, key: str) -> None:
        await self.primary.delete(key)
        await self.earlier.delete(key)

    async def keys(self, prefix: str) -> list[str]:
        return sorted(set(await self.primary.keys(prefix)) | set(await self.earlier.keys(prefix)))

    async def check(self) -> None:
        await self.primary.check()


class FolderFallback:
    """A store that also reads the files an earlier version kept on this node's disk.

    `folders` maps an area prefix to its old folder (`evidence/` -> LABOURFLOW_EVIDENCE_DIR): a key
    missing from the store is read from the file at the same relative path, and listings include
    those files. Writes go to the store only; deleting removes both."""

    def __init__(self, store: BlobStore, folders: Mapping[str, Path]) -> None:
        self.store = store
        self._folders = dict(folders)

    def legacy_path(self, key: str) -> Path | None:
        for prefix, folder in self._folders.items():
            if key.startswith(prefix):
                return folder / check_key(key)[len(prefix):]
        return None

    async def put(self, key: str, data: bytes) -> None:
        await self.store.put(key, data)

    async def get(self, key: str) -> bytes:
        try:
            return await self.store.get(key)
        except BlobNotFound:
            path = self.legacy_path(key)
            if path is None or not await asyncio.to_thread(path.is_file):
                raise
            return await asyncio.to_thread(path.read_bytes)

    async def delete(self, key: str) -> None:
        await self.store.delete(key)
        path = self.legacy_path(key)
        if path is not None:
            await asyncio.to_thread(path.unlink, missing_ok=True)

    def legacy_keys(self, prefix: str) -> list[str]:
        """Keys of the files in the old folders that start with `prefix`."""
        found = []
        for area, folder in self._folders.items():
            if folder.is_dir() and (area.startswith(prefix) or prefix.startswith(area)):
                found.extend(key for key in (area + p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
                             if key.startswith(prefix) and _KEY.match(key))
        return found

    async def keys(self, prefix: str) -> list[str]:
        return sorted(set(await self.store.keys(prefix)) | set(await asyncio.to_thread(self.legacy_keys, prefix)))

    async def check(self) -> None:
        await self.store.check()


def legacy_folders(settings: Settings) -> dict[str, Path]:
    """Where evidence, reply attachments and calendar years were kept on disk before the store."""
    return {"evidence/": settings.resolved_evidence_dir, "calendar/": settings.resolved_calendar_dir}


def blob_store_for(settings: Settings, db: Database) -> FolderFallback:
    """The configured store (files, database or S3), reading the old folders for what it does not hold.

    The files store also reads the blob table, where the embedded default kept objects before 0.4."""
    kind = settings.resolved_storage
    store: BlobStore
    if kind == "s3":
        store = S3Store(settings)
    elif kind == "files":
        store = Layered(FileStore(settings.resolved_objects_dir), DatabaseStore(db))
    else:
        store = DatabaseStore(db)
    return FolderFallback(store, legacy_folders(settings))


AREAS = ("evidence/", "calendar/", "documents/")


async def move_earlier(store: FolderFallback) -> int:
    """Move the objects an upgraded installation kept in its earlier store (the blob table, before
    the files default) into the current one (`labourflow storage import`); returns how many moved.
    Idempotent: each object is written and read back before its earlier copy is deleted."""
    layered = store.store
    if not isinstance(layered, Layered):
        return 0
    moved = 0
    for prefix in AREAS:
        for key in await layered.earlier.keys(prefix):
            data = await layered.earlier.get(key)
            await layered.primary.put(key, data)
            if await layered.primary.get(key) != data:
                raise StorageUnavailable(f"{key} did not read back the same after moving it")
            await layered.earlier.delete(key)
            moved += 1
    return moved


async def copy_folders(store: FolderFallback, prefixes: Iterable[str] = ("evidence/", "calendar/")) -> tuple[int, int]:
    """Copy the files of the old folders into the store (`labourflow storage import`): (copied, already there).

    Idempotent: a key the store already holds is left as it is."""
    copied = present = 0
    for prefix in prefixes:
        held = set(await store.store.keys(prefix))
        for key in store.legacy_keys(prefix):
            if key in held:
                present += 1
                continue
            path = store.legacy_path(key)
            assert path is not None
            await store.store.put(key, await asyncio.to_thread(path.read_bytes))
            copied += 1
    return copied, present
