"""Signing an issued document: which organisation signs it, the check value its QR code carries, the signature.

The organisation that issues a document signs it: the one its facts name as issuer (the catalogue's
`issuer_field`: the union of a supervision letter, the mediation organisation of an agreement) when
that is an organisation or team known here, else the one holding the case or the union supervision
matter (a receipt, a mediation record), else the platform itself. The worker's own applications
are drafted by the platform from what the worker entered, and the platform signs them.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import select

from domain.documents import DocumentSpec, DocumentType, split_subject
from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.documents.render import Rect
from infrastructure.settings import Settings
from infrastructure.signing import keystore
from infrastructure.signing.sign import SealBox, sign_pdf
from infrastructure.tables import Case, Organisation, SupervisionMatter, Team

# The text area of the document templates' A4 pages (margins 30/24/28/27 mm) in PDF points, and
# the search for a free place for the seal: steps and the clearance kept around it.
_TEXT_LEFT, _TEXT_TOP = 77, 757
_STEP_X, _STEP_Y, _GAP = 10, 6, 4
CHECK_LENGTH = 12
# The worker's own papers, which the platform drafts from what the worker entered: the platform
# signs them (the organisation they are addressed to has not issued anything).
WORKER_AUTHORED = frozenset(
    {
        DocumentType.mediation_application,
        DocumentType.arbitration_application,
        DocumentType.legal_aid_application,
        DocumentType.payment_order_application,
        DocumentType.evidence_list,
    }
)  # hex digits of the QR code's check value: 48 bits, not guessable by trying


@dataclass(frozen=True)
class Issuer:
    """Who signs: an organisation (or team) code and the name printed in the seal."""

    code: str
    name: str


@dataclass(frozen=True)
class SignedPdf:
    pdf: bytes
    issuer: Issuer
    serial: str  # the signing certificate's serial number, hex
    signed_at: datetime

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()


def check_value(keyring: Keyring, document_id: str) -> str:
    """The check value printed with a document's id in its QR code (a keyed hash: ids alone are not enough)."""
    return keyring.lookup_hash(f"document-check:{document_id}")[:CHECK_LENGTH]


def check_matches(keyring: Keyring, document_id: str, check: str) -> bool:
    """Whether `check` is the document's check value (compared in constant time)."""
    return hmac.compare_digest(check_value(keyring, document_id), check.strip().lower())


def verification_url(settings: Settings, keyring: Keyring, document_id: str) -> str:
    """What the QR code on a document carries: the public verification page of that document."""
    return f"{settings.base_url.rstrip('/')}/verify/{document_id}?c={check_value(keyring, document_id)}"


async def issuer_of(db: Database, settings: Settings, spec: DocumentSpec, subject: str, facts: dict[str, Any]) -> Issuer:
    """The organisation that signs a document of `spec` about `subject` (see the module's note)."""
    if spec.doc_type in WORKER_AUTHORED:
        return Issuer(settings.signing_platform_code, settings.signing_platform_name)
    named = facts.get(spec.issuer_field) if spec.issuer_field else None
    name = named.get("name") if isinstance(named, dict) else None
    async with db.session() as session:
        if name:
            org = (await session.exec(select(Organisation).where(Organisation.name_zh == name))).first()
            if org is not None:
                return Issuer(org.code, org.name_zh)
            team = (await session.exec(select(Team).where(Team.name_zh == name))).first()
            if team is not None:
                return await _team_issuer(session, team)
        team_code = await _holding_team(session, subject)
        team = await session.get(Team, team_code) if team_code else None
        if team is not None:
            return await _team_issuer(session, team)
    return Issuer(settings.signing_platform_code, settings.signing_platform_name)


async def _holding_team(session: Any, subject: str) -> str | None:
    kind, ident = split_subject(subject)
    if kind == "case":
        row = (await session.exec(select(Case.holder_team, Case.team_code).where(Case.case_no == ident))).first()
        return (row[0] or row[1]) if row else None
    if kind == "matter":
        query = select(SupervisionMatter.team_code).where(SupervisionMatter.matter_no == ident)
        team_code: str | None = (await session.exec(query)).first()
        return team_code
    return None


async def _team_issuer(session: Any, team: Team) -> Issuer:
    org = await session.get(Organisation, team.organisation_code) if team.organisation_code else None
    if org is not None:
        return Issuer(org.code, org.name_zh)
    return Issuer(team.code, team.name_zh)


def seal_box(ink: Sequence[Rect], default: SealBox = SealBox()) -> SealBox:
    """Where the seal goes on the last page: the lowest free place of its size in the text area,
    as far right as it can be (the default, bottom right, when the page ends early), so that it
    covers no text, table or line; the default when the page is full (then it overlaps, as an ink seal would)."""
    width, height = default.x2 - default.x1, default.y2 - default.y1
    for y1 in range(default.y1, _TEXT_TOP - height + 1, _STEP_Y):
        for x2 in range(default.x2, _TEXT_LEFT + width - 1, -_STEP_X):
            box = (x2 - width - _GAP, y1 - _GAP, x2 + _GAP, y1 + height + _GAP)
            if not any(r[0] < box[2] and box[0] < r[2] and r[1] < box[3] and box[1] < r[3] for r in ink):
                return SealBox(page=default.page, x1=x2 - width, y1=y1, x2=x2, y2=y1 + height)
    return default


def sign_issued(
    settings: Settings,
    issuer: Issuer,
    pdf: bytes,
    *,
    document_no: str,
    signing_time: datetime,
    qr_url: str | None,
    ink: Sequence[Rect] = (),
) -> SignedPdf:
    """Sign a rendered document for `issuer`, the seal placed clear of `ink` (CPU-bound: call it in a thread from async code)."""
    signer = keystore.signer_for(settings, issuer.code, issuer.name)
    with keystore.signing_lock(signer):
        signed = sign_pdf(
            pdf,
            signer,
            org_name=issuer.name,
            document_no=document_no,
            signing_time=signing_time,
            tsa_url=settings.tsa_url or None,
            tsa_timeout=settings.tsa_timeout,
            seal=seal_box(ink),
            qr_url=qr_url,
        )
    cert = signer.signing_cert
    serial = f"{int(cert.serial_number):x}" if cert is not None else ""
    return SignedPdf(signed, issuer, serial, signing_time)
