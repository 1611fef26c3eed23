"""The employer's answers and what follows: replies (recorded by staff or sent through the reply
link), staff decisions on them, escalation to the local people's government (Trade Union Law
Art. 23), the agencies' responses, and closing the matter."""

from __future__ import annotations

from types import MappingProxyType

from temporalio import workflow

from workflows.kit.actions import action
from workflows.kit.tasks import OpenTask
from workflows.supervision_case import SupervisionCase

with workflow.unsafe.imports_passed_through():
    from domain import supervision as sv
    from domain.actions import ActionResult, Actor
    from domain.catalogue import Supervision
    from domain.regions import region
    from domain.supervision_paper import RUNG_CITATION
    from domain.supervision_rules import check_entry

REPLY_ZH = MappingProxyType({"rectified": "已整改", "disputed": "有异议", "refused": "拒不改正"})


async def take_reply(matter: SupervisionCase, reply: sv.ReplyRecord, source: str, actor: Actor) -> ActionResult:
    record = await matter.update_current(replied_on=reply.received_on, reply_kind=reply.kind, reply_source=source)
    await matter.event(
        "reply_received",
        f"用人单位答复{record.rung.zh}：{REPLY_ZH[reply.kind.value]}",
        f"The employer replied to {record.document_no}: {reply.kind.value}",
        actor=actor,
        on=reply.received_on,
        data={"kind": reply.kind.value, "source": source, "attachments": list(reply.attachment_ids)},
    )
    matter.reply = (reply, source)
    return ActionResult(message_zh="已记录答复", message_en="Reply recorded")


@action(Supervision.record_reply)
async def record_reply(matter: SupervisionCase, task: OpenTask, reply: sv.ReplyRecord, actor: Actor) -> ActionResult:
    return await take_reply(matter, reply, "staff", actor)


@action(Supervision.decide_reply)
async def decide_reply(matter: SupervisionCase, task: OpenTask, decision: sv.ReplyDecision, actor: Actor) -> ActionResult:
    await matter.update_current(reply_accepted=decision.accept)
    zh = "工会采纳用人单位的答复" if decision.accept else "工会认为用人单位答复理由不成立"
    await matter.event(
        "reply_decided",
        f"{zh}：{decision.reason}",
        f"Reply {'accepted' if decision.accept else 'rejected'}: " + decision.reason,
        actor=actor,
        on=decision.decided_on,
    )
    matter.decision = decision
    return ActionResult(message_zh=zh, message_en="Decision recorded")


@action(Supervision.escalate_government)
async def escalate_government(matter: SupervisionCase, task: OpenTask, payload: sv.GovernmentEscalation, actor: Actor) -> ActionResult:
    state = matter.ladder()
    government = region(matter.inp.region).agency("people_government").name
    record = sv.RungRecord(
        seq=len(matter.rungs) + 1,
        rung=sv.Rung.government_escalation,
        reason=payload.reason,
        direct=check_entry(sv.Rung.government_escalation, state, payload.reason).direct,
        trigger=sv.Trigger.not_rectified if state.level >= 3 else sv.Trigger.refused,
        drafted_by=actor.username or "",
        issued_on=payload.on,
        served_on=payload.on,
        addressee=government,
    )
    matter.rungs.append(record)
    await matter.record_rung(record)
    await matter.event(
        "government_escalation",
        f"提请{government}依法处理：{payload.grounds}",
        "Asked the local people's government to deal with the refusal",
        actor=actor,
        on=payload.on,
        citation=RUNG_CITATION[sv.Rung.government_escalation],
    )
    await matter.tell_cases("supervision_government", f"工会已提请{government}依法处理", "The union asked the local government to act")
    matter.escalation = payload
    return ActionResult(message_zh=f"已提请{government}处理", message_en="Escalated to the government")


@action(Supervision.record_response)
async def record_response(matter: SupervisionCase, task: OpenTask, response: sv.AgencyResponse, actor: Actor) -> ActionResult:
    said = response.remarks or ("已整改" if response.rectified else "未整改")
    await matter.event(
        "agency_response",
        f"{task.title_zh}：{said}",
        f"Response recorded (rectified: {response.rectified})",
        actor=actor,
        on=response.decided_on,
    )
    matter.response = response
    return ActionResult(message_zh="已记录", message_en="Recorded")


@action(Supervision.close_matter)
async def close_matter(matter: SupervisionCase, task: OpenTask, payload: sv.CloseMatter, actor: Actor) -> ActionResult:
    matter.closing = (payload.outcome, payload.reason, payload.reason)
    return ActionResult(message_zh="事项已办结", message_en="Matter closed")
