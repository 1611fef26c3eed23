"""The union console in server-rendered pages and the employer's one-time reply link, through the
real app on the time-skipping server: suggestion -> matter -> investigation -> notice drafted by
one staff member and approved by another -> service -> the employer replies online."""

from __future__ import annotations

import hashlib
import re
from datetime import date

import httpx
import pytest
from sqlmodel import select

from infrastructure.tables import DocumentReceipt, StoredDocument
from tests.supervision.harness import Console
from tests.supervision.stories import complaint

pytestmark = pytest.mark.slow
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


async def _act(http: httpx.AsyncClient, matter_no: str, form: dict[str, str]) -> httpx.Response:
    return await http.post(f"/union/matters/{matter_no}/act", data=form)


async def test_from_suggestion_to_an_employer_reply(console: Console) -> None:
    harness = console.harness
    for day in (3, 20, 28):
        await harness.file_case(complaint(), date(2026, 8, day))
    union, union2, public = (
        await console.client("union"),
        await console.client("union2"),
        await console.client(),
    )
    page = await union.get("/union/suggestions")
    assert (
        page.status_code == 200
        and "上海宏建劳务分包有限公司" in page.text
        and "3件投诉" in page.text
    )
    key = re.search(r'name="key" value="([^"]+)"', page.text)
    assert key is not None
    opened = await union.post(
        "/union/suggestions/open", data={"key": key.group(1), "signatory_name": "陈卫东"}
    )
    assert opened.status_code == 303
    matter_no = opened.headers["location"].rsplit("/", 1)[1]
    assert (await union.get("/union/suggestions")).text.count("上海宏建劳务分包有限公司") == 0

    await harness.matter(matter_no).task("decide_next")
    done = await _act(
        union,
        matter_no,
        {
            "action": "record_investigation",
            "completed_on": date.today().isoformat(),
            "supervisors": "王磊、孙丽",
            "findings": "拖欠12名农民工工资",
            "violations": "劳动合同法 30 拖欠劳动报酬",
        },
    )
    assert done.status_code == 303, done.text
    drafted = await _act(
        union,
        matter_no,
        {
            "action": "draft_notice",
            "rung": "reminder_letter",
            "requests": "立即足额支付工资\n书面反馈整改情况",
        },
    )
    assert drafted.status_code == 303
    refused = await _act(union, matter_no, {"action": "approve_notice"})
    assert refused.status_code == 409 and "起草人不能审批自己起草的文书" in refused.text
    approved = await _act(union2, matter_no, {"action": "approve_notice"})
    assert approved.status_code == 303
    page = await union2.get(approved.headers["location"])
    assert "〔2026〕浦工监提字第1号" in page.text and "已签发" in page.text
    served = await _act(
        union,
        matter_no,
        {"action": "record_service", "served_on": date.today().isoformat(), "method": "direct"},
    )
    assert served.status_code == 303

    linked = await union.post(f"/union/matters/{matter_no}/reply-link")
    token = re.search(r"/reply/([A-Za-z0-9_-]{20,})", linked.text)
    assert linked.status_code == 200 and token is not None
    notice = await public.get(f"/reply/{token.group(1)}")
    assert (
        notice.status_code == 200
        and "〔2026〕浦工监提字第1号" in notice.text
        and "王磊" not in notice.text
    )
    pdf = await public.get(f"/reply/{token.group(1)}/notice.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    # The employer opened the signed notice through the link: a record of receipt with its hash.
    async with harness.deps.db.session() as session:
        receipts = (await session.exec(select(DocumentReceipt))).all()
        letter = await session.get(StoredDocument, receipts[0].document_id) if receipts else None
    assert [(r.channel, r.reference, r.signed_sha256) for r in receipts] == [
        ("supervision-reply", matter_no, hashlib.sha256(pdf.content).hexdigest())
    ]
    assert letter is not None and letter.signed_sha256 == receipts[0].signed_sha256 and letter.doc_type == "reminder_letter"
    wrong_type = await public.post(
        f"/reply/{token.group(1)}",
        data={"kind": "rectified", "text": "已整改"},
        files={"files": ("proof.exe", b"MZ\x90\x00", "application/octet-stream")},
    )
    assert wrong_type.status_code == 422 and "PDF" in wrong_type.text
    sent = await public.post(
        f"/reply/{token.group(1)}",
        data={"kind": "rectified", "text": "已于本月足额支付工资。"},
        files={"files": ("转账凭证.pdf", PDF, "application/pdf")},
    )
    assert sent.status_code == 200 and "答复已提交" in sent.text
    assert (await public.get(f"/reply/{token.group(1)}")).status_code == 404  # one-time

    await harness.matter(matter_no).task("decide_reply")
    page = await union.get(f"/union/matters/{matter_no}")
    assert "审查用人单位的答复" in page.text and "转账凭证.pdf" in page.text
    attachment = re.search(r'href="(/api/v1/supervision/attachments/[^"]+)"', page.text)
    assert attachment is not None and (await union.get(attachment.group(1))).content == PDF
    # the file is in the object store (the default's folder beside the SQLite database), not in the old folder
    keys = await harness.deps.storage.store.keys("evidence/")
    assert keys == [f"evidence/supervision/{attachment.group(1).rsplit('/', 1)[1]}.bin"]
    assert not harness.settings.resolved_evidence_dir.exists()
    accepted = await _act(
        union,
        matter_no,
        {
            "action": "decide_reply",
            "decided_on": date.today().isoformat(),
            "accept": "yes",
            "reason": "凭证属实",
        },
    )
    assert accepted.status_code == 303
    await harness.matter(matter_no).result()
    closed = await union.get("/union/matters?status=closed")
    assert matter_no in closed.text and "已整改" in closed.text


async def test_who_may_see_the_console(console: Console) -> None:
    anonymous, mediator = await console.client(), await console.client("mediator")
    redirect = await anonymous.get("/union/matters")
    assert (
        redirect.status_code == 303 and redirect.headers["location"] == "/login?next=/union/matters"
    )
    assert (await mediator.get("/union/matters")).status_code == 403
    assert (await mediator.get("/api/v1/supervision/matters")).status_code == 403
    union = await console.client("union")
    assert (await union.get("/union/matters/SV-2026-999999")).status_code == 404
    english = await union.get("/union/matters?lang=en")
    assert "Supervision matters" in english.text and "Overdue replies first" in english.text
    # every console form carries a CSRF token: a post without one is refused before anything happens
    forged = await console.client("union", csrf=False)
    for url in ("/union/matters/new", "/union/suggestions/dismiss", "/union/matters/SV-2026-000001/act"):
        refused = await forged.post(url, data={"action": "approve_notice", "employer_name": "x"})
        assert refused.status_code == 403 and "表单已过期" in refused.text, url
