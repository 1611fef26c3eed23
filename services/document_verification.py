"""Anyone may check a document: upload the signed PDF, or follow the QR code printed in its seal.

The answer says whether the file is genuine and unaltered, who signed it and when, which
document of which case or matter it is (numbers only, never a person's data) and whether a later
correction superseded it. The same answer serves the public page, the JSON API and the command
line. No sign-in: nothing here reveals more than the document itself shows.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from datetime import date, datetime
from enum import StrEnum

from pydantic import Field
from sqlmodel import col, select

from domain.china_time import CHINA_TZ
from domain.documents import CATALOGUE, DocumentType, split_subject
from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.documents import store
from infrastructure.documents.sealing import check_matches
from infrastructure.settings import Settings
from infrastructure.signing import keystore
from infrastructure.signing.verify import Verification, VerificationStatus, verify_pdf
from infrastructure.tables import StoredDocument
from services.read_models import ReadModel, aware

MAX_PDF_BYTES = 20 * 1024 * 1024


class CheckStatus(StrEnum):
    """The answer a file (or a QR code) gets; stable values for the API."""

    genuine = "genuine"  # signed by a trusted key, unaltered, the current version
    superseded = "superseded"  # genuine, but a later correction replaced it
    altered = "altered"
    unknown_signer = "unknown_signer"
    revoked = "revoked"
    not_signed = "not_signed"
    unverifiable = "unverifiable"
    unreadable = "unreadable"
    registered = "registered"  # QR code: the document exists and is current (no file was checked)
    unknown_document = "unknown_document"  # QR code: no document with this id and check value


class DocumentVersion(ReadModel):
    """A version of a document, as the verification shows it (no personal data)."""

    document_id: str
    title_zh: str
    title_en: str
    document_no: str | None
    version: int
    issued_on: date
    issued_by_org: str | None = Field(description="the organisation that signed it")


class DocumentCheck(ReadModel):
    """What the verification found."""

    status: CheckStatus
    genuine: bool = Field(description="genuine, unaltered and not superseded")
    message_zh: str
    message_en: str
    signed_by: str | None = Field(description="the organisation named in the signing certificate")
    signed_at: datetime | None
    test_certificate: bool = Field(description="signed with a development (TEST) certificate: no legal effect")
    belongs_to: str | None = Field(description="the case or union supervision matter number, e.g. LD-2026-000123")
    document: DocumentVersion | None
    superseded_by: DocumentVersion | None


_SUPERSEDED = (
    "文件真实且未被改动，但已被更正：{org}于{on}签发的第{version}版{no}取代了它，请以新版本为准。",
    "Genuine and unaltered, but superseded: version {version}{no_en} issued by {org_en} on {on} replaced it; rely on the new version.",
)
_REGISTERED = (
    "本系统签发过此文书：{title}{no}，第{version}版，{on}由{org}签发，现行有效。如需确认手中的电子文件未被改动，请上传该 PDF 文件。",
    "This system issued this document: {title_en}{no_en}, version {version}, issued by {org_en} on {on}, and it is current."
    " To confirm that an electronic copy is unaltered, upload the PDF.",
)
_UNKNOWN_DOCUMENT = (
    "未找到与此二维码对应的文书：二维码可能被篡改或抄错。",
    "No document matches this QR code: the code may have been tampered with or mistyped.",
)
_UNKNOWN_CODE = (
    "未找到与此核验码对应的文书：请核对文书页脚的核验码（12 位，如 BEF2-E876-3BEF）。",
    "No document has this check code: compare it with the code in the document's footer (12 characters, e.g. BEF2-E876-3BEF).",
)
_NOT_REGISTERED = (
    "另外，本系统的文书登记中没有这份文件。",
    " This file is not in this system's register of issued documents, however.",
)


async def verify_upload(db: Database, settings: Settings, pdf: bytes) -> DocumentCheck:
    """Check an uploaded PDF: its signature, then which stored document it is and whether it was superseded."""
    trust = await asyncio.to_thread(keystore.trust, settings)
    result = await asyncio.to_thread(verify_pdf, pdf, trust.roots, trust.crls)
    row = await _stored(db, pdf, result) if result.status is VerificationStatus.GENUINE else None
    successor = await _latest_successor(db, row) if row is not None else None
    status = CheckStatus(result.status.value)
    zh, en = result.message_zh, result.message_en
    if successor is not None:
        status = CheckStatus.superseded
        zh, en = _superseded_messages(successor)
    elif result.status is VerificationStatus.GENUINE and row is None:
        zh, en = zh + _NOT_REGISTERED[0], en + _NOT_REGISTERED[1]
    report = result.deciding
    return DocumentCheck(
        status=status,
        genuine=status is CheckStatus.genuine,
        message_zh=zh,
        message_en=en,
        signed_by=result.org_name,
        signed_at=result.signing_time,
        test_certificate=bool(report and report.test_certificate),
        belongs_to=_belongs_to(row) if row is not None else None,
        document=_version(row) if row is not None else None,
        superseded_by=_version(successor) if successor is not None else None,
    )


async def check_code(db: Database, keyring: Keyring, settings: Settings, document_id: str, check: str) -> DocumentCheck:
    """What a QR code says: the document it names (when the check value fits) and whether it is current."""
    row = await store.get_document(db, document_id) if len(document_id) <= 36 else None
    if row is None or not check_matches(keyring, document_id, check):
        return _answer(CheckStatus.unknown_document, *_UNKNOWN_DOCUMENT)
    return await _registered(db, settings, row)


def _signed_with_test_certificate(settings: Settings, row: StoredDocument) -> bool:
    """Whether the development CA issued the certificate that signed `row` (by its serial number)."""
    if not (settings.uses_dev_ca and row.signer_org and row.signer_serial):
        return False
    issued = keystore.dev_ca(settings).certificates(row.signer_org)
    return any(f"{certificate.serial:x}" == row.signer_serial for certificate in issued)


async def _registered(db: Database, settings: Settings, row: StoredDocument) -> DocumentCheck:
    """A document found by its code: what it is, and whether a correction replaced it."""
    successor = await _latest_successor(db, row)
    if successor is not None:
        zh, en = _superseded_messages(successor)
        status = CheckStatus.superseded
    else:
        zh, en = _fill(_REGISTERED, row)
        status = CheckStatus.registered
    return DocumentCheck(
        status=status,
        genuine=False,  # nothing was checked but the code: the file itself is checked by uploading it
        message_zh=zh,
        message_en=en,
        signed_by=row.signer_name,
        signed_at=aware(row.signed_at) if row.signed_at else None,
        test_certificate=await asyncio.to_thread(_signed_with_test_certificate, settings, row),
        belongs_to=_belongs_to(row),
        document=_version(row),
        superseded_by=_version(successor) if successor is not None else None,
    )


async def check_printed_code(db: Database, settings: Settings, code: str) -> DocumentCheck:
    """What the code printed in a document's footer (核验码, e.g. BEF2-E876-3BEF) names, for a paper copy."""
    digits = re.sub(r"[^0-9a-f]", "", code.lower())
    if len(digits) != 12:
        return _answer(CheckStatus.unknown_document, *_UNKNOWN_CODE)
    prefix = f"{digits[:8]}-{digits[8:]}"  # the id's first 12 hex digits, as the footer groups them
    async with db.session() as session:
        rows = (await session.exec(select(StoredDocument).where(col(StoredDocument.id).startswith(prefix)).limit(2))).all()
    if len(rows) != 1:
        return _answer(CheckStatus.unknown_document, *_UNKNOWN_CODE)
    return await _registered(db, settings, rows[0])


def _answer(status: CheckStatus, zh: str, en: str) -> DocumentCheck:
    return DocumentCheck(
        status=status, genuine=False, message_zh=zh, message_en=en, signed_by=None, signed_at=None,
        test_certificate=False, belongs_to=None, document=None, superseded_by=None,
    )


async def _stored(db: Database, pdf: bytes, result: Verification) -> StoredDocument | None:
    """The stored document this file is: the same signed bytes, else the same unsigned render inside."""
    async with db.session() as session:
        signed = hashlib.sha256(pdf).hexdigest()
        row = (await session.exec(select(StoredDocument).where(StoredDocument.signed_sha256 == signed))).first()
        if row is None and result.unsigned_sha256:
            row = (await session.exec(select(StoredDocument).where(StoredDocument.pdf_sha256 == result.unsigned_sha256))).first()
        return row


async def _latest_successor(db: Database, row: StoredDocument) -> StoredDocument | None:
    """The newest version correcting `row` (following the chain), or None if `row` is current."""
    latest = None
    current = row
    while (following := await store.successor_of(db, current.id)) is not None:
        latest = current = following
    return latest


def _version(row: StoredDocument) -> DocumentVersion:
    return DocumentVersion(
        document_id=row.id,
        title_zh=row.title_zh,
        title_en=CATALOGUE[DocumentType(row.doc_type)].title_en,
        document_no=row.document_no,
        version=row.version,
        issued_on=row.issued_on,
        issued_by_org=row.signer_name,
    )


def _belongs_to(row: StoredDocument) -> str:
    return split_subject(row.subject)[1]


def _fill(texts: tuple[str, str], row: StoredDocument) -> tuple[str, str]:
    org = row.signer_name or "（未签章）"
    values = {
        "org": org,
        "org_en": row.signer_name or "(unsigned)",
        "on": row.issued_on.isoformat(),
        "version": row.version,
        "title": row.title_zh,
        "title_en": CATALOGUE[DocumentType(row.doc_type)].title_en,
        "no": f"（{row.document_no}）" if row.document_no else "",
        "no_en": f" ({row.document_no})" if row.document_no else "",
    }
    return texts[0].format(**values), texts[1].format(**values)


def _superseded_messages(successor: StoredDocument) -> tuple[str, str]:
    return _fill(_SUPERSEDED, successor)


def local_time(moment: datetime | None) -> str:
    """A signing time as people in China read it."""
    return f"{moment.astimezone(CHINA_TZ):%Y-%m-%d %H:%M:%S}" if moment else ""
