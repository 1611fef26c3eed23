"""The supervision ladder as a durable workflow, on the time-skipping server with the production
converter, codec and sandbox, real activities on SQLite and real document rendering: story 4's
dates, replies, staff decisions, the two-person rule, direct entry, escalation and transfer."""

from __future__ import annotations

from datetime import date

import pytest
from temporalio.client import WorkflowUpdateFailedError

from domain.supervision import MatterOutcome
from infrastructure.documents import store
from infrastructure.documents.store import ContentFormat
from tests.documents.support import pdf_text
from tests.supervision.harness import MatterRun, SupervisionHarness
from tests.supervision.stories import INVESTIGATION, OPINION, REMINDER, complaint, opening

pytestmark = pytest.mark.slow


async def _matter_with_opinion(harness: SupervisionHarness) -> MatterRun:
    """Story 4 up to the opinion notice served on 2026-09-21 (reminder letter first)."""
    cases = [await harness.file_case(complaint(), date(2026, 8, day)) for day in (3, 20, 28)]
    matter = await harness.open(opening(cases), date(2026, 9, 10))
    await matter.act("decide_next", "record_investigation", INVESTIGATION)
    await matter.act("decide_next", "draft_notice", REMINDER)
    await matter.act("approve_notice", "approve_notice", {}, who="union2")
    await matter.act("record_service", "record_service", {"served_on": "2026-09-10"})
    await harness.sleep(11)  # 2026-09-21: no change after the reminder letter
    await matter.act("await_reply", "draft_notice", OPINION)
    await matter.act("approve_notice", "approve_notice", {}, who="union2")
    await matter.act("record_service", "record_service", {"served_on": "2026-09-21"})
    await matter.task("await_reply")
    return matter


async def _rejection(
    matter: MatterRun, kind: str, action: str, payload: dict[str, object], who: str
) -> str:
    with pytest.raises(WorkflowUpdateFailedError) as failed:
        await matter.act(kind, action, payload, who=who)
    return str(getattr(failed.value.cause, "message", failed.value.cause))


async def test_story4_no_reply_opinion_then_recommendation_then_inspection_referral(
    harness: SupervisionHarness,
) -> None:
    """Story 4: the opinion notice is served 2026-09-21; under D49 (15 working days, the Zhejiang
    default for a profile without its own period) the reply is due 2026-10-19. No reply: the
    recommendation notice is pre-drafted, confirmed by staff, served, and the department's filing
    decision (D52, 5 working days) and inspection follow."""
    matter = await _matter_with_opinion(harness)
    reply = await matter.deadline("reply-2")
    assert reply.rule_id == "D49" and reply.due_on == date(2026, 10, 19)
    opinion = next(d for d in await matter.documents() if d.doc_type == "opinion_notice")
    deps = harness.deps
    text = pdf_text(await store.read_content(deps.db, deps.storage, deps.keyring, opinion, ContentFormat.pdf))
    for expected in (
        "〔2026〕浦工监意字第1号",
        "上海宏建劳务分包有限公司",
        "工会劳动法律监督意见书",
        "王磊、孙丽",
        "《中华人民共和国劳动合同法》第三十条",
        "用人单位应当按照劳动合同约定和国家规定",
        "2026年10月19日前",
        "10月10日调休上班计入",
        "在线答复链接",
        "主席：陈卫东",
    ):
        assert expected in text, expected
    assert "默认参照浙江省" in reply.explanation["explanation_zh"]
    assert (await matter.row()).awaiting_reply

    await harness.sleep(29)  # 2026-10-20: 2026-10-19 has fully passed
    await matter.wait_event("notice_pre_drafted")
    approval = await matter.task("approve_notice")
    assert approval.data["draft"]["drafted_by"] == "system"
    assert approval.data["draft"]["notice"]["rung"] == "recommendation_notice"
    assert (await matter.deadline("reply-2")).status == "missed"
    issued = await matter.act("approve_notice", "approve_notice", {}, who="union")
    assert "〔2026〕浦工监建字第1号" in issued.message_zh
    served_on = harness.today
    await matter.act("record_service", "record_service", {"served_on": served_on.isoformat()})

    filing = await matter.deadline("filing")
    assert filing.rule_id == "D52" and filing.start_on == served_on
    await matter.act(
        "record_department_filing",
        "record_filing",
        {"decided_on": served_on.isoformat(), "granted": True},
    )
    assert (await matter.deadline("investigation")).rule_id == "D46"
    await matter.act(
        "record_inspection_result",
        "record_result",
        {
            "decided_on": served_on.isoformat(),
            "rectified": False,
            "order": {
                "issued_on": served_on.isoformat(),
                "due_on": served_on.isoformat(),
                "document_no": "浦人社监令〔2026〕118号",
            },
        },
    )
    await matter.task("decide_next")

    rungs = [(r.rung, r.trigger) for r in await matter.rungs()]
    assert rungs == [
        ("reminder_letter", "staff"),
        ("opinion_notice", "staff"),
        ("recommendation_notice", "no_reply"),
        ("inspection_referral", "no_reply"),
    ]
    numbers = [d.document_no for d in await matter.documents()]
    assert numbers == [
        "〔2026〕浦工监提字第1号",
        "〔2026〕浦工监意字第1号",
        "〔2026〕浦工监建字第1号",
    ]
    events = await matter.events()
    assert (
        events.index("reply_overdue")
        < events.index("notice_pre_drafted")
        < events.index("referral_opened")
        < events.index("department_filed")
        < events.index("inspection_result")
    )


async def test_two_person_rule_and_direct_entry_need_reasons(harness: SupervisionHarness) -> None:
    """The drafter cannot approve their own notice; an opinion notice without a reminder letter
    first needs a recorded reason, and none without an investigation (Zhejiang P18 Art. 20-21)."""
    case = await harness.file_case(complaint(), date(2026, 9, 1))
    matter = await harness.open(opening([case]), date(2026, 9, 2))
    refused = await _rejection(
        matter,
        "decide_next",
        "draft_notice",
        {**OPINION, "reason": "情况紧急，工资已拖欠三个月"},
        "union",
    )
    assert "两名以上监督员的调查" in refused
    await matter.act(
        "decide_next", "record_investigation", {**INVESTIGATION, "completed_on": "2026-09-02"}
    )
    refused = await _rejection(matter, "decide_next", "draft_notice", OPINION, "union")
    assert "请填写理由" in refused and "提示函" in refused
    await matter.act(
        "decide_next", "draft_notice", {**OPINION, "reason": "情况紧急，工资已拖欠三个月以上"}
    )
    refused = await _rejection(matter, "approve_notice", "approve_notice", {}, "union")
    assert "起草人不能审批自己起草的文书" in refused
    refused = await _rejection(matter, "approve_notice", "approve_notice", {}, "mediator")
    assert "mediator" in refused and "role" in refused
    assert [d.document_no for d in await matter.documents()] == []  # nothing issued, no number used
    await matter.act("approve_notice", "approve_notice", {}, who="union2")
    rung = (await matter.rungs())[0]
    assert (
        rung.direct
        and rung.reason.startswith("情况紧急")
        and rung.document_no == "〔2026〕浦工监意字第1号"
    )
    assert "rung_entered_directly" in await matter.events()


async def test_reply_with_rectification_closes_the_matter(harness: SupervisionHarness) -> None:
    matter = await _matter_with_opinion(harness)
    await harness.sleep(10)  # 2026-10-01, within the reply period
    await matter.act(
        "await_reply",
        "record_reply",
        {
            "received_on": harness.today.isoformat(),
            "kind": "rectified",
            "text": "已于9月30日足额支付12名农民工工资，附银行转账凭证。",
        },
    )
    result = await matter.result()
    assert result.outcome is MatterOutcome.rectified
    row = await matter.row()
    assert row.status == "closed" and row.outcome == "rectified" and not row.awaiting_reply
    assert (await matter.deadline("reply-2")).status == "met"
    assert (await matter.rungs())[-1].reply_kind == "rectified"


async def test_disputed_reply_is_decided_by_staff(harness: SupervisionHarness) -> None:
    """The employer disputes through its link; staff find the reasons not valid: the recommendation
    notice is pre-drafted for confirmation (Zhejiang P18 Art. 23 (3))."""
    matter = await _matter_with_opinion(harness)
    opinion = (await matter.rungs())[-1]
    assert opinion.document_id is not None
    await matter.employer_reply(
        opinion.document_id, "disputed", "工资已由总包单位代发，本公司不应承担责任。"
    )
    await matter.act(
        "decide_reply",
        "decide_reply",
        {
            "decided_on": harness.today.isoformat(),
            "accept": False,
            "reason": "总包代发不免除用人单位的工资支付责任",
        },
    )
    approval = await matter.task("approve_notice")
    assert approval.data["draft"]["trigger"] == "reply_rejected"
    with pytest.raises(WorkflowUpdateFailedError) as late:
        await matter.employer_reply(opinion.document_id, "rectified", "again")
    assert "not open for a reply" in str(getattr(late.value.cause, "message", ""))
    await matter.act(
        "approve_notice", "withdraw_draft", {"reason": "先与总包单位约谈"}, who="union2"
    )
    await matter.act(
        "decide_next",
        "close_matter",
        {
            "on": harness.today.isoformat(),
            "outcome": "closed_other",
            "reason": "移交总包单位所在地工会",
        },
    )
    assert (await matter.result()).outcome is MatterOutcome.closed_other
    assert (await matter.rungs())[-1].reply_source == "employer"


async def test_accepted_dispute_closes_and_refused_receipt_escalates(
    harness: SupervisionHarness,
) -> None:
    """A refused opinion notice is ground (1) of Zhejiang P18 Art. 23: the recommendation notice is
    pre-drafted at once, without waiting for the reply period."""
    case = await harness.file_case(complaint(), date(2026, 9, 1))
    matter = await harness.open(opening([case]), date(2026, 9, 2))
    await matter.act(
        "decide_next", "record_investigation", {**INVESTIGATION, "completed_on": "2026-09-02"}
    )
    await matter.act(
        "decide_next", "draft_notice", {**OPINION, "reason": "已多次口头督促未改正，直接发意见书"}
    )
    await matter.act("approve_notice", "approve_notice", {}, who="union2")
    await matter.act(
        "record_service", "record_service", {"served_on": "2026-09-02", "method": "refused"}
    )
    approval = await matter.task("approve_notice")
    assert approval.data["draft"]["trigger"] == "refused_receipt"
    assert "notice_refused" in await matter.events()
