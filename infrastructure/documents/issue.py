"""Issuing a document (what the `render-document` activity does) and verifying a stored one.

issue: stored already for this idempotency key? return it. Otherwise validate the facts, join the
parties, check a correction's predecessor, dry-render the HTML (bad data must not consume a 文号),
reserve the number, render HTML and PDF, and store everything in one transaction.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from domain.china_time import china_today
from domain.documents import (
    CATALOGUE,
    DocumentRef,
    DocumentSpec,
    RenderDocumentInput,
    document_id_for,
    format_document_no,
    issuer_abbr,
    validate_facts,
)
from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.documents import store
from infrastructure.documents.context import DocumentMeta, Parties, build_context, canonical_json
from infrastructure.documents.environment import render_html, shared_stylesheet, template_info
from infrastructure.documents.numbering import reserve_number
from infrastructure.documents.parties import load_parties
from infrastructure.documents.render import (
    CURRENT,
    RenderedPdf,
    Rendering,
    html_to_pdf,
    renderer_fingerprint,
    rendering_of,
    sha256_text,
)
from infrastructure.documents.sealing import SignedPdf, issuer_of, sign_issued, verification_url
from infrastructure.settings import Settings
from infrastructure.signing.verify import unsigned_original
from infrastructure.storage import BlobStore
from infrastructure.tables import StoredDocument

PLACEHOLDER_NO = "〔0000〕字第0号"


class DocumentRequestError(ValueError):
    """The request cannot be honoured (wrong series, bad correction); retrying will not help."""



@dataclass(frozen=True)
class Rendered:
    html: str
    pdf: RenderedPdf

    @property
    def html_sha256(self) -> str:
        return sha256_text(self.html)


def render_document(
    templates_dir: Path,
    template: str,
    context: dict[str, Any],
    document_id: str,
    rendering: Rendering = CURRENT,
) -> Rendered:
    """HTML and PDF of a context (CPU-bound: call it in a thread from async code); `rendering` is
    the current one unless a document issued before is reproduced."""
    html = render_html(templates_dir, template, context)
    shared = shared_stylesheet(templates_dir)
    return Rendered(html=html, pdf=html_to_pdf(html, identifier=document_id, rendering=rendering, shared_css=shared))


async def _predecessor(db: Database, request: RenderDocumentInput) -> StoredDocument | None:
    if request.supersedes is None:
        return None
    previous = await store.get_document(db, request.supersedes)
    if previous is None:
        raise DocumentRequestError(f"the document to correct ({request.supersedes}) does not exist")
    if previous.subject != request.subject or previous.doc_type != request.doc_type.value:
        raise DocumentRequestError(
            "a correction must have the same subject and document type as the original"
        )
    successor = await store.successor_of(db, previous.id)
    if successor is not None:
        raise DocumentRequestError(
            f"document {previous.id} was already corrected by {successor.id}"
            f" (version {successor.version});"
            " correct the latest version"
        )
    return previous


def _meta(
    request: RenderDocumentInput,
    previous: StoredDocument | None,
    issued_on: date,
    number: str | None,
) -> DocumentMeta:
    supersedes = None
    if previous is not None:
        supersedes = {
            "id": previous.id,
            "document_no": previous.document_no,
            "version": previous.version,
            "issued_on": previous.issued_on,
        }
    return DocumentMeta(
        document_id=document_id_for(request.idempotency_key),
        subject=request.subject,
        version=previous.version + 1 if previous else 1,
        issued_on=issued_on,
        issued_by=request.issued_by,
        document_no=number,
        supersedes=supersedes,
    )


async def _document_no(
    db: Database,
    templates_dir: Path,
    request: RenderDocumentInput,
    spec: DocumentSpec,
    context_for: Callable[[str | None], dict[str, Any]],
    issued_on: date,
    previous: StoredDocument | None,
) -> str | None:
    if request.number_series is None:
        return previous.document_no if previous is not None else None  # a correction keeps its 文号
    code = spec.number_code
    if code is None:
        raise DocumentRequestError(
            f"{spec.doc_type.value} documents carry no 文号; omit number_series"
        )
    # Bad data must fail here, before a number is reserved: a reserved number that is never
    # issued would leave a gap in the series.
    render_html(templates_dir, spec.template, context_for(PLACEHOLDER_NO))
    abbr = issuer_abbr(spec, request.facts)
    reservation = await reserve_number(
        db,
        series=request.number_series,
        year=issued_on.year,
        idempotency_key=request.idempotency_key,
        document_no=lambda serial: format_document_no(code, issued_on.year, serial, abbr),
    )
    return reservation.document_no


async def issue_document(
    db: Database,
    storage: BlobStore,
    keyring: Keyring,
    settings: Settings,
    request: RenderDocumentInput,
) -> DocumentRef:
    """Render, sign and store the document asked for, once per idempotency key."""
    templates_dir = settings.templates_dir
    existing = await store.find_by_key(db, request.idempotency_key)
    if existing is not None:
        return store.to_ref(existing)
    spec = CATALOGUE[request.doc_type]
    facts = validate_facts(request.doc_type, request.facts)
    parties = await load_parties(db, keyring, request.subject, request.doc_type)
    previous = await _predecessor(db, request)
    issued_on = request.issued_on or china_today()

    def context_for(number: str | None) -> dict[str, Any]:
        return build_context(spec, facts, parties, _meta(request, previous, issued_on, number))

    number = await _document_no(db, templates_dir, request, spec, context_for, issued_on, previous)
    context = context_for(number)
    info = template_info(templates_dir, spec.template)
    document_id = context["doc"]["id"]
    rendered = await asyncio.to_thread(
        render_document, templates_dir, spec.template, context, document_id, CURRENT
    )
    issuer = await issuer_of(db, settings, spec, request.subject, request.facts)
    signed = await asyncio.to_thread(
        sign_issued,
        settings,
        issuer,
        rendered.pdf.pdf,
        document_no=number or document_id[:8].upper(),
        signing_time=datetime.now(UTC).replace(microsecond=0),
        qr_url=verification_url(settings, keyring, document_id),
        ink=rendered.pdf.last_page_ink,
    )
    row, content = _rows(
        keyring, request, spec, context, info.version, info.sha256, rendered, signed, previous, issued_on
    )
    return store.to_ref(await store.save(db, storage, keyring, row, content))


def _rows(
    keyring: Keyring,
    request: RenderDocumentInput,
    spec: DocumentSpec,
    context: dict[str, Any],
    template_version: int,
    template_sha256: str,
    rendered: Rendered,
    signed: SignedPdf,
    previous: StoredDocument | None,
    issued_on: date,
) -> tuple[StoredDocument, store.Content]:
    document_id = context["doc"]["id"]
    row = StoredDocument(
        id=document_id,
        idempotency_key=request.idempotency_key,
        lineage_id=previous.lineage_id if previous else document_id,
        version=context["doc"]["version"],
        supersedes_id=previous.id if previous else None,
        subject=request.subject,
        doc_type=spec.doc_type.value,
        title_zh=spec.title_zh,
        document_no=context["doc"]["document_no"],
        issued_on=issued_on,
        issued_by=request.issued_by,
        template_name=spec.template,
        template_version=template_version,
        template_sha256=template_sha256,
        renderer=renderer_fingerprint(CURRENT),
        context_enc=store.encrypt_context(keyring, document_id, canonical_json(context)),
        html_sha256=rendered.html_sha256,
        pdf_sha256=rendered.pdf.sha256,
        pdf_size=len(rendered.pdf.pdf),
        page_count=rendered.pdf.page_count,
        content_key_id=keyring.active,
        created_at=datetime.now(UTC),
        signed_sha256=signed.sha256,
        signed_size=len(signed.pdf),
        signer_org=signed.issuer.code,
        signer_name=signed.issuer.name,
        signer_serial=signed.serial,
        signed_at=signed.signed_at,
    )
    # The signed PDF is stored and served; the row's pdf hash is the unsigned render's (its prefix).
    return row, store.Content(pdf=signed.pdf, html=rendered.html.encode())


@dataclass(frozen=True)
class Verification:
    document_id: str
    differences: tuple[str, ...]

    @property
    def identical(self) -> bool:
        return not self.differences


async def verify_document(
    db: Database, storage: BlobStore, keyring: Keyring, templates_dir: Path, document_id: str
) -> Verification:
    """Re-render a stored document from its stored inputs; compare hashes and stored bytes."""
    row = await store.get_document(db, document_id)
    if row is None:
        raise LookupError(f"no document {document_id}")
    context = json.loads(store.decrypt_context(keyring, row))
    info = template_info(templates_dir, row.template_name)
    differences: list[str] = []
    if info.version != row.template_version:
        differences.append(
            f"template version: {row.template_name} is now version {info.version},"
            " the document used version"
            f" {row.template_version} (restore that version of the template to re-render it)"
        )
    for fmt, recorded in (
        (store.ContentFormat.html, row.html_sha256),
        (store.ContentFormat.pdf, row.signed_sha256 or row.pdf_sha256),
    ):
        stored = await store.read_content(db, storage, keyring, row, fmt)
        stored_hash = _sha256(stored)
        if stored_hash != recorded:
            differences.append(
                f"stored {fmt.value}: its bytes hash to {stored_hash}, recorded {recorded}"
            )
        elif fmt is store.ContentFormat.pdf and row.signed_sha256 is not None:
            unsigned = unsigned_original(stored)
            if unsigned is None or _sha256(unsigned) != row.pdf_sha256:
                differences.append(
                    f"stored signed pdf: the unsigned render inside it does not hash to {row.pdf_sha256}"
                )
    rendering = rendering_of(row.renderer)
    rendered = await asyncio.to_thread(
        render_document, templates_dir, row.template_name, context, row.id, rendering
    )
    if rendered.html_sha256 != row.html_sha256:
        why = (
            " (template sources changed without a version bump)"
            if info.sha256 != row.template_sha256
            else ""
        )
        differences.append(
            f"html: re-rendered sha256 {rendered.html_sha256}, recorded {row.html_sha256}{why}"
        )
    if rendered.pdf.sha256 != row.pdf_sha256:
        again = renderer_fingerprint(rendering)
        notes = [f"renderer changed: was '{row.renderer}', now '{again}'"] if again != row.renderer else []
        if rendering.cut_version == 1:
            notes.append(
                "font cut v1 stamped the time of the cut into its files: such a document re-renders"
                " identically only with the cut files it was issued with, from the font cache of the"
                " machine that issued it"
            )
        why = f" ({'; '.join(notes)})" if notes else ""
        differences.append(
            f"pdf: re-rendered sha256 {rendered.pdf.sha256}, recorded {row.pdf_sha256}{why}"
        )
    return Verification(row.id, tuple(differences))


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def render_from_parts(
    templates_dir: Path, spec: DocumentSpec, facts: BaseModel, parties: Parties, meta: DocumentMeta
) -> tuple[dict[str, Any], Rendered]:
    """Context and rendering without a database (samples, previews)."""
    context = build_context(spec, facts, parties, meta)
    return context, render_document(templates_dir, spec.template, context, meta.document_id)
