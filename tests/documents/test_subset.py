"""Font subsets from faces HarfBuzz prepared once are the subsets WeasyPrint makes from the faces
themselves (infrastructure/documents/subset.py): every catalogue sample, byte for byte, and
documents of the earlier renderings (cut v1, the full faces) that `documents verify` reproduces."""

from __future__ import annotations

from typing import Any

import pytest

from devtools.document_samples import all_samples, validated_facts
from domain.documents import CATALOGUE, DocumentType
from infrastructure.documents import subset
from infrastructure.documents.context import build_context
from infrastructure.documents.environment import render_html
from infrastructure.documents.render import CURRENT, Rendering, html_to_pdf
from infrastructure.settings import PROJECT_ROOT

TEMPLATES = PROJECT_ROOT / "templates"


def _both_ways(doc_type: DocumentType, rendering: Rendering, monkeypatch: pytest.MonkeyPatch) -> tuple[bytes, bytes]:
    from weasyprint.pdf.fonts import Font

    sample = all_samples()[doc_type]
    context = build_context(CATALOGUE[doc_type], validated_facts(sample), sample.parties, sample.meta())
    html, document_id = render_html(TEMPLATES, CATALOGUE[doc_type].template, context), sample.meta().document_id
    prepared: list[bool] = []
    original = subset.subset_prepared

    def spy(font: Any, to_unicode: dict[int, str], hinting: bool) -> None:
        prepared.append(subset.prepared(font.hb_face) is not None)
        original(font, to_unicode, hinting)

    with monkeypatch.context() as patched:
        html_to_pdf("<html lang='zh-CN'><body>劳动</body></html>", identifier="t")  # installs it
        assert Font._harfbuzz_subset is subset.subset_prepared
        patched.setattr(Font, "_harfbuzz_subset", spy)
        once = html_to_pdf(html, identifier=document_id, rendering=rendering).pdf
    if rendering.cut_version:
        assert prepared and all(prepared), "every cut face was subset from its prepared twin"
    else:
        assert prepared and not any(prepared), "the full faces keep WeasyPrint's own path (their memory)"
    with monkeypatch.context() as patched:
        patched.setattr(Font, "_harfbuzz_subset", subset._INSTALLED["original"])
        own = html_to_pdf(html, identifier=document_id, rendering=rendering).pdf
    return once, own


@pytest.mark.parametrize("doc_type", list(DocumentType), ids=[t.value for t in DocumentType])
def test_every_sample_has_the_bytes_of_weasyprints_own_subsets(doc_type: DocumentType, monkeypatch: pytest.MonkeyPatch) -> None:
    once, own = _both_ways(doc_type, CURRENT, monkeypatch)
    assert once == own


@pytest.mark.parametrize("rendering", [Rendering(flate_level=9, cut_version=0), Rendering(flate_level=6, cut_version=1)],
                         ids=["full faces, flate 9", "cut v1"])
def test_documents_of_earlier_renderings_too(rendering: Rendering, monkeypatch: pytest.MonkeyPatch) -> None:
    once, own = _both_ways(DocumentType.mediation_agreement, rendering, monkeypatch)
    assert once == own


def test_it_goes_only_in_front_of_weasyprints_own_method(monkeypatch: pytest.MonkeyPatch) -> None:
    from weasyprint.pdf.fonts import Font

    html_to_pdf("<html lang='zh-CN'><body>劳动</body></html>", identifier="t")
    assert Font._harfbuzz_subset is subset.subset_prepared and subset.install()

    def someone_elses(font: Any, to_unicode: dict[int, str], hinting: bool) -> None:
        """Not WeasyPrint's."""

    monkeypatch.setattr(Font, "_harfbuzz_subset", someone_elses)
    assert subset.install() is False and Font._harfbuzz_subset is someone_elses
