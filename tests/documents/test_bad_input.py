"""A legal document never prints an empty gap: missing facts, missing context fields and empty
values fail loudly, naming the field or the template line, never the personal value."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from devtools.document_samples import li_parties, sample_for, validated_facts
from domain.documents import CATALOGUE, DocumentFactsError, DocumentType, validate_facts
from infrastructure.documents.context import DocumentDataError, Parties, build_context
from infrastructure.documents.environment import FILL_LINE, DocumentTemplateError, render_html
from tests.documents.conftest import TEMPLATES


@pytest.mark.parametrize(
    ("doc_type", "field"),
    [
        (DocumentType.case_receipt, "access_code"),
        (DocumentType.mediation_agreement, "terms"),
        (DocumentType.opinion_notice, "reply_due"),
        (DocumentType.opinion_notice, "signatory"),
        (DocumentType.lead_transfer_letter, "order_to_pay"),
        (DocumentType.judicial_confirmation_application, "apply_by"),
    ],
)
def test_missing_fact_is_refused_naming_the_field(doc_type: DocumentType, field: str) -> None:
    facts = dict(sample_for(doc_type).facts)
    del facts[field]
    with pytest.raises(DocumentFactsError, match=field):
        validate_facts(doc_type, facts)


def test_fact_errors_never_echo_the_value() -> None:
    facts = dict(sample_for(DocumentType.opinion_notice).facts)
    facts["employer"] = {**facts["employer"], "uscc": "91310115MA1K4B7X2A"}  # wrong check character
    facts["typo_field"] = "李建国 13856781234"
    with pytest.raises(DocumentFactsError) as caught:
        validate_facts(DocumentType.opinion_notice, facts)
    message = str(caught.value)
    assert "employer.uscc" in message and "typo_field" in message
    assert "91310115MA1K4B7X2A" not in message and "13856781234" not in message


def _render(doc_type: DocumentType, parties: Parties) -> str:
    sample = sample_for(doc_type)
    context = build_context(CATALOGUE[doc_type], validated_facts(sample), parties, sample.meta())
    return render_html(TEMPLATES, CATALOGUE[doc_type].template, context)


def test_a_context_field_the_template_needs_is_missing() -> None:
    parties = li_parties()
    assert parties.worker is not None
    worker = {k: v for k, v in parties.worker.items() if k != "name"}
    with pytest.raises(
        DocumentTemplateError, match=r"arbitration_application.html|_macros.html"
    ) as caught:
        _render(DocumentType.arbitration_application, dataclasses.replace(parties, worker=worker))
    assert "name" in str(caught.value) and "line" in str(caught.value)


def test_a_required_value_that_is_empty_fails_instead_of_leaving_a_gap() -> None:
    parties = li_parties()
    assert parties.employer is not None
    employer = {**parties.employer, "name": "  "}
    with pytest.raises(DocumentTemplateError, match="empty"):
        _render(DocumentType.mediation_application, dataclasses.replace(parties, employer=employer))


def test_an_optional_particular_prints_a_line_to_fill_in_by_hand() -> None:
    parties = li_parties()
    assert parties.worker is not None
    worker = {**parties.worker, "address": None, "occupation": None}
    html = _render(
        DocumentType.arbitration_application, dataclasses.replace(parties, worker=worker)
    )
    assert f"职业：{FILL_LINE}" in html and f"住所：{FILL_LINE}" in html


def test_an_evidence_list_without_evidence_is_refused() -> None:
    parties = li_parties()
    assert parties.case is not None
    empty = dataclasses.replace(parties, case={**parties.case, "evidence": []})
    with pytest.raises(DocumentTemplateError, match="at least one item"):
        _render(DocumentType.evidence_list, empty)


def test_a_matter_letter_needs_an_employer() -> None:
    sample = sample_for(DocumentType.reminder_letter)
    facts = {k: v for k, v in sample.facts.items() if k != "employer"}
    with pytest.raises(DocumentDataError, match=r"facts\.employer"):
        build_context(
            CATALOGUE[sample.doc_type],
            validate_facts(sample.doc_type, facts),
            Parties(),
            sample.meta(),
        )


def test_a_case_letter_takes_the_employer_from_the_case() -> None:
    sample = sample_for(DocumentType.inspection_referral_letter)
    facts = {k: v for k, v in sample.facts.items() if k != "employer"}
    meta = dataclasses.replace(
        sample.meta(), subject="case:LD-2026-000123", issued_on=date(2026, 3, 20)
    )
    context = build_context(
        CATALOGUE[sample.doc_type], validate_facts(sample.doc_type, facts), li_parties(), meta
    )
    html = render_html(TEMPLATES, CATALOGUE[sample.doc_type].template, context)
    assert "本会在处理李建国与上海宏基建筑劳务有限公司之间的劳动争议" in html


def test_sample_people_and_companies_carry_valid_check_characters() -> None:
    from devtools import document_samples as samples
    from domain.identifiers import normalise_id_number, normalise_uscc

    assert normalise_id_number(samples.LI_ID) == samples.LI_ID
    assert normalise_id_number(samples.WANG_ID) == samples.WANG_ID
    for code in (samples.HONGJI_USCC, samples.JINCHENG_USCC, samples.JINXIU_USCC):
        assert normalise_uscc(code) == code
