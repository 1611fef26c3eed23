"""The JSON API under /api/v1/supervision: suggestions by window, opening matters, actions whose
refusal is a 409 with the workflow's reason, bulk letters from CSV (bad rows reported by line),
statistics that match the records, and the OpenAPI description."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest
from sqlmodel import col, func, select

from infrastructure.tables import StoredDocument, SupervisionRung, TimelineEvent
from tests.stories import uscc
from tests.supervision.bulk_support import employers_csv
from tests.supervision.harness import Console
from tests.supervision.stories import INVESTIGATION, OPINION, REMINDER, complaint
from tests.support import swap_settings

pytestmark = pytest.mark.slow
WITHIN_90 = uscc("91310115MA1Q00901")
ACROSS_120 = uscc("91310115MA1Q01201")


def _employer(code: str, name: str) -> dict[str, object]:
    return {"name": name, "uscc": code, "address": "上海市浦东新区"}


async def test_suggestions_after_three_complaints_in_90_days_not_in_120(console: Console) -> None:
    harness = console.harness
    start = date(2026, 6, 1)
    for day in (0, 45, 89):
        await harness.file_case(
            complaint(employer=_employer(WITHIN_90, "上海九十日劳务有限公司")),
            start + timedelta(days=day),
        )
    for day in (0, 60, 120):
        await harness.file_case(
            complaint(employer=_employer(ACROSS_120, "上海一百二十日劳务有限公司")),
            start + timedelta(days=day),
        )
    union = await console.client("union")
    found = (await union.get("/api/v1/supervision/suggestions")).json()["items"]
    assert [(s["employer_uscc"], s["reason"], len(s["case_nos"])) for s in found] == [
        (WITHIN_90, "repeated", 3)
    ]

    strict = console.harness.settings.model_copy(update={"supervision_suggest_window_days": 60})
    swap_settings(console.app, strict)
    assert (await union.get("/api/v1/supervision/suggestions")).json()["items"] == []
    swap_settings(console.app, console.harness.settings.model_copy(update={"task_queue": harness.task_queue}))

    dismissed = await union.post(
        "/api/v1/supervision/suggestions/dismiss", json={"key": WITHIN_90, "reason": "已调解结案"}
    )
    assert dismissed.status_code == 204
    assert (await union.get("/api/v1/supervision/suggestions")).json()["items"] == []


async def test_matter_actions_and_refusals_through_the_json_api(console: Console) -> None:
    harness = console.harness
    case = await harness.file_case(complaint(), date(2026, 9, 1))
    union, union2 = await console.client("union"), await console.client("union2")
    body = {
        "employer": {"name": "上海宏建劳务分包有限公司", "uscc": uscc("91310115MA1K4B2C3")},
        "origin": "dispute_case",
        "case_nos": [case],
    }
    bad = await union.post(
        "/api/v1/supervision/matters",
        json={**body, "employer": {"name": "某公司", "uscc": "913101"}},
    )
    assert bad.status_code == 422 and "18位" in bad.json()["detail"]
    opened = await union.post("/api/v1/supervision/matters", json=body)
    assert opened.status_code == 201 and opened.json()["workflow_started"]
    matter_no = opened.json()["matter_no"]
    again = await union.post("/api/v1/supervision/matters", json=body)
    assert again.status_code == 409 and matter_no in again.json()["detail"]

    url = f"/api/v1/supervision/matters/{matter_no}/actions"
    refused = await union.post(url, json={"action": "draft_notice", "payload": OPINION})
    assert refused.status_code == 409 and "两名以上监督员的调查" in refused.json()["detail"]
    not_open = await union.post(
        url, json={"action": "record_service", "payload": {"served_on": "2026-09-01"}}
    )
    assert not_open.status_code == 409 and "not open now" in not_open.json()["detail"]
    today = (await harness.env_today()).isoformat()
    mistyped = await union.post(url, json={"action": "record_investigation", "payload": {**INVESTIGATION, "completed_on": "soon"}})
    assert mistyped.status_code == 422, mistyped.text  # field by field, before the workflow is asked
    assert [error["field"] for error in mistyped.json()["errors"]] == ["payload.completed_on"]
    assert (
        await union.post(
            url,
            json={
                "action": "record_investigation",
                "payload": {**INVESTIGATION, "completed_on": today},
            },
        )
    ).status_code == 200
    assert (
        await union.post(url, json={"action": "draft_notice", "payload": REMINDER})
    ).status_code == 200
    issued = await union2.post(url, json={"action": "approve_notice", "payload": {}})
    assert (
        issued.status_code == 200
        and issued.json()["message_en"] == "Issued as 〔2026〕浦工监提字第1号"
    )
    detail = (await union.get(f"/api/v1/supervision/matters/{matter_no}")).json()
    assert (
        detail["matter"]["phase"] == "serve" and detail["live"]["highest_rung"] == "reminder_letter"
    )
    assert [d["document_no"] for d in detail["documents"]] == ["〔2026〕浦工监提字第1号"]
    listed = (await union.get("/api/v1/supervision/matters")).json()
    assert [m["matter_no"] for m in listed["items"]] == [matter_no] and listed["total"] == 1
    assert (
        await union.post(f"/api/v1/supervision/matters/{matter_no}/reply-link")
    ).status_code == 409


async def test_bulk_letters_from_csv(console: Console) -> None:
    union = await console.client("union")
    broken = employers_csv(3).replace(uscc("91310115MA1P00002").encode(), b"91310115MA1P000020")
    rejected = await union.post(
        "/api/v1/supervision/bulk-letters", files={"file": ("employers.csv", broken, "text/csv")}
    )
    assert rejected.status_code == 422 and rejected.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in rejected.json()["errors"]] == ["file:line 3:uscc"]
    settings = console.app.state.services.settings
    swap_settings(console.app, settings.model_copy(update={"max_upload_bytes": 100}))
    too_big = await union.post(
        "/api/v1/supervision/bulk-letters", files={"file": ("e.csv", employers_csv(3), "text/csv")}
    )
    swap_settings(console.app, settings)
    assert too_big.status_code == 422 and "larger than" in too_big.json()["errors"][0]["message"]
    created = await union.post(
        "/api/v1/supervision/bulk-letters",
        data={"topic": "春节前工资支付提示"},
        files={"file": ("employers.csv", employers_csv(3), "text/csv")},
    )
    assert created.status_code == 201 and created.json()["total"] == 3
    batch_no = created.json()["batch_no"]
    for _ in range(300):
        progress = (await union.get(f"/api/v1/supervision/bulk-letters/{batch_no}")).json()
        if progress["batch"]["status"] == "done":
            break
        await asyncio.sleep(0.1)
    assert progress["batch"]["issued"] == 3 and progress["batch"]["topic"] == "春节前工资支付提示"
    assert [letter["document_no"] for letter in progress["letters"]] == [
        f"〔2026〕浦工监提字第{n}号" for n in (1, 2, 3)
    ]
    page = await union.get(f"/union/bulk-letters/{batch_no}")
    assert "已签发3份，共3份" in page.text


async def test_statistics_match_the_records(console: Console) -> None:
    """Two matters (one rectified after a reply, one escalated after a missed reply) and a bulk
    batch: the statistics page and API show what the stored documents and events say."""
    harness = console.harness
    first = await harness.open(
        {
            "employer": _employer(WITHIN_90, "甲公司"),
            "origin": "inspection",
            "origin_note": "检查发现欠薪",
        },
        date(2026, 9, 1),
    )
    second = await harness.open(
        {
            "employer": _employer(ACROSS_120, "乙公司"),
            "origin": "inspection",
            "origin_note": "检查发现超时加班",
            "signatory": {"name": "陈卫东"},
        },
        date(2026, 9, 1),
    )
    for matter in (first, second):
        await matter.act(
            "decide_next", "record_investigation", {**INVESTIGATION, "completed_on": "2026-09-01"}
        )
        await matter.act(
            "decide_next",
            "draft_notice",
            {**OPINION, "reason": "多次口头督促均未改正，直接发意见书"},
        )
        await matter.act("approve_notice", "approve_notice", {}, who="union2")
        await matter.act("record_service", "record_service", {"served_on": "2026-09-01"})
    await first.act(
        "await_reply",
        "record_reply",
        {"received_on": "2026-09-01", "kind": "rectified", "text": "已支付"},
    )
    await first.result()
    await harness.sleep(30)  # the second matter's reply period runs out
    await second.act("approve_notice", "approve_notice", {}, who="union")
    union = await console.client("union")
    created = await union.post(
        "/api/v1/supervision/bulk-letters", files={"file": ("e.csv", employers_csv(2), "text/csv")}
    )
    assert created.status_code == 201
    for _ in range(300):
        if (
            await union.get(f"/api/v1/supervision/bulk-letters/{created.json()['batch_no']}")
        ).json()["batch"]["issued"] == 2:
            break
        await asyncio.sleep(0.1)

    async with harness.deps.db.session() as session:

        def documents(doc_type: str) -> object:
            return (
                select(func.count())
                .select_from(StoredDocument)
                .where(
                    StoredDocument.doc_type == doc_type,
                    col(StoredDocument.subject).like("matter:%"),
                )
            )

        letters = (await session.exec(documents("reminder_letter"))).one()
        opinions = (await session.exec(documents("opinion_notice"))).one()
        recommendations = (await session.exec(documents("recommendation_notice"))).one()
        replies = (
            await session.exec(
                select(func.count())
                .select_from(TimelineEvent)
                .where(TimelineEvent.kind == "reply_received")
            )
        ).one()
        served = (
            await session.exec(
                select(func.count())
                .select_from(TimelineEvent)
                .where(
                    TimelineEvent.kind == "notice_served",
                    col(TimelineEvent.subject).like("matter:SV-%"),
                )
            )
        ).one()
        escalated = (
            await session.exec(
                select(func.count())
                .select_from(SupervisionRung)
                .where(
                    SupervisionRung.trigger == "no_reply",
                    SupervisionRung.rung != "inspection_referral",
                )
            )
        ).one()
    assert (letters, opinions, recommendations, replies, escalated) == (2, 2, 1, 1, 1)
    stats = (
        await union.get(
            "/api/v1/supervision/statistics", params={"start": "2026-01-01", "end": "2026-12-31"}
        )
    ).json()
    total = stats["rows"][-1]
    assert total["region"] == "total" and stats["rows"][0]["region"] == "shanghai-pudong"
    assert (
        total["letters"],
        total["bulk_letters"],
        total["opinion_notices"],
        total["recommendation_notices"],
    ) == (letters, 2, opinions, recommendations)
    assert (total["replied"], total["served_for_reply"], total["reply_rate"]) == (
        replies,
        served,
        50.0,
    )
    assert (total["matters_closed"], total["rectified"], total["rectification_rate"]) == (
        1,
        1,
        100.0,
    )
    assert (total["escalations"], total["lead_transfers"], total["matters_opened"]) == (
        escalated,
        0,
        2,
    )
    page = await union.get("/union/statistics", params={"start": "2026-01-01", "end": "2026-12-31"})
    assert '<td data-field="opinion_notices">2</td>' in page.text and "50.0%" in page.text
    assert '<td data-field="lead_transfers">0</td>' in page.text


async def test_openapi_documents_the_supervision_api(console: Console) -> None:
    schema = (await (await console.client()).get("/openapi.json")).json()
    paths = set(schema["paths"])
    assert {
        "/api/v1/supervision/matters",
        "/api/v1/supervision/matters/{matter_no}/actions",
        "/api/v1/supervision/suggestions",
        "/api/v1/supervision/bulk-letters",
        "/api/v1/supervision/statistics",
    } <= paths
    assert not any(path.startswith(("/union", "/reply")) for path in paths)
