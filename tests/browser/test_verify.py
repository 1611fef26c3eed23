"""The public verification page in Chromium: anyone uploads a signed PDF and reads whether it is
genuine; a file with one byte changed reads altered; the QR code's address names the document.
No sign-in, and axe-core finds nothing serious."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date

import pytest
import uvicorn
from playwright.async_api import Browser, expect

from activities.deps import ActivityDeps
from activities.documents import DocumentActivities
from api.app import create_app
from devtools.document_samples import sample_for
from domain.documents import DocumentType, RenderDocumentInput
from infrastructure.crypto import Keyring
from infrastructure.db import Database, migrate_async
from infrastructure.documents import store
from infrastructure.documents.sealing import verification_url
from infrastructure.signing.verify import unsigned_original
from tests.browser.product import _serve, _wait_ready
from tests.browser.support import DESKTOP, Findings, accessible, shoot
from tests.conftest import make_settings
from tests.support import free_port

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@dataclass(frozen=True)
class Site:
    base_url: str
    signed: bytes
    qr_url: str


@pytest.fixture(scope="module")
async def site(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Site]:
    """The web app alone (verification needs no Temporal) with one signed opinion notice stored."""
    port = free_port()
    settings = make_settings(tmp_path_factory.mktemp("verify"), api_port=port)
    await migrate_async(settings.resolved_database_url)
    db = Database(settings.resolved_database_url)
    keyring = Keyring.from_settings(settings)
    sample = sample_for(DocumentType.opinion_notice)
    deps = ActivityDeps(settings, db, keyring)
    ref = await DocumentActivities(deps).render_document(
        RenderDocumentInput(
            doc_type=DocumentType.opinion_notice,
            subject="matter:SV-2026-000007",
            idempotency_key="supervision/SV-2026-000007/opinion_notice/1",
            facts=sample.facts,
            number_series="union-fed-1/opinion_notice",
            issued_on=date(2026, 9, 21),
        )
    )
    row = await store.get_document(db, ref.document_id)
    assert row is not None
    signed = await store.read_content(db, deps.storage, keyring, row, store.ContentFormat.pdf)
    server = uvicorn.Server(uvicorn.Config(create_app(settings, db=db, start_pending=False), host="127.0.0.1", port=port, log_config=None))
    serving = asyncio.create_task(_serve(server))
    try:
        base = f"http://127.0.0.1:{port}"
        await _wait_ready(base)
        yield Site(base, signed, verification_url(settings, keyring, ref.document_id))
    finally:
        server.should_exit = True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(serving, 15)
        await db.dispose()


def _altered(pdf: bytes) -> bytes:
    unsigned = unsigned_original(pdf)
    assert unsigned is not None
    offset = unsigned.index(b"stream\n", len(unsigned) // 3) + 40
    return pdf[:offset] + bytes([pdf[offset] ^ 1]) + pdf[offset + 1 :]


async def test_upload_a_signed_pdf_and_read_genuine_then_an_altered_one(browser: Browser, site: Site) -> None:
    context = await browser.new_context(viewport=DESKTOP, locale="en-GB")
    page = await context.new_page()
    await page.goto(site.base_url + "/verify?lang=en")
    findings = Findings()
    await accessible(page, "verify-form", findings)
    await page.locator("#f-pdf").set_input_files(files=[{"name": "notice.pdf", "mimeType": "application/pdf", "buffer": site.signed}])
    await page.get_by_role("button", name="Check").click()
    await expect(page.locator("#verdict-h")).to_contain_text("Genuine")
    await expect(page.locator("#verdict-message")).to_contain_text("Genuine and unaltered")
    await expect(page.locator("#belongs-to")).to_have_text("SV-2026-000007")
    await expect(page.locator("#document-title")).to_contain_text("〔2026〕浦工监意字第1号")
    await accessible(page, "verify-genuine", findings)
    await shoot(page, "40-verify-genuine")

    await page.locator("#f-pdf").set_input_files(
        files=[{"name": "notice.pdf", "mimeType": "application/pdf", "buffer": _altered(site.signed)}]
    )
    await page.get_by_role("button", name="Check").click()
    await expect(page.locator("#verdict-h")).to_have_text("Altered")
    await expect(page.locator("#verdict-message")).to_contain_text("altered after it was signed")
    await context.close()


async def test_the_qr_code_address_names_the_document_in_chinese(browser: Browser, site: Site) -> None:
    context = await browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = await context.new_page()
    await page.goto(site.qr_url + "&lang=zh")
    await expect(page.locator("#verdict-h")).to_have_text("本系统签发的现行文书")
    await expect(page.locator("#verdict-message")).to_contain_text("〔2026〕浦工监意字第1号")
    await accessible(page, "verify-qr", Findings())
    await context.close()
