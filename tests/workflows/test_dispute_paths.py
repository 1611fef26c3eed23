"""Every main path of a case, on the time-skipping server with the production converter, codec and
sandbox: real intake code, real activities on SQLite, deadlines driven by letting days pass."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from temporalio.client import WorkflowUpdateFailedError

from domain.actions import TaskAction
from domain.case import Stage
from tests.stories import dismissal, wage_arrears
from tests.workflows.harness import Harness

pytestmark = pytest.mark.slow

AWARD_FINAL = {"items": [{"kind": "wages", "claimed": "12000.00", "granted": "12000.00"} for _ in range(3)]}


async def test_story1_mediation_expires_then_final_award_then_performed(harness: Harness) -> None:
    """Story 1: the employer never comes; the 15-day period (LDMAL Art. 14, D03) runs out on
    2026-03-17; arbitration 03-18, accepted 03-23 (D13), award due 05-07 (D22); each 12,000 item is
    under 12 x Shanghai's minimum wage, so the award is final (Art. 47)."""
    case = await harness.file(wage_arrears(), date(2026, 3, 2))
    await case.task("mediate")
    assert (await case.deadline("period")).due_on == date(2026, 3, 17)

    await harness.sleep(16)  # 2026-03-18: the period has fully passed
    await case.wait_event("mediation_period_expired")
    row = await case.wait_stage(Stage.arbitration_eligible)
    assert [o["action"] for o in row.worker_options] == ["choose_arbitration", "add_evidence", "apply_legal_aid", "withdraw"]
    assert any(n.template == "case_update" and n.recipient_kind == "worker" for n in await case.notifications())

    await case.worker("choose_arbitration", {"filed_on": "2026-03-18"})
    await case.act("receive_referral", "accept_referral", {"on": "2026-03-18"})  # the commission's clerk takes the union's file
    await case.task("record_arbitration_acceptance")
    assert (await case.deadline("acceptance")).due_on == date(2026, 3, 23)
    await harness.sleep(5)  # 03-23
    await case.act("record_arbitration_acceptance", "record_acceptance", {"decided_on": "2026-03-23", "granted": True})
    await case.task("record_award")
    assert (await case.deadline("award")).due_on == date(2026, 5, 7)

    await harness.sleep(40)  # 05-02
    await case.act("record_award", "record_award", {"awarded_on": "2026-05-01", "received_on": "2026-05-02", **AWARD_FINAL})
    await case.wait_event("award_windows")
    assert (await case.deadline("worker_sue")).rule_id == "D25" and (await case.deadline("employer_revoke")).rule_id == "D26"
    await case.wait_stage(Stage.post_award)

    await harness.sleep(32)  # both windows pass: the award binds
    await case.task("record_performance")
    await case.act("record_performance", "record_performed", {"on": harness.today.isoformat()})
    result = await case.result()
    assert result.stage is Stage.closed_resolved
    events = await case.events()
    assert events.index("mediation_period_expired") < events.index("award") < events.index("award_effective") < events.index("case_closed")


async def test_story2_agreement_confirmed_and_performed(harness: Harness) -> None:
    """Story 2: agreement signed 2026-06-12; judicial confirmation must be applied for within 30
    days (CPL Art. 205, D06): 07-12 is a Sunday, so 07-13."""
    case = await harness.file(dismissal(), date(2026, 6, 1))
    await harness.sleep(11)  # 06-12
    agreement = {
        "signed_on": "2026-06-12",
        "terms": "公司分两期支付赔偿金84000元",
        "items": [{"kind": "damages", "amount": "84000.00"}],
        "instalments": [{"due_on": "2026-06-30", "amount": "42000.00"}, {"due_on": "2026-07-31", "amount": "42000.00"}],
    }
    result = await case.act("mediate", "record_agreement", agreement)
    assert result.document_ids
    await case.task("confirm_agreement")
    assert (await case.deadline("judicial_confirmation")).due_on == date(2026, 7, 13)
    await case.act(
        "confirm_agreement",
        "file_confirmation",
        {"route": "judicial_confirmation", "filed_on": "2026-06-12", "body": "杭州市西湖区人民法院"},
    )
    await case.act("record_confirmation_ruling", "record_ruling", {"decided_on": "2026-06-12", "granted": True})
    await case.act("track_performance", "record_payment", {"paid_on": "2026-06-12", "amount": "42000.00"})
    await harness.sleep(20)
    await case.act("track_performance", "record_payment", {"paid_on": harness.today.isoformat(), "amount": "42000.00"})
    assert (await case.result()).stage is Stage.closed_resolved
    assert "confirmation_ruling" in await case.events()


async def test_agreement_default_on_wages_goes_to_payment_order_then_enforcement(harness: Harness) -> None:
    """LDMAL Art. 16: unpaid wages under an agreement -> payment order; the employer neither pays nor
    objects within 15 days of receipt (D12) -> enforceable (CPL Art. 227)."""
    case = await harness.file(wage_arrears(), date(2026, 4, 1))
    await case.act(
        "mediate",
        "record_agreement",
        {
            "signed_on": "2026-04-01",
            "terms": "4月10日前一次付清36000元",
            "items": [{"kind": "wages", "amount": "36000.00"}],
            "instalments": [{"due_on": "2026-04-10", "amount": "36000.00"}],
        },
    )
    await case.act("confirm_agreement", "skip_confirmation", {"on": "2026-04-01"})
    await harness.sleep(10)
    await case.act("track_performance", "record_default", {"on": harness.today.isoformat()})
    await case.act("payment_order_acceptance", "record_acceptance", {"decided_on": harness.today.isoformat(), "granted": True})
    await case.act(
        "payment_order_issue",
        "record_issue",
        {"decided_on": harness.today.isoformat(), "granted": True, "received_on": harness.today.isoformat()},
    )
    received = harness.today
    assert (await case.deadline("pay_or_object")).due_on >= received + timedelta(days=15)
    await harness.sleep(17)
    await case.wait_event("payment_order_enforceable")
    await case.act("record_performance", "record_enforcement_application", {"on": harness.today.isoformat()})
    await case.act("record_performance", "record_enforcement_result", {"decided_on": harness.today.isoformat(), "granted": True})
    assert (await case.result()).stage is Stage.closed_resolved


async def test_non_final_award_suit_judgment_enforcement(harness: Harness) -> None:
    """84,000 of damages exceeds 12 x the minimum wage: non-final (Interp. I Art. 19-20); the worker
    sues within 15 days (D30); first instance for the worker, no appeal in 15 days (D37)."""
    case = await harness.file(dismissal(preferred_channel="arbitration"), date(2026, 6, 1))
    await harness.sleep(2)
    await case.act("record_arbitration_acceptance", "record_acceptance", {"decided_on": "2026-06-03", "granted": True})
    await harness.sleep(30)
    await case.act(
        "record_award",
        "record_award",
        {
            "awarded_on": "2026-06-30",
            "received_on": "2026-07-01",
            "items": [{"kind": "damages", "claimed": "84000.00", "granted": "84000.00"}],
        },
    )
    await case.wait_event("award_windows")
    assert (await case.deadline("worker_sue")).rule_id == "D30"
    await case.wait_option("sue")
    await case.worker("sue", {"filed_on": "2026-07-01"})
    await case.act("receive_referral", "accept_referral", {"on": "2026-07-01"})  # the court's clerk takes the commission's file
    await case.act("record_filing", "record_filing", {"decided_on": "2026-07-01", "granted": True})
    await case.act("receive_referral", "accept_referral", {"on": "2026-07-01"})  # the procuratorate takes the union's request
    await harness.sleep(60)
    await case.act(
        "record_judgment",
        "record_judgment",
        {"judged_on": harness.today.isoformat(), "served_on": harness.today.isoformat(), "for_worker": True, "amount": "84000.00"},
    )
    await harness.sleep(16)
    await case.wait_event("judgment_effective")
    await case.act("record_performance", "record_performed", {"on": harness.today.isoformat()})
    assert (await case.result()).stage is Stage.closed_resolved
    assert "procuratorate_referral" in await case.events(), "a woman worker's suit is referred for procuratorate support"


async def test_zhejiang_award_on_work_injury_benefits_is_final(harness: Harness) -> None:
    """Zhejiang Mediation and Arbitration Regulation Art. 37: an award on work-injury benefits is
    final whatever the amount (90,000 here, above 12 x Hangzhou's minimum wage, which LDMAL Art. 47
    alone would make non-final). So the worker's window to sue is 15 days from receipt (LDMAL Art. 48,
    D25): received 2026-07-01, last day 07-16."""
    case = await harness.file(dismissal(preferred_channel="arbitration"), date(2026, 6, 1))
    await harness.sleep(2)
    await case.act("record_arbitration_acceptance", "record_acceptance", {"decided_on": "2026-06-03", "granted": True})
    await harness.sleep(30)
    items = [{"kind": "injury_benefits", "claimed": "90000.00", "granted": "90000.00"}]
    await case.act("record_award", "record_award", {"awarded_on": "2026-06-30", "received_on": "2026-07-01", "items": items})
    await case.wait_event("award_windows")
    [award] = [event for event in await case.timeline() if event.kind == "award"]
    assert "终局裁决" in award.summary_zh and "非终局" not in award.summary_zh and "第三十七条" in (award.citation or "")
    sue = await case.wait_option("sue")
    assert (sue["rule"], sue["last_day"]) == ("D25", "2026-07-16")


async def test_legal_aid_given_in_advance_when_a_deadline_is_near(harness: Harness) -> None:
    """Legal Aid Law Art. 44: fewer than 7 days before a deadline, aid is given at once (D58).
    The worker may sue a final award within 15 days of receipt (D25): received 2026-03-05, last
    day 03-20; the legal-aid body has not decided, so on 03-14 (6 days left) aid starts at once."""
    case = await harness.file(wage_arrears(wants_legal_aid=True, preferred_channel="arbitration"), date(2026, 3, 2))
    await case.task("decide_legal_aid")
    await harness.sleep(2)
    await case.act("record_arbitration_acceptance", "record_acceptance", {"decided_on": "2026-03-04", "granted": True})
    await harness.sleep(1)
    await case.act("record_award", "record_award", {"awarded_on": "2026-03-05", "received_on": "2026-03-05", **AWARD_FINAL})
    await case.wait_event("award_windows")
    await case.wait_stage(Stage.post_award)
    sue = await case.wait_option("sue")
    assert sue["last_day"] == "2026-03-20" and sue["rule"] == "D25"
    await harness.sleep(8)  # 03-13: 7 days left, not yet
    assert "advance_legal_aid" not in await case.events()
    await harness.sleep(1)  # 03-14: 6 days left
    await case.wait_event("advance_legal_aid")
    assert any(n.template == "advance_legal_aid" for n in await case.notifications())


async def test_mediation_restarts_the_limitation(harness: Harness) -> None:
    """Applying for mediation is a request for relief: the year restarts from that day (LDMAL Art. 27 ¶2).
    Employment ended 2025-03-12, so the year would end 2026-03-12; mediation applied 03-02 moves it to 2027-03-02."""
    ended = "2025-03-12"
    case = await harness.file(wage_arrears(employment_ended_on=ended, knew_on=ended), date(2026, 3, 2))
    await case.wait_event("limitation_restarted")
    assert (await case.deadline("limitation")).due_on == date(2027, 3, 2)
    await case.act("mediate", "record_failure", {"ended_on": "2026-03-02", "reason": "用人单位拒绝调解"})
    row = await case.wait_stage(Stage.arbitration_eligible)
    assert row.worker_options[0]["last_day"] == "2027-03-02" and row.worker_options[0]["rule"] == "D02"


async def test_overdue_task_is_reminded_escalated_and_reassigned(harness: Harness) -> None:
    """The acceptance task is due 5 days after the application (D13): reminders 3 days and 1 day
    before, then escalation to the supervisor and reassignment when overdue."""
    case = await harness.file(wage_arrears(preferred_channel="arbitration"), date(2026, 3, 18))
    first = await case.task("record_arbitration_acceptance")
    assert first.due_on == date(2026, 3, 23)
    await harness.sleep(7)  # 03-25: overdue since 03-24
    await case.wait_event("task_escalated")
    task = await case.task("record_arbitration_acceptance")
    assert task.escalated and task.reminders_sent == ["3d", "1d"]
    assert task.assignee != first.assignee and task.assignee in {"arb-clerk", "arb-clerk2"}, "the commission's own clerks"
    templates = sorted(n.template for n in await case.notifications())
    assert templates.count("task_reminder") == 2 and "task_escalated" in templates
    assert "no_decision" in await case.events(), "the worker is told they may sue (LDMAL Art. 29)"


async def test_repeated_or_invalid_actions_are_rejected_and_leave_no_trace(harness: Harness) -> None:
    case = await harness.file(wage_arrears(), date(2026, 3, 2))
    await case.task("mediate")
    bad = [
        (
            "mediate",
            "record_agreement",
            {"signed_on": "2026-03-02", "terms": "x", "items": [{"kind": "wages", "amount": "abc"}]},
            "invalid input",
        ),
        ("mediate", "record_failure", {"ended_on": "2027-01-01", "reason": "x"}, "future"),
        ("mediate", "record_failure", {"ended_on": "2026-03-01", "reason": "x"}, "before the application"),
        ("mediate", "approve_award", {}, "not available"),
    ]
    for kind, action, payload, message in bad:
        with pytest.raises(WorkflowUpdateFailedError) as err:
            await case.act(kind, action, payload)
        assert message in str(err.value.cause)
    with pytest.raises(WorkflowUpdateFailedError) as err:
        await case.worker("sue", {"filed_on": "2026-03-02"})
    assert "not open now" in str(err.value.cause)
    child = harness.env.client.get_workflow_handle((await case.task("mediate")).workflow_id)
    for handle in (child, case.handle):
        history = (await handle.fetch_history()).events
        assert not any(e.HasField("workflow_execution_update_accepted_event_attributes") for e in history), "a rejected update left a trace"
    await case.act("mediate", "record_failure", {"ended_on": "2026-03-02", "reason": "用人单位拒不到场"})
    await case.wait_stage(Stage.arbitration_eligible)
    await case.worker("choose_arbitration", {"filed_on": "2026-03-02"})
    with pytest.raises(WorkflowUpdateFailedError) as err:
        await case.worker("choose_arbitration", {"filed_on": "2026-03-02"})
    assert "not open now" in str(err.value.cause)
    await case.act("receive_referral", "accept_referral", {"on": "2026-03-02"})
    await harness.sleep(1)
    await case.act("record_arbitration_acceptance", "record_acceptance", {"decided_on": "2026-03-03", "granted": True})
    task = await case.latest_task("record_arbitration_acceptance")
    repeat = TaskAction(
        task_id=task.task_id,
        action="record_acceptance",
        actor=await harness.actor("mediator"),
        payload={"decided_on": "2026-03-03", "granted": True},
    )
    with pytest.raises(WorkflowUpdateFailedError) as err:
        await harness.env.client.get_workflow_handle(task.workflow_id).execute_update("act", repeat)
    assert "not open" in str(err.value.cause)


async def test_inspection_order_ignored_goes_to_criminal_referral(harness: Harness) -> None:
    """An order to pay 36,000 owed to one worker for 3 months, ignored: above the top of the national
    range (20,000), so the threshold is met in every province (Criminal Law Art. 276-1; 法释〔2013〕3号 Art. 3)."""
    case = await harness.file(wage_arrears(preferred_channel="inspection"), date(2026, 1, 26))
    assert (await case.deadline("acceptance")).due_on == date(2026, 2, 2)  # story 5: D45, 5 working days
    await harness.sleep(4)  # 01-30
    await case.act("record_inspection_acceptance", "record_acceptance", {"decided_on": "2026-01-30", "granted": True})
    await case.act(
        "record_inspection_result",
        "order_to_pay",
        {"ordered_on": "2026-01-30", "pay_by": "2026-02-06", "amount": "36000.00", "worker_count": 1, "months_unpaid": 3},
    )
    await harness.sleep(12)
    await case.act("record_order_outcome", "record_unpaid", {"on": harness.today.isoformat()})
    await case.wait_event("criminal_referral")
    police = await case.task("receive_referral")  # the police's own inbox (tests/workflows/test_criminal_referral.py)
    assert police.role == "police_officer" and police.due_on is not None


async def test_out_of_scope_is_referred_with_the_agency_named(harness: Harness) -> None:
    case = await harness.file(wage_arrears(scope_issue="household_domestic_helper"), date(2026, 3, 2))
    result = await case.result()
    assert result.stage is Stage.closed_out_of_scope and "人民法院" in result.summary_zh


async def test_story6_limitation_warns_but_files(harness: Harness) -> None:
    """Story 6: employment ended 2025-05-09; the year ran out on 2026-05-09 (a make-up working day);
    filing on 2026-05-11 gets a warning, not a refusal."""
    case = await harness.file(wage_arrears(knew_on="2025-05-09", employment_ended_on="2025-05-09"), date(2026, 5, 11))
    await case.wait_event("limitation_warning")
    await case.task("mediate")
    assert (await case.wait_stage(Stage.mediation)).limitation_warning


async def test_worker_withdraws_during_mediation(harness: Harness) -> None:
    case = await harness.file(wage_arrears(), date(2026, 3, 2))
    await case.task("mediate")
    await case.worker("withdraw", {"reason": "已与公司和解"})
    assert (await case.result()).stage is Stage.closed_withdrawn
