"""The rendering context of a document: document metadata, the parties, and the workflow's facts.

The context is made canonical by a JSON round trip (dates as ISO strings, amounts as decimal
strings) before rendering, and that exact JSON is what is stored (encrypted) with the document,
so `documents verify` renders from precisely the same input.

Shape seen by templates:
  doc       id, code (verification code), type, subject, subject_id, title, document_no,
            version, issued_on, issued_by, sample, supersedes {id, document_no, version, issued_on}
  case      case_no, category, filed_on, knew_on, claims[], total_claimed, description, evidence[],
            witnesses[], stage, channel ... (None for matter subjects)
  worker    name, id_number, phone, gender, birth_date, age, ethnicity, address, occupation
            (None for matters)
  employer  name, uscc, address, legal_representative, legal_representative_title, phone
  facts     the validated facts model of the document type (domain.document_facts)
  extra     loader additions (the case summary report's timeline, deadlines and documents)
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from domain.documents import DocumentSpec
from domain.identifiers import age_on


@dataclass(frozen=True)
class Parties:
    """What a context loader joins in for a subject (personal data: stored only encrypted)."""

    case: dict[str, Any] | None = None
    worker: dict[str, Any] | None = None
    employer: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DocumentMeta:
    document_id: str
    subject: str
    version: int
    issued_on: date
    issued_by: str
    document_no: str | None
    supersedes: dict[str, Any] | None = None
    sample: bool = False  # rendered from built-in sample data: marked 样本 in the page header


class DocumentDataError(ValueError):
    """The subject's data cannot make this document (e.g. a matter letter without an employer)."""


def verification_code(document_id: str) -> str:
    """The footer's code to find the stored original: first 12 hex digits of the id, grouped."""
    digits = document_id.replace("-", "").upper()[:12]
    return f"{digits[:4]}-{digits[4:8]}-{digits[8:12]}"


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    raise TypeError(f"cannot store {type(value).__name__} in a document context")


def canonical_json(context: dict[str, Any]) -> str:
    """The stored form of a context: compact JSON, keys in insertion order, Chinese kept as is."""
    return json.dumps(context, ensure_ascii=False, separators=(",", ":"), default=_json_default)


def _worker_with_age(worker: dict[str, Any] | None, issued_on: date) -> dict[str, Any] | None:
    if worker is None:
        return None
    birth = worker.get("birth_date")
    if birth is None:
        return {**worker, "age": None}
    born = birth if isinstance(birth, date) else date.fromisoformat(str(birth))
    return {**worker, "age": age_on(born, issued_on)}


def build_context(
    spec: DocumentSpec, facts: BaseModel, parties: Parties, meta: DocumentMeta
) -> dict[str, Any]:
    """The canonical (JSON round-tripped) context of a document: metadata, parties and facts."""
    fact_values = facts.model_dump(mode="json")
    employer = parties.employer or fact_values.get("employer")
    if employer is None and spec.issuer_field == "issuer":
        raise DocumentDataError(
            f"{spec.doc_type.value}: no employer: a matter subject must give facts.employer"
        )
    context = {
        "doc": {
            "id": meta.document_id,
            "code": verification_code(meta.document_id),
            "type": spec.doc_type.value,
            "subject": meta.subject,
            "subject_id": meta.subject.partition(":")[2],
            "title": spec.title_zh,
            "document_no": meta.document_no,
            "version": meta.version,
            "issued_on": meta.issued_on,
            "issued_by": meta.issued_by,
            "supersedes": meta.supersedes,
            "sample": meta.sample,
        },
        "case": parties.case,
        "worker": _worker_with_age(parties.worker, meta.issued_on),
        "employer": employer,
        "facts": fact_values,
        "extra": parties.extra,
    }
    loaded: dict[str, Any] = json.loads(canonical_json(context))
    return loaded
