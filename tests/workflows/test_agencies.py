"""The agencies act for themselves (time-skipping server): each hand-over is a referral with its own
acknowledgement clock, the receiving organisation's own staff take it from their inbox, a return
goes back to the sender with its reason, and a referral to labour inspection runs alongside."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from domain.case import Stage
from infrastructure.tables import Referral, Task
from tests.stories import dismissal, wage_arrears
from tests.workflows.harness import CaseRun, Harness

PUDONG_COMMISSION = "上海市浦东新区劳动人事争议仲裁委员会"


async def _referred_to_the_commission(harness: Harness) -> CaseRun:
    """Story 1: mediation fails on 2026-03-02 and the worker applies for arbitration the same day."""
    case = await harness.file(wage_arrears(), date(2026, 3, 2))
    await case.act("mediate", "record_failure", {"ended_on": "2026-03-02", "reason": "用人单位拒不到场"})
    await case.wait_stage(Stage.arbitration_eligible)
    await case.worker("choose_arbitration", {"filed_on": "2026-03-02"})
    await case.wait_event("referral_sent")
    return case


async def _referrals(harness: Harness, case: CaseRun) -> list[Referral]:
    async with harness.db.session() as session:
        return list((await session.exec(select(Referral).where(Referral.case_no == case.case_no).order_by(Referral.id))).all())


async def test_the_commission_takes_the_case_from_its_own_inbox(harness: Harness) -> None:
    """The union's transfer letter goes to the commission's clerks (not the mediators); once a clerk
    takes it, the commission holds the case and its acceptance decision (D13) is the clerk's."""
    case = await _referred_to_the_commission(harness)
    task = await case.task("receive_referral")
    assert task.team_code == "arb-pd-1" and task.role == "arbitration_clerk" and task.assignee in {"arb-clerk", "arb-clerk2"}
    assert task.due_on == date(2026, 3, 4)  # two days' service level, then the law's five (D13)
    [sent] = await _referrals(harness, case)
    assert (sent.sender_team, sent.receiver_name, sent.status) == ("union-med-1", PUDONG_COMMISSION, "sent")
    assert sent.document_id, "a transfer letter travels with it"
    await case.act("receive_referral", "accept_referral", {"on": "2026-03-02"})
    acceptance = await case.task("record_arbitration_acceptance")
    assert acceptance.team_code == "arb-pd-1" and acceptance.role == "arbitration_clerk"
    row = await case.case_row()
    assert (row.holder_team, row.holder_name, row.holder_since) == ("arb-pd-1", PUDONG_COMMISSION, date(2026, 3, 2))
    assert [r.status for r in await _referrals(harness, case)] == ["accepted"]


async def test_an_unacknowledged_referral_reminds_then_escalates_to_the_receiving_head(harness: Harness) -> None:
    """Due 03-04 (service level): reminded the day before, escalated on 03-05 to the commission's head
    (not the union's supervisor) and given to the other clerk."""
    case = await _referred_to_the_commission(harness)
    first = await case.task("receive_referral")
    await harness.sleep(4)  # 2026-03-06
    await case.wait_event("task_escalated")
    task = await case.task("receive_referral")
    assert task.escalated and task.reminders_sent == ["1d"] and task.assignee not in {first.assignee, None}
    escalations = [n for n in await case.notifications() if n.template == "task_escalated"]
    heads = {harness.deps.keyring.decrypt_text(n.recipient_enc) for n in escalations}
    assert heads == {"arb-head"}, "the receiving organisation's head, named as its supervisor"
    acknowledge = (await case.deadlines())["acknowledge"]
    assert acknowledge.status == "missed" and acknowledge.explanation["rule"] == "agreed"


async def test_a_returned_referral_goes_back_to_its_sender_with_the_reason(harness: Harness) -> None:
    case = await _referred_to_the_commission(harness)
    reason = "申请人工作地在杭州，不属于本委管辖"
    await case.act("receive_referral", "return_referral", {"on": "2026-03-02", "reason": reason})
    returned = await case.task("referral_returned")
    assert returned.team_code == "union-med-1" and returned.role == "mediator" and reason in returned.title_zh
    assert (await _referrals(harness, case))[0].reason == reason
    timeline = await case.timeline()
    assert any(e.kind == "referral_returned" and reason in e.summary_zh for e in timeline)
    await harness.sleep(1)
    await case.act("referral_returned", "resend_referral", {"on": "2026-03-03", "remarks": "补充劳动合同复印件"})
    await case.act("receive_referral", "accept_referral", {"on": "2026-03-03"})
    await case.task("record_arbitration_acceptance")
    assert (await case.wait_stage(Stage.arbitration)).holder_team == "arb-pd-1"


async def test_inspection_opened_from_mediation_runs_alongside_it(harness: Harness) -> None:
    """A mediator finds unpaid wages of the whole workshop: labour inspection takes the referral and
    investigates while the mediation (and, after it, the case) goes on."""
    case = await harness.file(wage_arrears(), date(2026, 3, 2))
    await case.act("mediate", "refer_to_inspection", {"on": "2026-03-02", "suspicion": "拖欠全车间工资"})
    referral = await case.task("receive_referral")
    assert referral.team_code == "inspection-pd-1" and referral.role == "inspector"
    await case.act("receive_referral", "accept_referral", {"on": "2026-03-02"})
    inspection = await case.task("record_inspection_acceptance")
    assert inspection.team_code == "inspection-pd-1"
    assert (await case.task("mediate")).status == "open", "mediation goes on"
    await case.act("mediate", "record_failure", {"ended_on": "2026-03-02", "reason": "双方分歧较大"})
    row = await case.wait_stage(Stage.arbitration_eligible)
    assert row.stage == Stage.arbitration_eligible
    async with harness.db.session() as session:
        still = (await session.exec(select(Task).where(Task.task_id == inspection.task_id))).one()
    assert still.status == "open", "the inspection runs alongside, unaffected"


async def test_the_court_entrusts_mediation_and_the_case_comes_back(harness: Harness) -> None:
    """After filing, the judge entrusts the case to the court's invited mediators (委托, D40 15 days);
    without agreement it comes back to the judge, who gives judgment."""
    case = await harness.file(dismissal(preferred_channel="arbitration"), date(2026, 6, 1))
    await case.act("record_arbitration_acceptance", "record_acceptance", {"decided_on": "2026-06-01", "granted": True})
    award = {
        "awarded_on": "2026-06-01",
        "received_on": "2026-06-01",
        "items": [{"kind": "damages", "claimed": "84000.00", "granted": "84000.00"}],
    }
    await case.act("record_award", "record_award", award)
    await case.wait_event("award_windows")
    await case.worker("sue", {"filed_on": "2026-06-01"})
    await case.act("receive_referral", "accept_referral", {"on": "2026-06-01"})
    await case.act("record_filing", "record_filing", {"decided_on": "2026-06-01", "granted": True})
    await case.act("receive_referral", "accept_referral", {"on": "2026-06-01"})  # the union's request for support (a woman worker)
    judgment = await case.task("record_judgment")
    assert judgment.team_code == "court-hz-1" and judgment.role == "judge"
    await case.act("record_judgment", "entrust_mediation", {"on": "2026-06-01"})
    mediators = await case.task("receive_referral")  # the procuratorate's was taken already
    assert mediators.team_code == "peoples-med-hz-1" and mediators.role == "mediator"
    await case.act("receive_referral", "accept_referral", {"on": "2026-06-01"})
    await case.deadline("period")
    court_mediation = (await case.deadlines())["period"]
    assert court_mediation.rule_id == "D40" and court_mediation.due_on == date(2026, 6, 16)
    await case.act("mediate", "record_failure", {"ended_on": "2026-06-01", "reason": "双方对赔偿金额分歧较大"})
    await case.wait_event("court_mediation_returned")
    served = {"judged_on": "2026-06-01", "served_on": "2026-06-01", "for_worker": True, "amount": "84000.00"}
    await case.act("record_judgment", "record_judgment", served)
    await case.wait_event("judgment")
