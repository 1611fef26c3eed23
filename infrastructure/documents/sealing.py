"""Signing an issued document: which organisation signs it, the check value its QR code carries, the signature.

The organisation that issues a document signs it: the one its facts name as issuer (or mediation
organisation) when that is an organisation or team known here, else the one holding the case or
the union supervision matter, else the platform itself (a worker's own application, a receipt).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import select

from domain.documents import DocumentSpec, split_subject
from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.settings import Settings
from infrastructure.signing import keystore
from infrastructure.signing.sign import sign_pdf
from infrastructure.tables import Case, Organisation, SupervisionMatter, Team

CHECK_LENGTH = 12  # hex digits of the QR code's check value: 48 bits, not guessable by trying


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
    named = facts.get(spec.issuer_field or "issuer") or facts.get("mediation_org")
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


def sign_issued(
    settings: Settings, issuer: Issuer, pdf: bytes, *, document_no: str, signing_time: datetime, qr_url: str | None
) -> SignedPdf:
    """Sign a rendered document for `issuer` (CPU-bound: call it in a thread from async code)."""
    signer = keystore.signer_for(settings, issuer.code, issuer.name)
    signed = sign_pdf(
        pdf,
        signer,
        org_name=issuer.name,
        document_no=document_no,
        signing_time=signing_time,
        tsa_url=settings.tsa_url or None,
        tsa_timeout=settings.tsa_timeout,
        qr_url=qr_url,
    )
    cert = signer.signing_cert
    serial = f"{int(cert.serial_number):x}" if cert is not None else ""
    return SignedPdf(signed, issuer, serial, signing_time)
