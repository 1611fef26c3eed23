"""The agencies act for themselves (time-skipping server): each hand-over is a referral with its own
acknowledgement clock, the receiving organisation's own staff take it from their inbox, a return
goes back to the sender with its reason, and a referral to labour inspection runs alongside."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from sqlmodel import select
from temporalio.client import WorkflowUpdateFailedError

from domain.case import Stage
from infrastructure.documents.store import ContentFormat, get_document, read_content
from infrastructure.tables import Referral, StoredDocument, Task
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


async def _holder_becomes(case: CaseRun, team: str) -> tuple[str | None, date | None]:
    """Wait until the case row names `team` as its holder; (holder name, since)."""
    for _ in range(150):
        row = await case.case_row()
        if row.holder_team == team:
            return row.holder_name, row.holder_since
        await asyncio.sleep(0.1)
    raise AssertionError(f"the holder stayed {row.holder_team}, not {team}")


async def _to_the_court(harness: Harness) -> CaseRun:
    """Story 2 (dismissal) through a non-final award to a suit the court's clerk has received (2026-06-01)."""
    case = await harness.file(dismissal(preferred_channel="arbitration"), date(2026, 6, 1))
    await case.act("record_arbitration_acceptance", "record_acceptance", {"decided_on": "2026-06-01", "granted": True})
    award = {
        "awarded_on": "2026-06-01",
        "received_on": "2026-06-01",
        "items": [{"kind": "damages", "claimed": "84000.00", "granted": "84000.00"}],
    }
    await case.act("record_award", "record_award", award)
    await case.wait_event("award_windows")
    await case.wait_option("sue")  # the parent opens it on the child's signal, after the event
    await case.worker("sue", {"filed_on": "2026-06-01"})
    await case.act("receive_referral", "accept_referral", {"on": "2026-06-01"}, team="court-hz-1")
    return case


async def _html(harness: Harness, document_id: str) -> str:
    row = await get_document(harness.db, document_id)
    assert row is not None
    return (await read_content(harness.db, harness.deps.storage, harness.deps.keyring, row, ContentFormat.html)).decode()


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
    letter_html = await _html(harness, sent.document_id)
    async with harness.db.session() as session:
        issued = (await session.exec(select(StoredDocument).where(StoredDocument.subject == f"case:{case.case_no}"))).all()
    file = [d for d in issued if d.doc_type != "case_transfer_letter"]
    assert file, "the case had documents before it was referred"
    assert "随函移送本案材料" in letter_html and all(d.title_zh in letter_html for d in file), "its documents travel with it"
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
    await case.wait_option("sue")  # the parent opens it on the child's signal, after the event
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
    assert (await _holder_becomes(case, "peoples-med-hz-1"))[1] == date(2026, 6, 1), "the mediators hold it meanwhile"
    await case.act("mediate", "record_failure", {"ended_on": "2026-06-01", "reason": "双方对赔偿金额分歧较大"})
    await case.wait_event("court_mediation_returned")
    await _holder_becomes(case, "court-hz-1")
    served = {"judged_on": "2026-06-01", "served_on": "2026-06-01", "for_worker": True, "amount": "84000.00"}
    await case.act("record_judgment", "record_judgment", served)
    await case.wait_event("judgment")


async def test_the_court_delegates_mediation_before_filing_and_files_when_it_fails(harness: Harness) -> None:
    """委派 (before filing): the filing clerk puts the suit to the invited mediators, who have 30 days
    from signing for the materials (D39; SPC invited-mediation provisions Art. 27: 2026-06-01 + 30 =
    07-01). Without agreement it comes back, and the court decides on filing in 7 days (D34, CPL Art.
    126) from the return."""
    case = await _to_the_court(harness)
    await case.act("record_filing", "delegate_mediation", {"on": "2026-06-01"})
    mediators = await case.task("receive_referral", team="peoples-med-hz-1")
    assert mediators.role == "mediator"
    await case.act("receive_referral", "accept_referral", {"on": "2026-06-01"}, team="peoples-med-hz-1")
    await case.deadline("period")
    period = (await case.deadlines())["period"]
    assert (period.rule_id, period.due_on) == ("D39", date(2026, 7, 1))
    await _holder_becomes(case, "peoples-med-hz-1")
    await harness.sleep(3)  # 2026-06-04
    await case.act("mediate", "record_failure", {"ended_on": "2026-06-04", "reason": "用人单位不同意调解方案"})
    await case.wait_event("court_mediation_returned")
    filing = await case.task("record_filing")
    assert filing.due_on == date(2026, 6, 11) and filing.actions == ["record_filing"], "delegated once; now the filing decision"
    assert (await _holder_becomes(case, "court-hz-1"))[1] == date(2026, 6, 4)
    await case.act("record_filing", "record_filing", {"decided_on": "2026-06-04", "granted": True})
    await case.task("record_judgment", team="court-hz-1")


async def test_mediation_before_the_arbitration_hearing_ends_it_with_an_agreement(harness: Harness) -> None:
    """D21 (a jurisdiction parameter: 10 days in the national profile, low confidence): with both
    parties' consent the arbitrator entrusts the union's mediators before the hearing; their agreement
    ends the arbitration with a mediation statement (LDMAL Art. 42) and the case moves to its performance."""
    case = await harness.file(dismissal(preferred_channel="arbitration"), date(2026, 6, 1))
    await case.act("record_arbitration_acceptance", "record_acceptance", {"decided_on": "2026-06-01", "granted": True})
    await harness.sleep(1)  # 2026-06-02
    await case.act("record_award", "entrust_pre_hearing_mediation", {"on": "2026-06-02"})
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await case.act("record_award", "entrust_pre_hearing_mediation", {"on": "2026-06-02"})
    assert "庭前调解正在进行" in str(getattr(refused.value.cause, "message", ""))
    referral = await case.task("receive_referral")
    assert referral.role == "mediator" and referral.team_code.startswith("union-med")
    await case.act("receive_referral", "accept_referral", {"on": "2026-06-02"})
    await case.deadline("period")
    period = (await case.deadlines())["period"]
    assert (period.rule_id, period.due_on) == ("D21", date(2026, 6, 12))
    assert (await case.task("record_award")).status == "open", "the award period runs on"
    terms = {"signed_on": "2026-06-02", "terms": "十日内支付赔偿金六万元", "items": [{"kind": "damages", "amount": "60000.00"}]}
    await case.act("mediate", "record_agreement", terms)
    await case.wait_event("pre_hearing_settled")
    row = await case.wait_stage(Stage.enforcement)
    assert row.stage == Stage.enforcement


async def test_a_mediator_refers_the_worker_to_legal_aid_and_mediation_goes_on(harness: Harness) -> None:
    """Any channel may refer the worker to the legal-aid centre: its reviewer takes the referral and
    then decides within 7 days (D56, Legal Aid Law Art. 43), while the mediation goes on."""
    case = await harness.file(wage_arrears(), date(2026, 3, 2))
    await case.act("mediate", "refer_to_legal_aid", {"on": "2026-03-02", "reason": "农民工追索劳动报酬，无力委托律师"})
    referral = await case.task("receive_referral")
    assert (referral.team_code, referral.role) == ("legal-aid-pd-1", "legal_aid_reviewer")
    await case.act("receive_referral", "accept_referral", {"on": "2026-03-02"})
    decision = await case.task("decide_legal_aid")
    assert (decision.team_code, decision.role, decision.due_on) == ("legal-aid-pd-1", "legal_aid_reviewer", date(2026, 3, 9))
    assert (await case.task("mediate")).status == "open", "mediation goes on"
    [row] = await _referrals(harness, case)
    assert (row.kind, row.status, row.sender_team) == ("legal_aid", "accepted", "union-med-1")


async def test_labour_inspection_refers_the_worker_to_legal_aid_and_investigates_on(harness: Harness) -> None:
    """Any channel, labour inspection included: the inspector refers the worker to the legal-aid
    centre (Legal Aid Law Art. 43: the centre decides within 7 days, D56) and the investigation goes on."""
    case = await harness.file(wage_arrears(preferred_channel="inspection"), date(2026, 3, 2))
    await case.act("record_inspection_acceptance", "record_acceptance", {"decided_on": "2026-03-02", "granted": True})
    investigation = await case.task("record_inspection_result")
    assert "refer_to_legal_aid" in investigation.actions
    await case.act("record_inspection_result", "refer_to_legal_aid", {"on": "2026-03-02", "reason": "劳动者经济困难，需要代理仲裁"})
    referral = await case.task("receive_referral")
    assert (referral.team_code, referral.role) == ("legal-aid-pd-1", "legal_aid_reviewer")
    await case.act("receive_referral", "accept_referral", {"on": "2026-03-02"})
    decision = await case.task("decide_legal_aid")
    assert decision.due_on == date(2026, 3, 9)
    assert (await case.task("record_inspection_result")).status == "open", "the investigation goes on"
    [row] = await _referrals(harness, case)
    assert (row.kind, row.status, row.sender_team) == ("legal_aid", "accepted", "inspection-pd-1")
    timeline = await case.timeline()
    assert any(e.kind == "legal_aid_requested" and "劳动保障监察机构" in e.summary_zh for e in timeline)


async def test_the_judge_asks_the_procuratorate_to_support_the_suit(harness: Harness) -> None:
    """CPL Art. 15: the court, not only the union, may ask the procuratorate to support a worker's
    suit. The procurator takes the referral from the procuratorate's inbox; its decision then runs
    alongside the suit, which goes on. Asking twice is refused."""
    story = dismissal(preferred_channel="arbitration")
    story["worker"] = {**story["worker"], "groups": []}  # not a group the union asks support for
    case = await harness.file(story, date(2026, 6, 1))
    await case.act("record_arbitration_acceptance", "record_acceptance", {"decided_on": "2026-06-01", "granted": True})
    award = {
        "awarded_on": "2026-06-01",
        "received_on": "2026-06-01",
        "items": [{"kind": "damages", "claimed": "84000.00", "granted": "84000.00"}],
    }
    await case.act("record_award", "record_award", award)
    await case.wait_event("award_windows")
    await case.wait_option("sue")  # the parent opens it on the child's signal, after the event
    await case.worker("sue", {"filed_on": "2026-06-01"})
    await case.act("receive_referral", "accept_referral", {"on": "2026-06-01"})
    await case.act("record_filing", "record_filing", {"decided_on": "2026-06-01", "granted": True})
    judgment = await case.task("record_judgment")
    assert "refer_to_procuratorate" in judgment.actions
    reason = "用人单位掌握主要证据，劳动者举证能力弱"
    await case.act("record_judgment", "refer_to_procuratorate", {"on": "2026-06-01", "reason": reason})
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await case.act("record_judgment", "refer_to_procuratorate", {"on": "2026-06-01", "reason": reason})
    assert "已商请人民检察院支持起诉" in str(getattr(refused.value.cause, "message", ""))
    referral = await case.task("receive_referral")
    assert referral.role == "procurator" and referral.team_code.startswith("procuratorate")
    await case.act("receive_referral", "accept_referral", {"on": "2026-06-01"})
    decision = await case.task("record_procuratorate_decision")
    assert decision.team_code == referral.team_code and decision.role == "procurator"
    kinds = {(r.kind, r.status, r.sender_team) for r in await _referrals(harness, case)}
    assert ("procuratorate", "accepted", "court-hz-1") in kinds
    assert (await case.task("record_judgment")).status == "open", "the suit goes on"
    await case.act("record_procuratorate_decision", "record_decision", {"decided_on": "2026-06-01", "granted": True})
    await case.wait_event("procuratorate_decision")


async def test_a_vulnerable_workers_suit_is_not_referred_twice(harness: Harness) -> None:
    """The union already asked the procuratorate to support a woman worker's suit: the judge's request
    is refused, naming why."""
    case = await _to_the_court(harness)
    await case.act("record_filing", "record_filing", {"decided_on": "2026-06-01", "granted": True})
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await case.act("record_judgment", "refer_to_procuratorate", {"on": "2026-06-01", "reason": "举证能力弱"}, team="court-hz-1")
    assert "已商请人民检察院支持起诉" in str(getattr(refused.value.cause, "message", ""))
