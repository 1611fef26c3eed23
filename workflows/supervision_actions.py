"""What union legal staff do on a matter, each a validated `act` Update: record the investigation,
draft a notice (entering a rung directly needs a reason), approve it (another staff member: the
two-person rule), record service, replies and decisions, escalate to the government, close."""

from __future__ import annotations

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

from workflows import supervision_notices as notices
from workflows.kit.actions import action
from workflows.kit.tasks import OpenTask
from workflows.supervision_case import SupervisionCase

with workflow.unsafe.imports_passed_through():
    from domain import supervision as sv
    from domain.actions import ActionResult, Actor
    from domain.catalogue import Supervision
    from domain.records import TaskStatus
    from domain.supervision_paper import RUNG_CITATION, draft_problem
    from domain.supervision_rules import check_entry, transfer_conditions

STAFF_CLOSES = (sv.MatterOutcome.no_violation, sv.MatterOutcome.rectified, sv.MatterOutcome.reply_accepted, sv.MatterOutcome.closed_other)
TWO_PERSON = (
    "起草人不能审批自己起草的文书，请由另一名工会工作人员审批 / the drafter may not "
    "approve their own draft: another union staff member must approve it"
)


def draft_problem_of(matter: SupervisionCase, notice: sv.NoticeDraft, action_name: str) -> str | None:
    same = matter.draft is not None and matter.draft.notice.rung is notice.rung
    if action_name == "revise_draft" and not same:
        return "只能修改同一级文书，否则请先撤回 / revise the same notice or withdraw it"
    problem = check_entry(notice.rung, matter.ladder(), notice.reason).problem
    if problem is None and notice.transfer is not None:
        conditions = transfer_conditions(notice.transfer)
        problem = None if conditions.met else f"{conditions.zh} / {conditions.en}"
    return problem or draft_problem(notice, matter.investigation, matter.signatory is not None)


def dates_after_issue(matter: SupervisionCase, payload: object) -> str | None:
    issued = matter.rungs[-1].issued_on if matter.rungs else None
    served = matter.rungs[-1].served_on if matter.rungs else None
    if isinstance(payload, sv.ServiceRecord) and issued and payload.served_on < issued:
        return f"送达日期不能早于签发日期{issued} / service cannot precede issue on {issued}"
    if isinstance(payload, sv.ReplyRecord) and served and payload.received_on < served:
        return f"答复日期不能早于送达日期{served} / a reply cannot precede service on {served}"
    return None


@action(Supervision.record_investigation)
async def record_investigation(matter: SupervisionCase, task: OpenTask, record: sv.InvestigationRecord, actor: Actor) -> ActionResult:
    matter.investigation = record
    await matter.event(
        "investigation",
        f"{'、'.join(record.supervisors)}完成调查，查明{len(record.findings)}项事实",
        f"{len(record.supervisors)} supervisors: {len(record.findings)} facts",
        actor=actor,
        on=record.completed_on,
        citation=RUNG_CITATION[sv.Rung.investigation],
    )
    if not record.employer_cooperated:
        await matter.event(
            "employer_not_cooperating",
            f"用人单位不配合调查：{record.non_cooperation_note}",
            "The employer did not cooperate with the investigation",
            actor=actor,
            on=record.completed_on,
            citation="《浙江省工会劳动法律监督条例》第二十条、第二十七条",
        )
    return ActionResult(message_zh="已记录调查", message_en="Investigation recorded")


@action(Supervision.draft_notice)
async def draft_notice(matter: SupervisionCase, task: OpenTask, notice: sv.NoticeDraft, actor: Actor) -> ActionResult:
    direct = check_entry(notice.rung, matter.ladder(), notice.reason).direct
    await matter.event(
        "notice_drafted",
        f"{actor.label}起草{notice.rung.zh}，待另一名工作人员审批",
        f"{actor.label} drafted a {notice.rung.value} for another to approve",
        actor=actor,
    )
    if direct:
        await matter.event(
            "rung_entered_directly",
            f"直接进入“{notice.rung.zh}”，理由：{notice.reason}",
            f"'{notice.rung.value}' entered directly: {notice.reason}",
            actor=actor,
        )
    matter.draft = sv.Draft(notice=notice, drafted_by=actor.username or "", direct=direct)
    return ActionResult(message_zh=f"{notice.rung.zh}草稿已提交审批", message_en="Draft sent for approval")


@action(Supervision.revise_draft)
async def revise_draft(matter: SupervisionCase, task: OpenTask, notice: sv.NoticeDraft, actor: Actor) -> ActionResult:
    assert matter.draft is not None
    matter.draft = matter.draft.model_copy(update={"notice": notice, "drafted_by": actor.username or ""})
    task.data = {**task.data, "draft": matter.draft.model_dump(mode="json")}
    await matter._record_task(task)
    await matter.event("draft_revised", f"{actor.label}修改了{notice.rung.zh}草稿", "Draft revised", actor=actor)
    return ActionResult(message_zh="草稿已修改，须由另一名工作人员审批", message_en="Draft revised")


@action(Supervision.withdraw_draft)
async def withdraw_draft(matter: SupervisionCase, task: OpenTask, payload: sv.DraftWithdrawal, actor: Actor) -> ActionResult:
    await matter.event("draft_withdrawn", f"草稿撤回：{payload.reason}", f"Draft withdrawn: {payload.reason}", actor=actor)
    matter.draft, matter.withdrawn = None, True
    return ActionResult(message_zh="草稿已撤回", message_en="Draft withdrawn")


@action(Supervision.approve_notice)
async def approve_notice(matter: SupervisionCase, task: OpenTask, approval: sv.Approval, actor: Actor) -> ActionResult:
    assert matter.draft is not None
    try:
        record = await notices.issue(matter, matter.draft, actor)
    except ActivityError as exc:
        task.status = TaskStatus.open  # nothing was issued: approval may be given again
        cause = getattr(exc.cause, "message", None) or str(exc)
        raise ApplicationError(f"文书未能生成 / the notice could not be generated: {cause}", non_retryable=True) from None
    matter.draft, matter.issued_seq = None, record.seq
    return ActionResult(
        message_zh=f"已签发，文号{record.document_no}",
        message_en=f"Issued as {record.document_no}",
        document_ids=(record.document_id,) if record.document_id else (),
    )


@action(Supervision.record_service)
async def record_service(matter: SupervisionCase, task: OpenTask, service: sv.ServiceRecord, actor: Actor) -> ActionResult:
    record = await matter.update_current(served_on=service.served_on, service_method=service.method)
    refused = service.method is sv.ServiceMethod.refused
    zh = f"{record.rung.zh}（{record.document_no}）于{service.served_on}"
    zh += "被拒收" if refused else "送达"
    await matter.event(
        "notice_refused" if refused else "notice_served",
        zh,
        f"{record.document_no} {'refused' if refused else 'served'} on {service.served_on} ({service.method.value})",
        actor=actor,
        on=service.served_on,
    )
    matter.served = True
    return ActionResult(message_zh=zh, message_en="Service recorded")
