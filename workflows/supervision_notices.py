"""Issuing notices: the approved draft numbered (文号, gap-free per union, series and year) and
rendered; the reply clock from service; pre-drafting the next notice when the employer does not
reply, refuses the notice or refuses to correct (staff confirm before anything is issued)."""

from __future__ import annotations

from temporalio import workflow

from workflows.supervision_case import SupervisionCase

with workflow.unsafe.imports_passed_through():
    from domain import supervision as sv
    from domain.actions import Actor
    from domain.supervision import MatterPhase
    from domain.supervision_paper import RUNG_CITATION, notice_facts, pre_draft
    from domain.supervision_rules import escalation_target, reply_rule


async def issue(matter: SupervisionCase, draft: sv.Draft, actor: Actor) -> sv.RungRecord:
    """Number, render and store the approved notice; its printed reply date assumes service
    today (the reply clock itself starts at the recorded service)."""
    notice, today = draft.notice, matter.clock.today()
    rule = reply_rule(notice.rung)
    planned = matter.clock.compute(rule, today) if rule else None
    planned = planned if planned is not None and planned.due is not None else None
    opinions = [r for r in matter.rungs if r.rung is sv.Rung.opinion_notice and r.served_on]
    facts = notice_facts(notice, matter.inp, matter.investigation, planned, opinions[-1] if opinions else None, draft.trigger)
    doc_type = sv.NOTICE_DOCUMENTS[notice.rung]
    ref = await matter.document(doc_type, facts, series=f"{matter.inp.team_code}/{doc_type.value}", issued_by=actor.username or "staff")
    matter.signatory = notice.signatory or matter.signatory
    record = sv.RungRecord(
        seq=len(matter.rungs) + 1,
        rung=notice.rung,
        trigger=draft.trigger,
        direct=draft.direct,
        reason=notice.reason,
        drafted_by=draft.drafted_by,
        approved_by=actor.username or "",
        document_id=ref.document_id,
        document_no=ref.document_no,
        issued_on=today,
        reply_rule=planned.rule if planned else None,
        reply_due_on=planned.due if planned else None,
        addressee=str(facts.get("addressee") or matter.inp.employer.name),
    )
    matter.rungs.append(record)
    await matter.record_rung(record)
    await matter.event(
        "notice_issued",
        f"{notice.rung.zh}经{actor.label}审批签发，文号{ref.document_no}",
        f"{notice.rung.value} approved by {actor.label}, issued as {ref.document_no}",
        actor=actor,
        citation=RUNG_CITATION[notice.rung],
        data={"document_id": ref.document_id, "document_no": ref.document_no},
    )
    await matter.tell_cases(
        "supervision_notice",
        f"工会向用人单位发出{notice.rung.zh}（{ref.document_no}）",
        f"The union issued a {notice.rung.value} ({ref.document_no})",
    )
    return record


async def start_reply_clock(matter: SupervisionCase) -> str | None:
    """The reply period runs from service; a later date printed on the notice is honoured."""
    record = matter.current
    refused = record.service_method is sv.ServiceMethod.refused
    if record.reply_rule is None or record.served_on is None or refused:
        return None
    key, printed = f"reply-{record.seq}", record.reply_due_on
    deadline = await matter.set_deadline(key, record.reply_rule, record.served_on)
    if printed is not None and deadline.due is not None and deadline.due < printed:
        deadline = await matter.extend_deadline(
            key,
            printed,
            "文书载明的答复期限{due}晚于依法计算的日期，以文书载明为准",
            "The notice printed {due}, later than the computed date: the printed date applies",
        )
    await matter.update_current(reply_due_on=deadline.due)
    return key


async def escalate(matter: SupervisionCase, trigger: sv.Trigger) -> MatterPhase:
    """Pre-draft the next notice for staff to confirm, or hand the choice to staff."""
    target = escalation_target(matter.current.rung)
    if target is None or (target is sv.Rung.opinion_notice and matter.investigation is None):
        await matter.event(
            "escalation_needs_staff",
            "请工作人员决定下一步（发意见书前须先记录调查）",
            "Staff decide the next step (record the investigation before an opinion notice)",
        )
        return MatterPhase.decide
    notice = pre_draft(target, matter.signatory)
    matter.draft = sv.Draft(notice=notice, drafted_by="system", trigger=trigger)
    await matter.event(
        "notice_pre_drafted",
        f"系统已起草{target.zh}，待工会工作人员确认后签发",
        f"The system drafted a {target.value}; union staff confirm before issue",
    )
    return MatterPhase.approve
