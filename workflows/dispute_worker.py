"""The worker's own actions on their case (the `worker-act` Update, after its validator): decline
mediation, choose arbitration, sue, apply for legal aid, add evidence, withdraw, report an
enforcement application."""

from __future__ import annotations

from typing import Any

from temporalio import workflow

from workflows.dispute_case import DisputeCase

with workflow.unsafe.imports_passed_through():
    from domain import paperwork
    from domain.actions import ActionResult, SuitFiled, WorkerActionKind
    from domain.case import Stage
    from domain.documents import DocumentType
    from domain.workflow_models import (
        ArbitrationOutcome,
        MediationOutcome,
    )


async def refuse_mediation(case: DisputeCase, _: Any) -> ActionResult:
    await case.signal_current("end-mediation", MediationOutcome.refused)
    await case.event(
        "mediation_refused",
        "劳动者不愿继续调解",
        "The worker declined mediation",
        citation="《劳动争议调解仲裁法》第五条 / LDMAL Art. 5",
    )
    return ActionResult(message_zh="已结束调解，可以申请仲裁", message_en="Mediation ended; you may apply for arbitration")


async def choose_arbitration(case: DisputeCase, payload: Any) -> ActionResult:
    case.take_option(WorkerActionKind.choose_arbitration)
    case.choice = ("arbitration", payload.filed_on or case.clock.today())
    return ActionResult(message_zh="已提交仲裁申请", message_en="Arbitration application submitted")


async def sue(case: DisputeCase, payload: SuitFiled) -> ActionResult:
    case.take_option(WorkerActionKind.sue)
    case.choice = ("sue", payload.filed_on)
    if case.stage is Stage.post_award:
        await case.signal_current("record-suit", payload)
    elif case.stage is Stage.arbitration:
        await case.signal_current("end-arbitration", ArbitrationOutcome.late_award)
    return ActionResult(message_zh="已记录起诉", message_en="Suit recorded")


async def apply_legal_aid(case: DisputeCase, _: Any) -> ActionResult:
    await case.start_legal_aid()
    if workflow.patched("worker-options-after-legal-aid"):
        await case.record_status()  # the projection drops "apply for legal aid" at once
    return ActionResult(message_zh="已提交法律援助申请", message_en="Legal aid applied for")


async def add_evidence(case: DisputeCase, payload: Any) -> ActionResult:
    doc = await case.document(
        DocumentType.evidence_list, paperwork.evidence_list(case.organisation(case.channel), case.proceeding_zh())
    )
    await case.event("evidence_added", "劳动者补充证据", "The worker added evidence", data={"evidence_id": payload.evidence_id})
    return ActionResult(
        message_zh="证据已补充，证据清单已更新", message_en="Evidence added; evidence list updated", document_ids=(doc.document_id,)
    )


async def withdraw(case: DisputeCase, payload: Any) -> ActionResult:
    case.withdrawn = True
    if case.stage is Stage.mediation:
        await case.signal_current("end-mediation", MediationOutcome.withdrawn)
    if case.stage is Stage.arbitration:
        await case.signal_current("end-arbitration", ArbitrationOutcome.withdrawn)
    await case.event("withdrawn", f"劳动者撤回：{payload.reason}", "The worker withdrew")
    return ActionResult(message_zh="已撤回", message_en="Withdrawn")


async def apply_enforcement(case: DisputeCase, payload: Any) -> ActionResult:
    await case.signal_current("apply-enforcement", payload.on)
    return ActionResult(message_zh="已记录执行申请", message_en="Enforcement application recorded")
