"""The lower rungs of a case: mediation (union, enterprise, people's, court-invited), the agreement
and its performance, the payment order on default, the worker's choice of arbitration, labour
inspection, the work-injury determination first, and withdrawal. Each step runs one channel (a
child workflow) or waits for the worker, and returns the next step (None: the case is closed)."""

from __future__ import annotations

from temporalio import workflow

from workflows.dispute_case import DisputeCase
from workflows.dispute_opening import restart_limitation

with workflow.unsafe.imports_passed_through():
    from domain.actions import WorkerActionKind
    from domain.case import MEDIATION_CHANNELS, Channel, Stage
    from domain.catalogue import worker_option
    from domain.records import DeadlineStatus
    from domain.workflow_models import (
        AgreementInput,
        AgreementOutcome,
        AgreementResult,
        DisputeStep,
        InspectionInput,
        InspectionOutcome,
        InspectionResult,
        MediationHistory,
        MediationInput,
        MediationOutcome,
        MediationResult,
        PaymentOrderInput,
        PaymentOrderOutcome,
        PaymentOrderResult,
        WorkInjuryInput,
        WorkInjuryResult,
    )


async def mediation(case: DisputeCase) -> DisputeStep | None:
    channel = case.facts.preferred_channel if case.facts.preferred_channel in MEDIATION_CHANNELS else Channel.union_mediation
    assert channel is not None
    # Received at intake, or later (e.g. after a work-injury determination): decided before the stage changes.
    received = case.facts.filed_on if case.stage is Stage.intake else case.clock.today()
    await case.enter(
        Stage.mediation,
        channel,
        "调解进行中；如不愿调解，可随时申请仲裁",
        "Mediation under way; mediation is voluntary, you may go to arbitration instead",
        (worker_option(WorkerActionKind.refuse_mediation, "不愿调解，改为申请仲裁", "Decline mediation and go to arbitration"),),
    )
    await restart_limitation(case, received, "申请调解", "Mediation applied for")
    limitation = case.kit.deadlines.get("limitation")
    organisation = case.organisation(channel)
    result: MediationResult = await case.child(
        "mediation",
        MediationInput(
            ctx=case.ctx,
            channel=channel,
            received_on=received,
            team_code=case.inp.teams.get(channel.value),
            organisation=organisation,
            limitation=limitation.deadline if limitation else None,
            respondents=case.facts.respondents,
        ),
        MediationResult,
    )
    case.mediation = MediationHistory(
        organisation=organisation, received_on=received, ended_on=result.ended_on, outcome=result.outcome.value, channel=channel.value
    )
    if result.outcome is MediationOutcome.agreement:
        case.carry = case.carry.model_copy(update={"agreement": result.agreement})
        return case.withdrawn_or(DisputeStep.agreement)
    return case.withdrawn_or(DisputeStep.choose_arbitration)


async def agreement(case: DisputeCase) -> DisputeStep | None:
    agreement = case.carry.agreement
    assert agreement is not None
    await case.enter(Stage.agreement, case.channel, "已达成调解协议，正在跟踪履行", "Agreement signed; performance is being tracked")
    result: AgreementResult = await case.child(
        "agreement",
        AgreementInput(
            ctx=case.ctx,
            agreement=agreement,
            channel=case.channel or Channel.union_mediation,
            organisation=case.organisation(case.channel),
        ),
        AgreementResult,
    )
    case.carry = case.carry.model_copy(update={"unpaid": result.unpaid})
    if result.outcome is AgreementOutcome.performed:
        await case.finish(Stage.closed_resolved, "调解协议已履行完毕", "The agreement was performed")
        return None
    if result.outcome is AgreementOutcome.default_confirmed:
        case.carry = case.carry.model_copy(
            update={"title_zh": "经司法确认的调解协议", "title_en": "The confirmed agreement", "effective_on": result.noted_on}
        )
        return DisputeStep.enforcement
    if result.outcome is AgreementOutcome.default_pay:
        return DisputeStep.payment_order
    return DisputeStep.choose_arbitration


async def payment_order(case: DisputeCase) -> DisputeStep | None:
    await case.enter(
        Stage.payment_order,
        Channel.payment_order,
        "用人单位未履行调解协议中的支付义务，已申请支付令",
        "The employer defaulted on payment: a payment order was applied for",
    )
    mediated_by = case.mediation.organisation if case.mediation else case.organisation(Channel.union_mediation)
    result: PaymentOrderResult = await case.child(
        "payment-order",
        PaymentOrderInput(
            ctx=case.ctx,
            applied_on=case.clock.today(),
            amount=case.carry.unpaid or 0,
            agreement=case.carry.agreement,
            organisation=mediated_by,
        ),
        PaymentOrderResult,
    )
    if result.outcome is PaymentOrderOutcome.paid:
        await case.finish(Stage.closed_resolved, "用人单位按支付令清偿", "Paid under the payment order")
        return None
    if result.outcome is PaymentOrderOutcome.enforceable:
        case.carry = case.carry.model_copy(
            update={"title_zh": "支付令", "title_en": "The payment order", "effective_on": result.noted_on}
        )
        return DisputeStep.enforcement
    if result.outcome is PaymentOrderOutcome.objection:
        case.carry = case.carry.model_copy(update={"suit_origin": "payment_order_objection"})
        return DisputeStep.choose_suit
    return DisputeStep.choose_arbitration


async def choose_arbitration(case: DisputeCase) -> DisputeStep | None:
    limitation = case.kit.deadlines.get("limitation")
    last, rule = (limitation.deadline.due, limitation.rule) if limitation else (None, None)
    await case.enter(
        Stage.arbitration_eligible,
        None,
        f"调解未成功，可以申请劳动争议仲裁{f'（建议在{last}前提出）' if last else ''}",
        "Mediation did not settle the dispute: you may apply for arbitration" + (f" (by {last})" if last else ""),
        (worker_option(WorkerActionKind.choose_arbitration, "申请劳动争议仲裁", "Apply for labour dispute arbitration", last, rule),),
    )
    await workflow.wait_condition(lambda: case.choice is not None or case.withdrawn)
    if case.withdrawn:
        return DisputeStep.withdrawn
    assert case.choice is not None
    _, filed_on = case.choice
    case.choice = None
    if "limitation" in case.kit.deadlines and (case.due("limitation") or filed_on) >= filed_on:
        await case.close_deadline("limitation", DeadlineStatus.met)
    case.carry = case.carry.model_copy(update={"arbitration_applied_on": filed_on})
    return DisputeStep.arbitration


async def inspection(case: DisputeCase) -> DisputeStep | None:
    await case.enter(Stage.inspection, Channel.inspection, "已向劳动保障监察机构投诉", "Complaint lodged with labour inspection")
    await restart_limitation(case, case.facts.filed_on, "向劳动保障监察机构投诉", "Complaint to labour inspection")
    total = case.facts.total_claimed
    result: InspectionResult = await case.child(
        "inspection",
        InspectionInput(ctx=case.ctx, complained_on=case.facts.filed_on, amount=total, worker_count=case.facts.worker_count),
        InspectionResult,
    )
    if result.outcome is InspectionOutcome.paid:
        await case.finish(Stage.closed_resolved, "用人单位按监察指令支付", "Paid as ordered by labour inspection")
        return None
    return case.withdrawn_or(DisputeStep.choose_arbitration)


async def work_injury(case: DisputeCase) -> DisputeStep | None:
    await case.enter(Stage.work_injury, Channel.work_injury_determination, "先申请工伤认定", "Work-injury determination first")
    result: WorkInjuryResult = await case.child(
        "work-injury", WorkInjuryInput(ctx=case.ctx, injured_on=case.facts.injured_on or case.facts.knew_on), WorkInjuryResult
    )
    if result.recognised:
        return case.withdrawn_or(DisputeStep.mediation)
    await case.finish(
        Stage.closed_other_route,
        "未认定为工伤，可申请行政复议或提起行政诉讼",
        "Not recognised as a work injury: administrative review or litigation is the route",
    )
    return None


async def withdrawn(case: DisputeCase) -> DisputeStep | None:
    await case.finish(Stage.closed_withdrawn, "劳动者撤回", "Withdrawn by the worker")
    return None
