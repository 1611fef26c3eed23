"""The facts each case document needs, built from workflow state (pure; no personal data: the
render activity joins in the parties). One function per document the dispute workflows issue."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from domain.actions import AgreementTerms, SessionRecord
from domain.deadlines import Deadline
from domain.regions import Agency, region

MEDIATION_OUTCOME_ZH = {"failed": "调解不成", "expired": "调解期限届满未达成协议", "refused": "一方不愿调解", "withdrawn": "申请人撤回"}


def org(name: str, abbr: str | None = None) -> dict[str, Any]:
    return {"name": name, "abbr": abbr}


def agency(region_code: str, kind: str) -> dict[str, Any]:
    found: Agency = region(region_code).agency(kind)
    return org(found.name, found.abbr)


def deadline_note(deadline: Deadline) -> dict[str, Any] | None:
    if deadline.due is None:
        return None
    return {"due_on": deadline.due.isoformat(), "explanation_zh": deadline.explanation_zh, "rule_id": deadline.rule}


def receipt(access_code: str, receiving_org: str, received_on: date, status_url: str, first: Deadline | None) -> dict[str, Any]:
    notes = ["请妥善保管查询码，凭案件编号和查询码查询办理进度。", "查询码仅本人使用，请勿告知他人。"]
    return {
        "access_code": access_code,
        "receiving_org": org(receiving_org),
        "received_on": received_on.isoformat(),
        "status_url": status_url,
        "next_deadline": deadline_note(first) if first else None,
        "notes": notes,
    }


def mediation_application(organisation: str) -> dict[str, Any]:
    return {"mediation_org": org(organisation)}


def arbitration_application(region_code: str, mediation: tuple[str, date, date, str] | None) -> dict[str, Any]:
    facts: dict[str, Any] = {"commission": agency(region_code, "arbitration_commission")}
    if mediation is not None:
        name, applied, ended, outcome = mediation
        facts["mediation"] = {
            "org_name": name,
            "applied_on": applied.isoformat(),
            "ended_on": ended.isoformat(),
            "outcome_zh": MEDIATION_OUTCOME_ZH.get(outcome, outcome),
        }
    return facts


def legal_aid_application(region_code: str, proceeding_zh: str, without_means_test: bool) -> dict[str, Any]:
    exempt = "申请支付劳动报酬的进城务工人员，依《法律援助法》第四十二条第三项免予核查经济困难状况" if without_means_test else None
    return {
        "legal_aid_org": agency(region_code, "legal_aid_centre"),
        "aid_matter_zh": "劳动争议调解、仲裁代理",
        "proceeding_zh": proceeding_zh,
        "means_test_exempt_reason_zh": exempt,
    }


def evidence_list(submitted_to: str, proceeding_zh: str) -> dict[str, Any]:
    return {"submitted_to": org(submitted_to), "proceeding_zh": proceeding_zh}


def mediation_agreement(organisation: str, mediator: str, terms: AgreementTerms) -> dict[str, Any]:
    return {
        "mediation_org": org(organisation),
        "mediator": mediator,
        "dispute_summary": terms.terms,
        "terms": [terms.terms],
        "signed_on": terms.signed_on.isoformat(),
        "total_amount": str(terms.total),
        "instalments": [{"amount": str(i.amount), "due_on": i.due_on.isoformat()} for i in terms.instalments],
    }


def termination_notice(
    organisation: str, mediator: str, received_on: date, ended_on: date, reason: str, region_code: str, limitation: Deadline | None
) -> dict[str, Any]:
    note = f"请注意仲裁时效，建议在{limitation.due}前申请仲裁。{limitation.explanation_zh}" if limitation and limitation.due else None
    return {
        "mediation_org": org(organisation),
        "mediator": mediator,
        "received_on": received_on.isoformat(),
        "ended_on": ended_on.isoformat(),
        "reason_zh": reason,
        "arbitration_commission": agency(region_code, "arbitration_commission"),
        "limitation_note_zh": note,
    }


def judicial_confirmation(court: str, organisation: str, terms: AgreementTerms, apply_by: Deadline) -> dict[str, Any]:
    return {
        "court": org(court),
        "mediation_org": org(organisation),
        "agreement_signed_on": terms.signed_on.isoformat(),
        "terms": [terms.terms],
        "apply_by": deadline_note(apply_by),
    }


def mediation_record(organisation: str, mediator: str, record: SessionRecord, session_no: int) -> dict[str, Any]:
    started = datetime.combine(record.held_on, time(9, 0))
    return {
        "mediation_org": org(organisation),
        "mediator": mediator,
        "recorder": mediator,
        "started_at": started.isoformat(),
        "place": organisation,
        "attendees": [{"role_zh": "到场人员", "name": record.attendees}],
        "entries": [{"speaker_zh": "调解员", "text": record.summary}],
        "outcome_zh": f"第{session_no}次调解，记录如上。",
    }


def payment_order_application(region_code: str, organisation: str, terms: AgreementTerms, amount: Any, paid: Any) -> dict[str, Any]:
    due = max((i.due_on for i in terms.instalments), default=terms.signed_on)
    return {
        "court": agency(region_code, "basic_court"),
        "agreement": {"mediation_org_name": organisation, "signed_on": terms.signed_on.isoformat(), "terms_zh": terms.terms},
        "amount_claimed": str(amount),
        "performance_due_on": due.isoformat(),
        "amount_paid": str(paid),
    }


def case_transfer(sender: str, receiver: str, kind_zh: str, reason_zh: str, basis: str, acknowledge_by: date,
                  decision_zh: str | None, attachments: list[str]) -> dict[str, Any]:
    """The transfer letter of a referral: who sends what to whom, why, and by when to acknowledge it."""
    return {
        "issuer": org(sender),
        "addressee": receiver,
        "kind_zh": kind_zh,
        "reason_zh": reason_zh,
        "basis": basis,
        "acknowledge_by": acknowledge_by.isoformat(),
        "decision_zh": decision_zh,
        "attachments": attachments,
    }


def mediation_invitation(organisation: str, respondent_name: str, role_zh: str, received_on: date, answer_due: date,
                         basis: str) -> dict[str, Any]:
    """调解邀请函 to one respondent, for post."""
    return {"issuer": org(organisation), "addressee": respondent_name, "role_zh": role_zh, "received_on": received_on.isoformat(),
            "answer_due": answer_due.isoformat(), "basis": basis.split(" / ")[0]}


def sitting_notice(organisation: str, kind_zh: str, starts_at: datetime, minutes: int, where: str, summoned: list[str],
                   basis: str, consequence_zh: str | None, changed_zh: str | None) -> dict[str, Any]:
    """调解、开庭通知书 to every party summoned (the addressee line names them all)."""
    return {"issuer": org(organisation), "addressee": "申请人、被申请人", "kind_zh": kind_zh,
            "starts_at": starts_at.strftime("%Y-%m-%d %H:%M"), "minutes": minutes, "place": where, "summoned": summoned,
            "basis": basis.split(" / ")[0], "consequence_zh": consequence_zh, "changed_zh": changed_zh}
