"""The criminal referral between agencies (time-skipping server): labour inspection transfers an ignored
order to pay to the police, who answer from their own inbox; after a non-filing the inspection may ask
the procuratorate to supervise it (CPL Art. 113), and after a refusal it is offered reconsideration
and review, each with its last day (D68) and the procuratorate's decision period (D69). Under
supervision the police explain in 7 days and file in 15 after a notice to file (D70).

Every date below is counted by the statute's numbers: a period in days starts the day after its
start and ends on its last day, rolled to the next working day if that is a rest day (CPL Art. 85)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select
from temporalio.client import WorkflowUpdateFailedError

from domain.case import Stage
from domain.workflow_models import CriminalReferralResult
from infrastructure.tables import Deadline, Referral, Task
from tests.stories import wage_arrears
from tests.workflows.harness import CaseRun, Harness

REASON = "现有证据不能证明用人单位有能力支付而拒不支付"


async def _transferred_to_the_police(harness: Harness) -> CaseRun:
    """Filed 2026-03-02; accepted 03-03; ordered to pay 36,000 (one worker, 3 months: above every
    province's figure) by 03-06; unpaid on 03-09: the inspection transfers the case to the police."""
    case = await harness.file(wage_arrears(preferred_channel="inspection"), date(2026, 3, 2))
    await harness.sleep(1)  # 03-03
    await case.act("record_inspection_acceptance", "record_acceptance", {"decided_on": "2026-03-03", "granted": True})
    order = {"ordered_on": "2026-03-03", "pay_by": "2026-03-06", "amount": "36000.00", "worker_count": 1, "months_unpaid": 3}
    await case.act("record_inspection_result", "order_to_pay", order)
    await harness.sleep(6)  # 03-09
    await case.act("record_order_outcome", "record_unpaid", {"on": "2026-03-09"})
    await case.wait_event("criminal_referral")
    return case


async def _police_decline(harness: Harness, case: CaseRun) -> Task:
    """03-10: the police return the transfer with their reasons (a non-filing); the inspector's task."""
    await harness.sleep(1)
    await case.act("receive_referral", "return_referral", {"on": "2026-03-10", "reason": REASON})
    return await case.task("pursue_criminal_referral")


async def _referrals(harness: Harness, case: CaseRun) -> list[Referral]:
    async with harness.db.session() as session:
        return list((await session.exec(select(Referral).where(Referral.case_no == case.case_no).order_by(Referral.id))).all())


async def _deadline_of(harness: Harness, workflow_id: str, key: str) -> Deadline:
    async with harness.db.session() as session:
        return (await session.exec(select(Deadline).where(Deadline.deadline_key == f"{workflow_id}#{key}"))).one()


async def _chain_result(harness: Harness, task: Task) -> str:
    handle = harness.env.client.get_workflow_handle(task.workflow_id, result_type=CriminalReferralResult)
    return (await handle.result()).outcome.value


async def test_the_police_take_the_transfer_from_their_own_inbox(harness: Harness) -> None:
    """The transfer goes to the police of the case's region (not an inspector's task to type in their
    decision); the officer accepts it, which opens a criminal case, and the worker's claim goes on."""
    case = await _transferred_to_the_police(harness)
    police = await case.task("receive_referral")
    assert (police.team_code, police.role) == ("police-pd-1", "police_officer")
    assert "立案的请确认收案" in police.title_zh
    await case.act("receive_referral", "accept_referral", {"on": "2026-03-09"})
    await case.wait_event("police_filed")
    [row] = await _referrals(harness, case)
    assert (row.kind, row.sender_team, row.receiver_team, row.status) == ("public_security", "inspection-pd-1", "police-pd-1", "accepted")
    await case.wait_stage(Stage.arbitration_eligible)
    async with harness.db.session() as session:
        old = (await session.exec(select(Task).where(Task.subject == case.subject, Task.kind == "record_police_decision"))).all()
    assert not old, "the inspector no longer records the police's decision"


async def test_supervision_notice_to_explain_then_notice_to_file(harness: Harness) -> None:
    """P20 §10: notice to explain received 03-11 -> reasons due 7 days later, 03-18 (Wed); notice to
    file received 03-16 -> filing due 15 days later, 03-31 (Tue). The worker's claim goes on meanwhile."""
    case = await _transferred_to_the_police(harness)
    offer = await _police_decline(harness, case)
    assert (offer.team_code, offer.role, offer.due_on) == ("inspection-pd-1", "inspector", None)  # the law sets no period here
    assert "建议人民检察院依法进行立案监督" in offer.title_zh
    await case.wait_stage(Stage.arbitration_eligible)
    await case.act("pursue_criminal_referral", "request_filing_supervision", {"on": "2026-03-10"})
    procurator = await case.task("receive_referral")
    assert (procurator.team_code, procurator.role) == ("procuratorate-pd-1", "procurator")
    await harness.sleep(1)  # 03-11
    await case.act("receive_referral", "accept_referral", {"on": "2026-03-11"})
    await case.act("supervise_filing", "require_explanation", {"on": "2026-03-11"})
    explain = await case.task("police_explanation")
    assert explain.due_on == date(2026, 3, 18)
    why = (await _deadline_of(harness, explain.workflow_id, "police_explanation")).explanation
    assert why["rule"] == "D70" and why["length"] == 7 and "第十条" in why["basis"] and "2026-03-18" in why["explanation_zh"]
    await harness.sleep(2)  # 03-13
    await case.act("police_explanation", "record_explanation", {"on": "2026-03-13", "reason": "该公司已进入破产程序"})
    await harness.sleep(3)  # 03-16
    await case.act("assess_explanation", "notice_to_file", {"on": "2026-03-16"})
    filing = await case.task("police_filing")
    assert filing.due_on == date(2026, 3, 31)
    why = (await _deadline_of(harness, filing.workflow_id, "police_filing")).explanation
    assert why["rule"] == "D70" and why["length"] == 15 and "通知立案书" in why["explanation_zh"]
    await harness.sleep(4)  # 03-20
    await case.act("police_filing", "record_police_filed", {"on": "2026-03-20"})
    assert await _chain_result(harness, filing) == "filed_under_supervision"
    assert [(r.kind, r.status) for r in await _referrals(harness, case)] == [
        ("public_security", "returned"),
        ("filing_supervision", "accepted"),
    ]
    assert (await _deadline_of(harness, filing.workflow_id, "police_explanation")).status == "met"
    kinds = await case.events()
    steps = ["explanation_required", "police_explained", "notice_to_file", "police_filed"]
    assert [kinds.index(kind) for kind in steps] == sorted(kinds.index(kind) for kind in steps)


async def test_refusal_offers_reconsideration_then_review_each_by_its_last_day(harness: Harness) -> None:
    """P20 §7: refusal received 03-11 -> reconsideration requested by 03-16 (5 days, D68), decided by
    03-20 (7 days from the 03-13 request, D69); upheld 03-16 -> review requested by 03-21, a Saturday,
    so 03-23 (D68 review, CPL Art. 85), decided by 04-02 (15 days from the 03-18 request, D69 review)."""
    case = await _transferred_to_the_police(harness)
    await _police_decline(harness, case)
    await case.act("pursue_criminal_referral", "request_filing_supervision", {"on": "2026-03-10"})
    await harness.sleep(1)  # 03-11
    await case.act("receive_referral", "return_referral", {"on": "2026-03-11", "reason": "不属于应当立案监督的情形"})
    offer = await case.task("pursue_criminal_referral")
    assert offer.due_on == date(2026, 3, 16) and "2026-03-16前要求复议" in offer.title_zh
    last_day = await _deadline_of(harness, offer.workflow_id, "reconsideration_by")
    assert (last_day.rule_id, last_day.start_on, last_day.due_on) == ("D68", date(2026, 3, 11), date(2026, 3, 16))
    assert "第七条" in last_day.explanation["basis"]
    await harness.sleep(2)  # 03-13
    early = {"on": "2026-03-10"}  # before the refusal it answers
    with pytest.raises(WorkflowUpdateFailedError):
        await case.act("pursue_criminal_referral", "request_reconsideration", early)
    await case.act("pursue_criminal_referral", "request_reconsideration", {"on": "2026-03-13"})
    decide = await case.task("receive_referral")
    assert decide.due_on == date(2026, 3, 20) and decide.role == "procurator"
    reconsideration = await _deadline_of(harness, decide.workflow_id, "acknowledge")
    assert (reconsideration.rule_id, reconsideration.explanation["length"]) == ("D69", 7)
    await harness.sleep(3)  # 03-16
    await case.act("receive_referral", "return_referral", {"on": "2026-03-16", "reason": "维持原决定"})
    offer = await case.task("pursue_criminal_referral")
    assert offer.due_on == date(2026, 3, 23)
    review_by = await _deadline_of(harness, offer.workflow_id, "review_by")
    assert review_by.explanation["skipped"], "21 and 22 March are a weekend: the last day moves to Monday"
    await harness.sleep(2)  # 03-18
    await case.act("pursue_criminal_referral", "request_review", {"on": "2026-03-18"})
    review = await case.task("receive_referral")
    assert review.due_on == date(2026, 4, 2) and "上一级人民检察院" in review.title_zh
    assert (await _deadline_of(harness, review.workflow_id, "acknowledge")).explanation["length"] == 15
    await case.act("receive_referral", "return_referral", {"on": "2026-03-18", "reason": "复核维持"})
    assert await _chain_result(harness, offer) == "supervision_refused"
    rows = await _referrals(harness, case)
    assert [r.kind for r in rows] == ["public_security", "filing_supervision", "supervision_reconsideration", "supervision_review"]
    assert {r.sender_team for r in rows} == {"inspection-pd-1"} and all(r.status == "returned" for r in rows)


async def test_the_last_day_for_reconsideration_passes_unused(harness: Harness) -> None:
    """Refusal received 03-11: the 5 days of D68 end on 03-16; on 03-17 the chance is gone, and the
    timeline says so."""
    case = await _transferred_to_the_police(harness)
    await _police_decline(harness, case)
    await case.act("pursue_criminal_referral", "request_filing_supervision", {"on": "2026-03-10"})
    await harness.sleep(1)  # 03-11
    await case.act("receive_referral", "return_referral", {"on": "2026-03-11", "reason": "不属于应当立案监督的情形"})
    offer = await case.task("pursue_criminal_referral")
    await harness.sleep(6)  # 03-17
    await case.wait_event("criminal_referral_lapsed")
    lapsed = next(e for e in await case.timeline() if e.kind == "criminal_referral_lapsed")
    assert "2026-03-16" in lapsed.summary_zh and "不能再要求复议" in lapsed.summary_zh and "第七条" in (lapsed.citation or "")
    assert (await _deadline_of(harness, offer.workflow_id, "reconsideration_by")).status == "missed"
    assert (await case.latest_task("pursue_criminal_referral")).status == "cancelled"
    assert await _chain_result(harness, offer) == "lapsed"


async def _order_ignored(harness: Harness, order: dict[str, object]) -> CaseRun:
    """Filed 2026-03-02, accepted 03-03, `order` made 03-03 to pay by 03-06, unpaid on 03-09."""
    case = await harness.file(wage_arrears(preferred_channel="inspection"), date(2026, 3, 2))
    await harness.sleep(1)
    await case.act("record_inspection_acceptance", "record_acceptance", {"decided_on": "2026-03-03", "granted": True})
    dates = {"ordered_on": "2026-03-03", "pay_by": "2026-03-06", "months_unpaid": 3}
    await case.act("record_inspection_result", "order_to_pay", {**dates, **order})
    await harness.sleep(6)
    await case.act("record_order_outcome", "record_unpaid", {"on": "2026-03-09"})
    await case.wait_event("order_ignored")
    return case


async def test_nine_workers_owed_3000_each_are_not_a_relatively_large_amount(harness: Harness) -> None:
    """SPC 2013 Interpretation Art. 3(1) weighs ONE worker's pay (5,000-20,000 for 3 months) and
    Art. 3(2) needs 10 workers: 27,000 owed to 9 workers, 3,000 each, is neither. No transfer to
    the police; the worker's claim goes on to arbitration."""
    case = await _order_ignored(harness, {"amount": "27000.00", "worker_count": 9, "most_owed_to_one": "3000.00"})
    await case.wait_stage(Stage.arbitration_eligible)
    assert "criminal_referral" not in await case.events()
    assert not await _referrals(harness, case)


async def test_ten_workers_one_of_them_owed_20000_is_transferred(harness: Harness) -> None:
    """Art. 3's alternatives are either-or: 24,500 owed to 10 workers is under the collective figure
    (30,000), but one of them owed 20,000 for 3 months meets Art. 3(1) in every province."""
    case = await _order_ignored(harness, {"amount": "24500.00", "worker_count": 10, "most_owed_to_one": "20000.00"})
    await case.wait_event("criminal_referral")
    police = await case.task("receive_referral")
    assert police.role == "police_officer"
    [event] = [e for e in await case.timeline() if e.kind == "criminal_referral"]
    assert "须" not in event.summary_zh  # met outright: no figure left to check


async def test_several_workers_total_only_is_transferred_with_what_to_check(harness: Harness) -> None:
    """27,000 owed to 9 workers with no per-worker figure: one of them may be owed 20,000 or none
    5,000, so the transfer says that what one worker is owed decides."""
    case = await _order_ignored(harness, {"amount": "27000.00", "worker_count": 9})
    await case.wait_event("criminal_referral")
    [event] = [e for e in await case.timeline() if e.kind == "criminal_referral"]
    assert "须核定单个劳动者被拖欠数额" in event.summary_zh and "what one worker is owed decides" in event.summary_en
