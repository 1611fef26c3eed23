"""Evidence files: checked by content (PDF, JPEG, PNG), size-limited, stored AES-GCM encrypted in the
object store (`infrastructure.storage`: the database or S3, so every node sees them) under
`evidence/<2 chars>/<id>.bin`, one `Evidence` row each. Only the id ever reaches a workflow."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from pathlib import Path

from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.storage import BlobStore
from infrastructure.tables import Evidence

# Magic numbers: the declared content type and the file name are not trusted.
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
MAX_FILES = 5


class EvidenceRejected(ValueError):
    """The file was refused; `code` names the reason (a UI message key), `limit` the size limit."""

    def __init__(self, code: str, limit: int = 0) -> None:
        super().__init__(code)
        self.code = code
        self.limit = limit


@dataclass(frozen=True)
class EvidenceFile:
    """An upload that passed the checks, not yet stored."""

    filename: str
    content_type: str
    data: bytes


def sniff_content_type(data: bytes) -> str | None:
    """The content type from the file's first bytes, or None when it is not PDF, JPEG or PNG."""
    return next((kind for magic, kind in SIGNATURES if data.startswith(magic)), None)


def check_evidence(filename: str, data: bytes, max_bytes: int) -> EvidenceFile:
    """Refuse empty, oversized and unsupported files before anything is stored."""
    if not data:
        raise EvidenceRejected("evidence.empty")
    if len(data) > max_bytes:
        raise EvidenceRejected("evidence.too_large", max_bytes)
    content_type = sniff_content_type(data)
    if content_type is None:
        raise EvidenceRejected("evidence.bad_type")
    return EvidenceFile(Path(filename or "evidence").name[:200], content_type, data)


def evidence_key(evidence_id: str) -> str:
    """The object key; the same relative path as the file under LABOURFLOW_EVIDENCE_DIR had."""
    return f"evidence/{evidence_id[:2]}/{evidence_id}.bin"


async def store_evidence(
    storage: BlobStore,
    db: Database,
    keyring: Keyring,
    case_no: str,
    upload: EvidenceFile,
    *,
    description: str = "",
    uploaded_by: str = "worker",
) -> Evidence:
    """Encrypt the file into the store (bound to its id), then record the row; returns the row."""
    evidence_id = str(uuid.uuid4())
    kid, blob = keyring.encrypt(upload.data, associated=evidence_id.encode())
    await storage.put(evidence_key(evidence_id), kid.encode() + b":" + blob)
    row = Evidence(
        id=evidence_id,
        case_no=case_no,
        filename_enc=keyring.encrypt_text(upload.filename),
        content_type=upload.content_type,
        size=len(upload.data),
        sha256=hashlib.sha256(upload.data).hexdigest(),
        description=description[:300],
        uploaded_by=uploaded_by,
    )
    async with db.session() as session:
        session.add(row)
        await session.commit()
        await session.refresh(row)
    return row


async def read_evidence(storage: BlobStore, keyring: Keyring, evidence_id: str) -> bytes:
    """The decrypted bytes of a stored evidence file."""
    kid, _, blob = (await storage.get(evidence_key(evidence_id))).partition(b":")
    return keyring.decrypt(kid.decode(), blob, associated=evidence_id.encode())
