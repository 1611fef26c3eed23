"""What follows what on the ladder: each step opens one union task, waits, and returns the next
step. A missed reply period (Zhejiang P18 Art. 23 (2)), a refused notice (23 (1)) or a refused
correction (23 (3)) pre-draft the next notice; union staff confirm before anything is issued."""

from __future__ import annotations

from temporalio import workflow

from workflows import supervision_notices as notices
from workflows.supervision_case import SupervisionCase

with workflow.unsafe.imports_passed_through():
    from domain import supervision as sv
    from domain.catalogue import Supervision
    from domain.ids import supervision_workflow_id
    from domain.records import DeadlineStatus
    from domain.supervision import MatterPhase

GOVERNMENT_DAYS = 30  # service level: the law sets the government no period (TUL Art. 23)
PROCURATORATE_DAYS = 10  # service level for the procuratorate's answer (rules 10.1, [L])
DECIDE = (Supervision.record_investigation, Supervision.draft_notice, Supervision.escalate_government, Supervision.close_matter)
OUTCOME_RECTIFIED = (sv.MatterOutcome.rectified, "用人单位已整改并提供证明", "Rectified, with proof")


async def decide(matter: SupervisionCase) -> MatterPhase:
    zh, en = ("调查并决定下一步", "Investigate and decide the next step")
    if matter.investigation is not None:
        zh, en = ("决定下一步：起草文书、提请政府处理或结案", "Decide: draft, escalate or close")
    await matter.wait_task("decide_next", zh, en, DECIDE, lambda: matter.draft is not None or matter.escalation is not None)
    return MatterPhase.closed if matter.closing else MatterPhase.government if matter.escalation else MatterPhase.approve


async def approve(matter: SupervisionCase) -> MatterPhase:
    assert matter.draft is not None
    rung, before = matter.draft.notice.rung, matter.issued_seq
    matter.withdrawn = False
    await matter.wait_task(
        "approve_notice",
        f"审批{rung.zh}（须由起草人以外的工作人员审批）",
        f"Approve the {rung.value} (not by its drafter)",
        (Supervision.approve_notice, Supervision.revise_draft, Supervision.withdraw_draft),
        lambda: matter.issued_seq > before or matter.withdrawn,
        data={"draft": matter.draft.model_dump(mode="json")},
    )
    return MatterPhase.closed if matter.closing else MatterPhase.decide if matter.withdrawn else MatterPhase.serve


async def serve(matter: SupervisionCase) -> MatterPhase:
    record, matter.served = matter.current, False
    await matter.wait_task(
        "record_service",
        f"记录{record.rung.zh}（{record.document_no}）的送达",
        f"Record service of {record.document_no}",
        (Supervision.record_service,),
        lambda: matter.served,
    )
    record = matter.current
    if matter.closing:
        return MatterPhase.closed
    if record.rung is sv.Rung.lead_transfer:
        return MatterPhase.procuratorate
    if record.rung is sv.Rung.recommendation_notice:
        return MatterPhase.referral
    refused = record.service_method is sv.ServiceMethod.refused
    if record.rung is sv.Rung.opinion_notice and refused:
        return await notices.escalate(matter, sv.Trigger.refused_receipt)
    return MatterPhase.await_reply


async def await_reply(matter: SupervisionCase) -> MatterPhase:
    matter.reply = None
    key = await notices.start_reply_clock(matter)
    record = matter.current
    due = f"（{record.reply_due_on}前）" if key else "（无答复期限）"
    actions = (Supervision.record_reply, Supervision.close_matter) + (() if key else (Supervision.draft_notice,))
    await matter.wait_task(
        "await_reply",
        f"等待用人单位答复{record.rung.zh}{due}",
        f"Await the reply to {record.document_no}",
        actions,
        lambda: matter.reply is not None or matter.draft is not None,
        deadline_key=key,
    )
    if key:
        await matter.close_deadline(key, DeadlineStatus.met if matter.reply else DeadlineStatus.missed)
    if matter.closing:
        return MatterPhase.closed
    if matter.draft is not None:
        return MatterPhase.approve
    if matter.reply is None:
        await matter.event(
            "reply_overdue",
            f"{record.rung.zh}答复期限{record.reply_due_on}届满，未答复",
            f"No reply to {record.document_no} by {record.reply_due_on}",
            citation="《浙江省工会劳动法律监督条例》第二十三条 / ZJ P18 Art. 23",
        )
        return await notices.escalate(matter, sv.Trigger.no_reply)
    reply, source = matter.reply
    if source == "staff" and reply.kind is sv.ReplyKind.rectified:
        matter.closing = OUTCOME_RECTIFIED
        return MatterPhase.closed
    if source == "staff" and reply.kind is sv.ReplyKind.refused:
        return await notices.escalate(matter, sv.Trigger.refused)
    return MatterPhase.review_reply


async def review_reply(matter: SupervisionCase) -> MatterPhase:
    assert matter.reply is not None
    reply, source = matter.reply
    matter.decision = None
    await matter.wait_task(
        "decide_reply",
        "审查用人单位的答复并作出决定",
        "Decide on the reply",
        (Supervision.decide_reply, Supervision.close_matter),
        lambda: matter.decision is not None,
        data={"reply": reply.model_dump(mode="json"), "source": source},
    )
    if matter.closing or matter.decision is None:
        return MatterPhase.closed
    if matter.decision.accept:
        reason = matter.decision.reason
        matter.closing = (
            OUTCOME_RECTIFIED
            if reply.kind is sv.ReplyKind.rectified
            else (sv.MatterOutcome.reply_accepted, f"工会采纳答复：{reason}", f"Reply accepted: {reason}")
        )
        return MatterPhase.closed
    refused = reply.kind is sv.ReplyKind.refused
    return await notices.escalate(matter, sv.Trigger.refused if refused else sv.Trigger.reply_rejected)


async def referral(matter: SupervisionCase) -> MatterPhase:
    """The recommendation notice opens the department's handling (a child workflow)."""
    notice = matter.current
    assert notice.served_on is not None and notice.document_no is not None
    matter.children += 1
    matter.rungs.append(
        sv.RungRecord(
            seq=len(matter.rungs) + 1,
            rung=sv.Rung.inspection_referral,
            trigger=notice.trigger,
            issued_on=notice.served_on,
            served_on=notice.served_on,
            addressee=notice.addressee,
        )
    )
    await matter.record_rung(matter.current)
    inp = matter.inp
    referral = sv.ReferralInput(
        matter_no=inp.matter_no,
        team_code=inp.team_code,
        region=inp.region,
        jurisdiction=inp.jurisdiction,
        department=notice.addressee,
        notice_no=notice.document_no,
        served_on=notice.served_on,
        printed_due=notice.reply_due_on,
        calendar_years=inp.calendar_years,
        shift_days=inp.shift_days,
    )
    result: sv.ReferralResult = await workflow.execute_child_workflow(
        "supervision-referral",
        referral,
        result_type=sv.ReferralResult,
        id=f"{supervision_workflow_id(inp.matter_no)}/referral/{matter.children}",
    )
    if result.outcome is sv.ReferralOutcome.rectified:
        matter.closing = (
            sv.MatterOutcome.rectified_after_inspection,
            "经劳动保障监察处理，用人单位已改正",
            "Rectified after labour inspection",
        )
        return MatterPhase.closed
    return MatterPhase.decide


async def government(matter: SupervisionCase) -> MatterPhase:
    assert matter.escalation is not None
    key = f"government-{matter.current.seq}"
    await matter.set_service_deadline(key, matter.escalation.on, GOVERNMENT_DAYS, "人民政府依法处理", "The government acts")
    matter.response = None
    await matter.wait_task(
        "record_government_response",
        "记录人民政府的处理情况",
        "Record what the government did",
        (Supervision.record_response, Supervision.close_matter),
        lambda: matter.response is not None,
        deadline_key=key,
    )
    await matter.close_deadline(key, DeadlineStatus.met)
    matter.escalation = None
    if matter.closing is None and matter.response is not None and matter.response.rectified:
        matter.closing = (sv.MatterOutcome.government_handled, "经人民政府处理，用人单位已改正", "Rectified after the government acted")
    return MatterPhase.closed if matter.closing else MatterPhase.decide


async def procuratorate(matter: SupervisionCase) -> MatterPhase:
    record = matter.current
    assert record.served_on is not None
    key = f"procuratorate-{record.seq}"
    await matter.set_service_deadline(
        key, record.served_on, PROCURATORATE_DAYS, "检察机关审查移送的线索", "The procuratorate reviews the lead"
    )
    matter.response = None
    await matter.wait_task(
        "record_procuratorate_decision",
        "记录检察机关对移送线索的处理",
        "Record the procuratorate's decision",
        (Supervision.record_response,),
        lambda: matter.response is not None,
        deadline_key=key,
    )
    await matter.close_deadline(key, DeadlineStatus.met)
    remarks = f"：{matter.response.remarks}" if matter.response and matter.response.remarks else ""
    matter.closing = (sv.MatterOutcome.transferred, f"线索已移送检察机关{remarks}", "The lead went to the procuratorate")
    return MatterPhase.closed
