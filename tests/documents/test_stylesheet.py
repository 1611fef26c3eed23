"""The shared stylesheet parsed once gives the PDFs of parsing every document's whole stylesheet
(infrastructure/documents/stylesheet.py): every catalogue sample, byte for byte, so documents
issued before re-render identically."""

from __future__ import annotations

from typing import Any

import pytest

from devtools.document_samples import all_samples, validated_facts
from domain.documents import CATALOGUE, DocumentType
from infrastructure.documents import stylesheet
from infrastructure.documents.context import build_context
from infrastructure.documents.environment import render_html, shared_stylesheet
from infrastructure.documents.render import Rendering, html_to_pdf
from infrastructure.settings import PROJECT_ROOT

TEMPLATES = PROJECT_ROOT / "templates"


def _html(doc_type: DocumentType) -> tuple[str, str]:
    sample = all_samples()[doc_type]
    context = build_context(CATALOGUE[doc_type], validated_facts(sample), sample.parties, sample.meta())
    return render_html(TEMPLATES, CATALOGUE[doc_type].template, context), sample.meta().document_id


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts WeasyPrint's `CSS` is asked to parse while the test runs."""
    stylesheet.install()
    texts: list[str] = []
    original = stylesheet._ORIGINAL["CSS"]

    def spy(*args: Any, **kwargs: Any) -> Any:
        texts.append(kwargs.get("string") or "")
        return original(*args, **kwargs)

    monkeypatch.setitem(stylesheet._ORIGINAL, "CSS", spy)
    return texts


@pytest.mark.parametrize("doc_type", list(DocumentType), ids=[t.value for t in DocumentType])
def test_every_sample_is_the_same_pdf(doc_type: DocumentType, parsed: list[str]) -> None:
    html, document_id = _html(doc_type)
    shared = shared_stylesheet(TEMPLATES)
    assert len(shared) > 1000 and shared in html
    whole = html_to_pdf(html, identifier=document_id)
    assert any(shared in text for text in parsed), "without sharing, the whole <style> is parsed"
    parsed.clear()
    once = html_to_pdf(html, identifier=document_id, shared_css=shared)
    assert parsed and not any(shared in text for text in parsed[1:]), "the shared part is not parsed again"
    assert once.pdf == whole.pdf and once.last_page_ink == whole.last_page_ink


def test_earlier_renderings_too(parsed: list[str]) -> None:
    html, document_id = _html(DocumentType.case_receipt)
    for rendering in (Rendering(flate_level=9, cut_version=0), Rendering(flate_level=6, cut_version=1)):
        whole = html_to_pdf(html, identifier=document_id, rendering=rendering)
        once = html_to_pdf(html, identifier=document_id, rendering=rendering, shared_css=shared_stylesheet(TEMPLATES))
        assert once.pdf == whole.pdf


def test_a_later_rule_still_wins_over_the_shared_one() -> None:
    """Source order breaks ties of specificity across the split, as in one stylesheet, and the
    `@page` rules keep their order."""
    shared = "p { color: #ff0000; } @page { size: A5; margin: 10mm; }\n"
    style = f"<style>{shared}p {{ color: #0000ff; }} @page {{ size: A4; }}</style>"
    html = f"<html lang='zh-CN'><head>{style}</head><body><p>劳动争议</p></body></html>"
    whole = html_to_pdf(html, identifier="t")
    once = html_to_pdf(html, identifier="t", shared_css=shared)
    drawn = _content(once.pdf)
    assert once.pdf == whole.pdf and b"0 0 1 rg" in drawn and b"841.88" in drawn  # blue, on an A4 page


def test_a_style_not_starting_with_the_shared_text_is_parsed_whole(parsed: list[str]) -> None:
    html = "<html lang='zh-CN'><head><style>h1 { color: red; } p { color: blue; }</style></head><body><p>劳动</p></body></html>"
    html_to_pdf(html, identifier="t", shared_css="p { color: blue; }")
    assert parsed == ["h1 { color: red; } p { color: blue; }"]


def test_what_would_touch_the_document_is_not_shared() -> None:
    assert stylesheet.shareable("p { color: red; }")
    assert not stylesheet.shareable("@font-face { font-family: X; src: url(data:,); }")
    assert not stylesheet.shareable("@import 'x.css';") and not stylesheet.shareable("@counter-style c { system: cyclic; }")


def _content(pdf: bytes) -> bytes:
    import zlib

    chunks = []
    for part in pdf.split(b"stream\n")[1:]:
        try:
            chunks.append(zlib.decompress(part.split(b"\nendstream")[0]))
        except zlib.error:
            continue
    return b"".join(chunks)
