"""Document fixtures: every catalogue sample rendered once per test session and shared."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from devtools.document_samples import all_samples, validated_facts
from domain.documents import CATALOGUE, DocumentType
from infrastructure.documents.issue import Rendered, render_from_parts
from infrastructure.settings import PROJECT_ROOT

TEMPLATES = PROJECT_ROOT / "templates"


@dataclass(frozen=True)
class RenderedSample:
    context: dict[str, Any]
    rendered: Rendered


def render_sample(doc_type: DocumentType) -> RenderedSample:
    sample = all_samples()[doc_type]
    context, rendered = render_from_parts(
        TEMPLATES, CATALOGUE[doc_type], validated_facts(sample), sample.parties, sample.meta()
    )
    return RenderedSample(context, rendered)


@pytest.fixture(scope="session")
def rendered_samples() -> dict[DocumentType, RenderedSample]:
    """The 16 samples, rendered once (about 4 s) for all template tests."""
    return {doc_type: render_sample(doc_type) for doc_type in DocumentType}
