"""After the recommendation notice: the department's inspection does not make the employer correct;
the union asks the people's government (Trade Union Law Art. 23) and, where the SPP-ACFTU 2024
conditions hold, transfers the lead to the procuratorate with a copy to the court. Linked cases
hear of the matter through the `supervision-update` signal."""

from __future__ import annotations

from datetime import date

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowUpdateFailedError

from domain.documents import DocumentType
from domain.supervision import MatterOutcome
from infrastructure.documents import store
from infrastructure.documents.store import ContentFormat
from tests.documents.support import pdf_text
from tests.stories import wage_arrears
from tests.supervision.harness import MatterRun, SupervisionHarness
from tests.supervision.stories import INVESTIGATION, OPINION, complaint, opening
from tests.workflows.harness import Harness

pytestmark = pytest.mark.slow
TRANSFER = {
    "workers_affected": 12,
    "arrears_total": "312000.00",
    "arrears_period_zh": "2026年5月至7月",
    "order_issued_by": "上海市浦东新区人力资源和社会保障局",
    "order_issued_on": "2026-09-03",
    "order_due_on": "2026-09-03",
    "order_document_no": "浦人社监令〔2026〕118号",
    "arrears": ["collective_migrant_wages"],
    "employer_cooperating": False,
    "copy_court": True,
}
LEAD = {
    "rung": "lead_transfer",
    "requests": ["依法审查该单位是否涉嫌拒不支付劳动报酬罪；"],
    "transfer": TRANSFER,
}


async def _after_inspection(harness: SupervisionHarness) -> MatterRun:
    case = await harness.file_case(complaint(), date(2026, 9, 1))
    matter = await harness.open(opening([case]), date(2026, 9, 2))
    await matter.act(
        "decide_next", "record_investigation", {**INVESTIGATION, "completed_on": "2026-09-02"}
    )
    await matter.act(
        "decide_next", "draft_notice", {**OPINION, "reason": "已多次口头督促未改正，直接发意见书"}
    )
    await matter.act("approve_notice", "approve_notice", {}, who="union2")
    await matter.act("record_service", "record_service", {"served_on": "2026-09-02"})
    await matter.act(
        "await_reply",
        "record_reply",
        {"received_on": "2026-09-02", "kind": "refused", "text": "公司资金困难，暂不支付。"},
    )
    await matter.act("approve_notice", "approve_notice", {}, who="union")
    await matter.act("record_service", "record_service", {"served_on": "2026-09-02"})
    await matter.act(
        "record_department_filing", "record_filing", {"decided_on": "2026-09-02", "granted": True}
    )
    await harness.sleep(1)
    await matter.act(
        "record_inspection_result",
        "record_result",
        {"decided_on": "2026-09-03", "rectified": False},
    )
    await matter.task("decide_next")
    return matter


async def test_government_then_lead_transfer_with_a_copy_to_the_court(
    harness: SupervisionHarness,
) -> None:
    matter = await _after_inspection(harness)
    cooperative = {
        **LEAD,
        "transfer": {**TRANSFER, "employer_cooperating": True, "arrears": ["wages"]},
    }
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await matter.act("decide_next", "draft_notice", cooperative)
    message = str(getattr(refused.value.cause, "message", ""))
    assert "不符合线索移送条件" in message and "用人单位拒不配合" in message

    await matter.act(
        "decide_next",
        "escalate_government",
        {"on": "2026-09-03", "grounds": "经监察责令仍拒不支付工资"},
    )
    assert (await matter.deadline("government-4")).rule_id == "agreed"
    await matter.act(
        "record_government_response",
        "record_response",
        {
            "decided_on": "2026-09-03",
            "rectified": False,
            "remarks": "区政府已召开协调会，单位仍未支付",
        },
    )
    await matter.act("decide_next", "draft_notice", LEAD, who="union2")
    issued = await matter.act("approve_notice", "approve_notice", {}, who="union")
    assert "〔2026〕浦工监移字第1号" in issued.message_zh
    await matter.act("record_service", "record_service", {"served_on": "2026-09-03"})
    lead = await matter.task("record_procuratorate_decision")
    assert (lead.team_code, lead.role) == ("procuratorate-pd-1", "procurator"), "the procuratorate's own inbox"
    await matter.act(
        "record_procuratorate_decision",
        "record_response",
        {"decided_on": "2026-09-03", "accepted": True, "remarks": "检察院已受理"},
    )
    assert (await matter.result()).outcome is MatterOutcome.transferred

    rungs = [(r.rung, r.trigger) for r in await matter.rungs()]
    assert rungs[-2:] == [("government_escalation", "not_rectified"), ("lead_transfer", "staff")]
    letter = next(
        d for d in await matter.documents() if d.doc_type == DocumentType.lead_transfer_letter.value
    )
    text = pdf_text(
        await store.read_content(harness.deps.db, harness.deps.storage, harness.deps.keyring, letter, ContentFormat.pdf)
    )
    assert "上海市浦东新区人民检察院" in text and "抄送：上海市浦东新区人民法院" in text
    assert "上海宏建劳务分包有限公司" in text and "312,000.00" in text


async def test_linked_case_hears_of_the_matter_and_a_missing_one_is_noted(
    harness: SupervisionHarness,
) -> None:
    """A running case gets `supervision-update` signals; a case without a workflow is noted."""
    cases = Harness(harness.env, harness.deps, harness.task_queue, act_when_quiet=True)
    running = await cases.file(wage_arrears(), date(2026, 9, 1))
    idle = await harness.file_case(complaint(), date(2026, 9, 1))
    matter = await harness.open(opening([running.case_no, idle]), date(2026, 9, 2))
    await matter.task("decide_next")
    await matter.wait_event("case_not_told")
    history = await running.handle.fetch_history()
    signals = [
        e.workflow_execution_signaled_event_attributes.signal_name
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED
    ]
    assert "supervision-update" in signals
    events = await matter.events()
    assert events.count("case_not_told") == 1
