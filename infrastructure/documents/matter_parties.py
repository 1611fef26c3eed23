"""The parties of a `matter:` document: the supervised employer's particulars from the matter row.

Bulk reminder letters (subjects `matter:BL-...`) and documents of matters that have no row (the
documents' own samples) carry their employer in `facts.employer`: they get no parties here.
"""

from __future__ import annotations

from sqlmodel import select

from domain.documents import DocumentType
from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.documents.context import Parties
from infrastructure.documents.parties import register_context_loader
from infrastructure.tables import SupervisionMatter


async def load_matter_parties(
    db: Database, keyring: Keyring, ident: str, doc_type: DocumentType
) -> Parties:
    """The employer of supervision matter `ident`; nothing (facts.employer) without a matter row."""
    if not ident.startswith("SV-"):
        return Parties()
    async with db.session() as session:
        query = select(SupervisionMatter).where(SupervisionMatter.matter_no == ident)
        matter = (await session.exec(query)).first()
    if matter is None:
        return Parties()
    employer = {
        "name": matter.employer_name,
        "uscc": matter.employer_uscc,
        "address": matter.employer_address or None,
        "legal_representative": None,
        "legal_representative_title": None,
        "phone": None,
    }
    return Parties(employer=employer)


register_context_loader("matter", load_matter_parties)
