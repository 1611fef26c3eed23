"""Opening a case: its receipt, scope (LDMAL Art. 2: an out-of-scope matter is closed with the
agency that handles it named), limitation (Art. 27, a warning, never a refusal) and triage to the
first channel, lowest level first (legal aid alongside when asked or for a work injury)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from types import MappingProxyType

from temporalio import workflow

from workflows.dispute_case import DisputeCase

with workflow.unsafe.imports_passed_through():
    from domain import paperwork
    from domain.case import Channel, Stage
    from domain.documents import DocumentType
    from domain.limitation import assess_limitation
    from domain.records import DeadlineStatus
    from domain.routing import triage
    from domain.scope import check_scope
    from domain.workflow_models import DisputeStep

FIRST_STEP: Mapping[Channel, DisputeStep] = MappingProxyType({
    Channel.union_mediation: DisputeStep.mediation,
    Channel.enterprise_committee: DisputeStep.mediation,
    Channel.peoples_mediation: DisputeStep.mediation,
    Channel.court_mediation: DisputeStep.mediation,
    Channel.arbitration: DisputeStep.arbitration,
    Channel.inspection: DisputeStep.inspection,
    Channel.litigation: DisputeStep.litigation,
    Channel.work_injury_determination: DisputeStep.work_injury,
})


async def open_case(case: DisputeCase) -> DisputeStep | None:
    facts = case.facts
    receiving = case.inp.team_names.get(case.inp.team_code or "", "劳动争议调解中心")
    receipt = await case.document(
        DocumentType.case_receipt, paperwork.receipt(case.inp.access_code, receiving, facts.filed_on, case.inp.status_url, None)
    )
    await case.event(
        "case_opened",
        f"案件{facts.case_no}已受理登记",
        f"Case {facts.case_no} registered",
        on=facts.filed_on,
        data={"receipt_document_id": receipt.document_id},
    )
    scope = check_scope(facts.scope_issue)
    if not scope.in_scope:
        await case.event(
            "out_of_scope",
            f"不属于劳动争议，{scope.advice_zh}",
            f"Not a labour dispute. {scope.advice_en}",
            citation=scope.basis,
        )
        await case.close(
            Stage.closed_out_of_scope,
            scope.advice_zh,
            scope.advice_en,
        )
        return None
    await check_limitation(case)
    case.plan = plan = triage(facts)
    for reason in plan.reasons:
        await case.event("triage", reason.zh, reason.en, citation=reason.citation)
    if facts.wants_legal_aid or plan.first is Channel.work_injury_determination:
        await case.start_legal_aid()
    return FIRST_STEP[plan.first]


async def check_limitation(case: DisputeCase) -> None:
    facts = case.facts
    assessment = assess_limitation(
        facts.category.value,
        facts.knew_on,
        still_employed=facts.still_employed,
        employment_ended_on=facts.employment_ended_on,
        today=facts.filed_on,
        jurisdiction=facts.jurisdiction,
        calendar=case.clock.calendar,
    )
    case.limitation_warning = assessment.time_barred
    if assessment.deadline is not None:
        rule = assessment.deadline.rule
        start = assessment.deadline.from_
        await case.set_deadline("limitation", rule, start)
    await case.event(
        "limitation_warning" if assessment.time_barred else "limitation",
        assessment.message_zh,
        assessment.message_en,
        citation="《劳动争议调解仲裁法》第二十七条 / LDMAL Art. 27",
    )


async def restart_limitation(case: DisputeCase, on: date, zh: str, en: str) -> None:
    """A request for relief (mediation, a complaint to an authority) restarts the limitation year
    from that day, if it came in time (LDMAL Art. 27 ¶2, 中断)."""
    entry = case.kit.deadlines.get("limitation")
    if entry is None or entry.status is not DeadlineStatus.pending or entry.deadline.due is None or on > entry.deadline.due:
        return
    restarts = (*entry.options.get("restarts", ()), on)
    entry.options = {**entry.options, "restarts": restarts}
    entry.deadline = case.clock.compute(entry.rule, entry.start, restarts=restarts)
    await case._record_deadline(entry)
    await case.event(
        "limitation_restarted",
        f"{zh}，仲裁时效中断，自{on}起重新计算至{entry.deadline.due}",
        f"{en}: the limitation restarts from {on}, now ending on {entry.deadline.due}",
        citation="《劳动争议调解仲裁法》第二十七条第二款 / LDMAL Art. 27 ¶2",
        on=on,
    )
