"""The render-document activity against a real database (SQLite, and PostgreSQL when configured):
one stored document per idempotency key, parties joined from the encrypted case row, 文号 reused
after a crash, bad input failing for good without using a number, corrections as new versions."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pytest
from sqlalchemy import func
from sqlmodel import select
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.deps import ActivityDeps
from activities.documents import DocumentActivities
from devtools.document_samples import LI_ID, sample_for
from domain.documents import DocumentRef, DocumentType, RenderDocumentInput
from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.documents import store
from infrastructure.documents.issue import verify_document
from infrastructure.documents.numbering import reserve_number
from infrastructure.settings import Settings
from infrastructure.signing.verify import unsigned_original
from infrastructure.tables import DocumentContent, DocumentCounter, StoredDocument, TimelineEvent
from infrastructure.tables.documents import ImmutableDocumentError
from tests.documents.support import LI_CASE_NO, insert_li_case, pdf_text

MATTER = "matter:SV-2026-000007"
SERIES = "union-fed-1/opinion_notice"


@pytest.fixture
def activities(settings: Settings, db: Database) -> DocumentActivities:
    return DocumentActivities(
        ActivityDeps(settings=settings, db=db, keyring=Keyring.from_settings(settings))
    )


async def _run(activities: DocumentActivities, request: RenderDocumentInput) -> DocumentRef:
    result: DocumentRef = await ActivityEnvironment().run(activities.render_document, request)
    return result


def _opinion(key: str, **changes: object) -> RenderDocumentInput:
    sample = sample_for(DocumentType.opinion_notice)
    values: dict[str, object] = {
        "doc_type": DocumentType.opinion_notice,
        "subject": MATTER,
        "idempotency_key": key,
        "facts": sample.facts,
        "number_series": SERIES,
        "issued_on": date(2026, 9, 21),
        "issued_by": "union",
    }
    return RenderDocumentInput.model_validate(values | changes)


async def _count(db: Database, model: type) -> int:
    async with db.session() as session:
        return int((await session.exec(select(func.count()).select_from(model))).one())


async def test_run_twice_one_row_with_the_parties_joined_in(
    activities: DocumentActivities, db: Database, settings: Settings
) -> None:
    keyring = Keyring.from_settings(settings)
    await insert_li_case(db, keyring)
    request = RenderDocumentInput(
        doc_type=DocumentType.arbitration_application,
        subject=f"case:{LI_CASE_NO}",
        idempotency_key=f"case/{LI_CASE_NO}/arbitration/1/arbitration_application/1",
        facts=sample_for(DocumentType.arbitration_application).facts,
        issued_on=date(2026, 3, 18),
    )
    first = await _run(activities, request)
    second = await _run(activities, request)
    assert first == second
    assert await _count(db, StoredDocument) == 1 and await _count(db, DocumentContent) == 0
    row = await store.get_document(db, first.document_id)
    assert (
        row is not None and row.version == 1 and row.template_name == "arbitration_application.html"
    )
    storage = activities._deps.storage
    # one PDF and one HTML object, named by the hashes the row records
    assert await storage.keys(f"documents/{row.id}/") == sorted(store.content_keys(row).values())
    pdf = await store.read_content(db, storage, keyring, row, store.ContentFormat.pdf)
    # The stored file is the signed one; the recorded hash is of the unsigned render inside it.
    assert hashlib.sha256(pdf).hexdigest() == row.signed_sha256 != first.pdf_sha256
    unsigned = unsigned_original(pdf)
    assert unsigned is not None and hashlib.sha256(unsigned).hexdigest() == first.pdf_sha256
    # No organisation or team is in this database: the platform signs.
    assert (row.signer_org, row.signer_name) == (settings.signing_platform_code, settings.signing_platform_name)
    text = pdf_text(pdf)
    assert (
        "李建国" in text and LI_ID in text and "人民币叁万陆仟元整" in text and "（46岁）" in text
    )
    # personal data is stored only encrypted
    assert "李建国" not in row.context_enc and LI_ID not in row.context_enc
    keys = store.content_keys(row)
    stored_pdf = await storage.get(keys[store.ContentFormat.pdf])
    stored_html = await storage.get(keys[store.ContentFormat.html])
    assert b"%PDF" not in stored_pdf and "李建国".encode() not in stored_pdf
    assert b"<html" not in stored_html and "李建国".encode() not in stored_html
    html = await store.read_content(db, storage, keyring, row, store.ContentFormat.html)
    assert hashlib.sha256(html).hexdigest() == row.html_sha256
    assert len(stored_html) < len(html) / 2  # compressed before it was encrypted


async def test_union_notices_get_consecutive_numbers(activities: DocumentActivities) -> None:
    first = await _run(activities, _opinion("supervision/SV-2026-000007/opinion_notice/1"))
    second = await _run(activities, _opinion("supervision/SV-2026-000099/opinion_notice/1"))
    assert (first.document_no, second.document_no) == (
        "〔2026〕浦工监意字第1号",
        "〔2026〕浦工监意字第2号",
    )


async def test_a_retry_after_a_crash_reuses_the_reserved_number(
    activities: DocumentActivities, db: Database
) -> None:
    key = "supervision/SV-2026-000007/opinion_notice/1"
    # The first attempt reserved its number and died before storing the document.
    crashed = await reserve_number(
        db,
        series=SERIES,
        year=2026,
        idempotency_key=key,
        document_no=lambda n: f"〔2026〕浦工监意字第{n}号",
    )
    ref = await _run(activities, _opinion(key))
    assert ref.document_no == crashed.document_no == "〔2026〕浦工监意字第1号"
    async with db.session() as session:
        assert (await session.exec(select(DocumentCounter))).one().last_serial == 1


async def test_bad_input_fails_for_good_and_uses_no_number(activities: DocumentActivities) -> None:
    facts = dict(sample_for(DocumentType.opinion_notice).facts)
    del facts["reply_due"]
    with pytest.raises(ApplicationError) as missing_fact:
        await _run(activities, _opinion("k-bad-1", facts=facts))
    assert missing_fact.value.non_retryable and missing_fact.value.type == "DocumentFactsError"
    no_employer = {
        k: v for k, v in sample_for(DocumentType.opinion_notice).facts.items() if k != "employer"
    }
    with pytest.raises(ApplicationError) as missing_party:
        await _run(activities, _opinion("k-bad-2", facts=no_employer))
    assert missing_party.value.non_retryable and missing_party.value.type == "DocumentDataError"
    with pytest.raises(ApplicationError, match="carry no 文号"):
        await _run(
            activities,
            RenderDocumentInput(
                doc_type=DocumentType.evidence_list,
                subject=MATTER,
                idempotency_key="k-bad-3",
                facts=sample_for(DocumentType.evidence_list).facts,
                number_series="x/evidence_list",
            ),
        )
    ref = await _run(activities, _opinion("k-good"))
    assert ref.document_no == "〔2026〕浦工监意字第1号"  # no gap left by the failures


async def test_a_correction_is_a_new_version_linked_to_the_old(
    activities: DocumentActivities, db: Database
) -> None:
    original = await _run(activities, _opinion("supervision/SV-2026-000007/opinion_notice/1"))
    facts = dict(sample_for(DocumentType.opinion_notice).facts)
    facts["reply_channel_zh"] = "书面答复送达本会权益保障部（上海市浦东新区合欢路2号二楼）。"
    corrected = await _run(
        activities,
        _opinion(
            "supervision/SV-2026-000007/opinion_notice/1/v2",
            facts=facts,
            number_series=None,
            supersedes=original.document_id,
            issued_on=date(2026, 9, 22),
        ),
    )
    assert corrected.version == 2 and corrected.supersedes == original.document_id
    assert corrected.document_no == original.document_no  # a correction keeps its 文号
    assert corrected.pdf_sha256 != original.pdf_sha256
    row = await store.get_document(db, original.document_id)
    assert row is not None and row.pdf_sha256 == original.pdf_sha256  # the original is untouched
    with pytest.raises(ApplicationError, match="already corrected") as twice:
        await _run(
            activities, _opinion("k-v2-again", number_series=None, supersedes=original.document_id)
        )
    assert twice.value.non_retryable
    keyring = activities._deps.keyring
    new_row = await store.get_document(db, corrected.document_id)
    assert new_row is not None
    text = pdf_text(await store.read_content(db, activities._deps.storage, keyring, new_row, store.ContentFormat.pdf))
    assert "本文书为第2版，更正并取代2026年9月21日出具的第1版（〔2026〕浦工监意字第1号）" in text


async def test_stored_documents_verify_identical_and_tampering_is_named(
    activities: DocumentActivities, db: Database, settings: Settings
) -> None:
    keyring = Keyring.from_settings(settings)
    ref = await _run(activities, _opinion("supervision/SV-2026-000007/opinion_notice/1"))
    storage = activities._deps.storage
    result = await verify_document(db, storage, keyring, settings.templates_dir, ref.document_id)
    assert result.identical, result.differences
    _, forged = store.encrypt_part(keyring, ref.document_id, "pdf", b"%PDF-1.7 forged")
    row = await store.get_document(db, ref.document_id)
    assert row is not None
    # tampering goes around the application, straight to the object
    await storage.put(store.content_keys(row)[store.ContentFormat.pdf], forged)
    tampered = await verify_document(db, storage, keyring, settings.templates_dir, ref.document_id)
    assert not tampered.identical
    assert any(d.startswith("stored pdf") for d in tampered.differences), tampered.differences


async def test_a_document_deflated_at_the_earlier_level_still_verifies(
    activities: DocumentActivities, db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Documents issued before the zlib level was recorded (pydyf's 9; now 6) re-render at 9."""
    from infrastructure.documents import issue, render

    now = render.renderer_fingerprint()
    assert now.endswith(f"; flate {render.FLATE_LEVEL}") and render.FLATE_LEVEL != render.FLATE_BEFORE
    with monkeypatch.context() as patch:  # issued as before: level 9, a fingerprint without the level
        patch.setattr(issue, "CURRENT", render.Rendering(flate_level=render.FLATE_BEFORE))
        patch.setattr(issue, "renderer_fingerprint", lambda _r: now.removesuffix(f"; flate {render.FLATE_LEVEL}"))
        old = await _run(activities, _opinion("supervision/SV-2026-000007/opinion_notice/1"))
    new = await _run(activities, _opinion("supervision/SV-2026-000008/opinion_notice/1"))
    storage, keyring = activities._deps.storage, activities._deps.keyring
    for ref in (old, new):
        result = await verify_document(db, storage, keyring, settings.templates_dir, ref.document_id)
        assert result.identical, result.differences
    row = await store.get_document(db, old.document_id)
    assert row is not None and render.rendering_of(row.renderer).flate_level == render.FLATE_BEFORE
    # The same input at today's level gives other bytes: the recorded level is what makes it verify.
    context = json.loads(store.decrypt_context(keyring, row))
    again = issue.render_document(settings.templates_dir, row.template_name, context, row.id)
    assert again.pdf.sha256 != row.pdf_sha256
    before = render.Rendering(flate_level=9)
    assert issue.render_document(settings.templates_dir, row.template_name, context, row.id, before).pdf.sha256 == row.pdf_sha256


@pytest.mark.parametrize("cut_version", [1, 0])
async def test_a_document_set_in_earlier_faces_still_verifies(
    activities: DocumentActivities, db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch, cut_version: int
) -> None:
    """Documents issued with the first cut of the faces (glyphs in the source's order), or with the
    full faces (before the cut, or where it could not be built), re-render with those faces."""
    from infrastructure.documents import issue, render

    with monkeypatch.context() as patch:
        patch.setattr(issue, "CURRENT", render.Rendering(cut_version=cut_version))
        old = await _run(activities, _opinion("supervision/SV-2026-000007/opinion_notice/1"))
    row = await store.get_document(db, old.document_id)
    assert row is not None and render.rendering_of(row.renderer) == render.Rendering(cut_version=cut_version)
    assert ("cut v1 " if cut_version else "no cut") in row.renderer
    storage, keyring = activities._deps.storage, activities._deps.keyring
    result = await verify_document(db, storage, keyring, settings.templates_dir, old.document_id)
    assert result.identical, result.differences
    # Today's faces give other bytes (and a smaller file): the recorded faces are what make it verify.
    context = json.loads(store.decrypt_context(keyring, row))
    again = issue.render_document(settings.templates_dir, row.template_name, context, row.id)
    assert again.pdf.sha256 != row.pdf_sha256 and len(again.pdf.pdf) < len(issue.render_document(
        settings.templates_dir, row.template_name, context, row.id, render.rendering_of(row.renderer)
    ).pdf.pdf)


async def test_a_pdf_that_does_not_re_render_says_why(activities: DocumentActivities, db: Database, settings: Settings) -> None:
    """The recorded fingerprint is changed around the application: the re-render (with what the
    fingerprint names) differs, and the difference names the likely cause."""
    from sqlalchemy import update

    from infrastructure.documents import render

    ref = await _run(activities, _opinion("supervision/SV-2026-000007/opinion_notice/1"))
    storage, keyring = activities._deps.storage, activities._deps.keyring

    async def verify_as(renderer: str) -> str:
        async with db.session() as session:
            await session.exec(update(StoredDocument).where(StoredDocument.id == ref.document_id).values(renderer=renderer))
            await session.commit()
        result = await verify_document(db, storage, keyring, settings.templates_dir, ref.document_id)
        [pdf] = [d for d in result.differences if d.startswith("pdf:")]
        return pdf

    first_cut = await verify_as(render.renderer_fingerprint(render.Rendering(cut_version=1)))
    assert "font cut v1 stamped the time of the cut" in first_cut and "renderer changed" not in first_cut
    other = render.renderer_fingerprint(render.Rendering(flate_level=9)).replace("weasyprint ", "weasyprint 69.0 ")
    changed = await verify_as(other)
    assert f"renderer changed: was '{other}'" in changed and "font cut v1" not in changed


def test_the_rendering_is_read_back_from_the_recorded_fingerprint() -> None:
    from infrastructure.documents.render import FLATE_BEFORE, Rendering, renderer_fingerprint, rendering_of

    fonts = "Noto Serif CJK SC=NotoSerifCJK-Regular.ttc:26297400, Noto Sans CJK SC=NotoSansCJK-Regular.ttc:19484784"
    head = f"weasyprint 70.0; pydyf 0.13.0; {fonts}"
    assert rendering_of(f"{head}; cut v2 0123456789ab; flate 6") == Rendering(flate_level=6, cut_version=2)
    assert rendering_of(f"{head}; cut v1 0123456789ab; flate 6") == Rendering(flate_level=6, cut_version=1)
    assert rendering_of(f"{head}; cut v1 0123456789ab") == Rendering(flate_level=FLATE_BEFORE, cut_version=1)
    assert rendering_of(f"{head}; no cut; flate 6") == Rendering(flate_level=6, cut_version=0)
    assert rendering_of(head) == rendering_of(None) == Rendering(flate_level=FLATE_BEFORE, cut_version=0)
    assert rendering_of(renderer_fingerprint()) == Rendering()


async def test_case_summary_report_reads_the_case_history(
    activities: DocumentActivities, db: Database, settings: Settings
) -> None:
    keyring = Keyring.from_settings(settings)
    await insert_li_case(db, keyring)
    async with db.session() as session:
        session.add(
            TimelineEvent(
                subject=f"case:{LI_CASE_NO}",
                event_key="mediation-ended",
                on_date=date(2026, 3, 17),
                actor="调解员 张敏",
                kind="mediation_ended",
                summary_zh="调解终止：被申请人未到场",
                summary_en="mediation ended",
                citation="劳动争议调解仲裁法第十四条",
            )
        )
        await session.commit()
    ref = await _run(
        activities,
        RenderDocumentInput(
            doc_type=DocumentType.case_summary_report,
            subject=f"case:{LI_CASE_NO}",
            idempotency_key="admin/report/1",
            facts={},
            issued_on=date(2026, 3, 25),
            issued_by="admin",
        ),
    )
    row = await store.get_document(db, ref.document_id)
    assert row is not None
    text = pdf_text(await store.read_content(db, activities._deps.storage, keyring, row, store.ContentFormat.pdf))
    assert "调解终止：被申请人未到场" in text and "3426**********" in text and LI_ID not in text


async def test_stored_documents_cannot_be_changed_through_the_application(
    activities: DocumentActivities, db: Database
) -> None:
    ref = await _run(activities, _opinion("supervision/SV-2026-000007/opinion_notice/1"))
    async with db.session() as session:
        row = await session.get(StoredDocument, ref.document_id)
        assert row is not None
        row.document_no = "〔2026〕浦工监意字第99号"
        session.add(row)
        with pytest.raises(ImmutableDocumentError):
            await session.commit()
