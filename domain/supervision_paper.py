"""The facts of each supervision notice (domain.document_facts models), from the matter's state.

Pure: the workflow passes what it knows (issuer, investigation, draft, deadline) and gets the facts
dict the `render-document` activity validates. The employer's particulars are joined in by the
activity from the matter row (context loader for `matter:` subjects). Legal bases are citations;
the violated provisions are quoted from the shipped statute texts.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.deadlines import Deadline
from domain.regions import region
from domain.statutes import article_label_zh, article_text, get_law
from domain.supervision import (
    InvestigationRecord,
    NoticeDraft,
    Rung,
    RungRecord,
    Signatory,
    SupervisionInput,
    Trigger,
    ViolatedArticle,
)
from domain.supervision_rules import SPP_ACFTU_2024

BASIS: dict[Rung, tuple[tuple[str, str], ...]] = {
    Rung.reminder_letter: (("TUL", "23"),),
    Rung.opinion_notice: (("TUL", "23"), ("TUL", "26")),
    Rung.recommendation_notice: (("TUL", "23"), ("RLSS", "7")),
    Rung.lead_transfer: (("CRIM", "276-1"), ("SPC-WAGE-CRIME", "3"), ("SPC-WAGE-CRIME", "4")),
}
ZHEJIANG_BASIS: dict[Rung, tuple[tuple[str, str], ...]] = {
    Rung.opinion_notice: (("ZJ-SUP", "21"), ("ZJ-SUP", "22")),
    Rung.recommendation_notice: (("ZJ-SUP", "23"), ("ZJ-SUP", "24")),
}
DEFAULT_REQUESTS: dict[Rung, tuple[str, ...]] = {
    Rung.opinion_notice: (
        "立即纠正上述违法行为，依法保障职工合法权益；",
        "在规定期限内将整改情况及整改证明材料书面答复本会。",
    ),
    Rung.recommendation_notice: (
        "依法对该单位的上述行为进行调查处理；",
        "责令该单位限期改正；",
        "将调查处理结果书面告知本会。",
    ),
}
NON_COMPLIANCE = {
    Trigger.no_reply: "该单位在规定期限内未作书面答复，亦未改正。",
    Trigger.refused_receipt: "该单位拒绝接收意见书。",
    Trigger.refused: "该单位书面答复拒不改正。",
    Trigger.reply_rejected: "该单位虽作答复，但所述理由不能成立，至今未改正。",
    Trigger.not_rectified: "该单位至今未改正。",
    Trigger.staff: "该单位至今未改正。",
}
RUNG_CITATION: dict[Rung, str] = {
    Rung.investigation: "《浙江省工会劳动法律监督条例》第二十条 / Zhejiang P18 Art. 20",
    Rung.reminder_letter: "《工会法》第二十三条；最高检、全总“一函两书”通知（2024） / TUL Art. 23",
    Rung.opinion_notice: "《工会法》第二十三条；浙江条例第二十一条 / TUL Art. 23; ZJ P18 Art. 21",
    Rung.recommendation_notice: "《浙江省工会劳动法律监督条例》第二十三条 / Zhejiang P18 Art. 23",
    Rung.inspection_referral: "《浙江省工会劳动法律监督条例》第二十四条 / Zhejiang P18 Art. 24",
    Rung.government_escalation: "《工会法》第二十三条 / Trade Union Law Art. 23",
    Rung.lead_transfer: "最高检、全总“一函两书”通知（2024） / SPP-ACFTU 2024 notice",
}
DEFAULT_REPLY_CHANNEL = "书面答复送达本会，或通过本会随本文书提供的专用在线答复链接提交答复及整改证明材料。"


def citation_zh(law: str, article: str) -> str:
    """《中华人民共和国工会法》第二十三条."""
    return f"《{get_law(law).title_zh}》{article_label_zh(article)}"


def legal_basis(rung: Rung, jurisdiction: str, violations: tuple[ViolatedArticle, ...] = ()) -> list[str]:
    """Citations: the union's basis for this rung, the province's, then the breached provisions."""
    refs = list(BASIS.get(rung, ()))
    if jurisdiction == "zhejiang":
        refs += ZHEJIANG_BASIS.get(rung, ())
    refs += [(v.law, v.article) for v in violations]
    seen: list[str] = []
    for law, article in refs:
        text = citation_zh(law, article)
        if text not in seen:
            seen.append(text)
    return seen


def violation_facts(violations: tuple[ViolatedArticle, ...]) -> list[dict[str, str]]:
    """Each breached provision with its text quoted from the shipped statutes."""
    return [
        {
            "provision_zh": citation_zh(v.law, v.article),
            "description": f"“{article_text(v.law, v.article)}”" + (f"（{v.note}）" if v.note else ""),
        }
        for v in violations
    ]


def _day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def letter_explanation(deadline: Deadline) -> str:
    """How the reply period is counted, in the words of a letter (the full computation stays on
    the deadline record): start, length, what is not counted, the provision."""
    basis = deadline.basis.split(" / ")[0]
    borrowed = any(w.startswith("default profile") for w in deadline.warnings)
    if deadline.unit == "WD":
        text = f"自{_day(deadline.from_)}的次日起算{deadline.length}个工作日"
        text += "，休息日和法定节假日不计入"
        makeup = "、".join(f"{d.month}月{d.day}日" for d in deadline.makeup_workdays)
        text += f"，{makeup}调休上班计入" if makeup else ""
    else:
        text = f"自{_day(deadline.from_)}的次日起算{deadline.length}日"
    if deadline.confidence in ("L", "U"):
        return f"{text}（本会提请的办理期限）"  # the source is not settled law: no citation
    return f"{text}；{'参照' if borrowed else '依据'}{basis}"


def deadline_note(deadline: Deadline | None) -> dict[str, Any] | None:
    if deadline is None or deadline.due is None:
        return None
    return {
        "due_on": deadline.due.isoformat(),
        "explanation_zh": letter_explanation(deadline),
        "rule_id": deadline.rule,
    }


def effective(draft: NoticeDraft, investigation: InvestigationRecord | None) -> tuple[tuple[str, ...], tuple[ViolatedArticle, ...]]:
    """The draft's findings and violations, or the investigation's where the draft has none."""
    findings = draft.findings or (investigation.findings if investigation else ())
    violations = draft.violations or (investigation.violations if investigation else ())
    return findings, violations


def draft_problem(draft: NoticeDraft, investigation: InvestigationRecord | None, signatory_known: bool) -> str | None:
    """What the draft still lacks to make a valid notice, or None."""
    findings, violations = effective(draft, investigation)
    if not findings:
        return "请填写查明的事实 / the notice needs the facts found"
    if draft.rung in (Rung.opinion_notice, Rung.recommendation_notice) and not violations:
        return "请列明违反的法律条文 / name the provisions breached"
    if draft.rung is Rung.opinion_notice and draft.signatory is None and not signatory_known:
        return (
            "意见书须由工会主席或者副主席签署，请填写签发人 / "
            "an opinion notice is signed by the union chair or "
            "vice-chair (Zhejiang P18 Art. 21): name the signatory"
        )
    return None


def _common(
    inp: SupervisionInput,
    draft: NoticeDraft,
    findings: tuple[str, ...],
    violations: tuple[ViolatedArticle, ...],
) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "issuer": {"name": inp.issuer.name, "abbr": inp.issuer.abbr},
        "findings": list(findings),
        "legal_basis": legal_basis(draft.rung, inp.jurisdiction, violations),
        "requests": list(draft.requests),
        "cc": list(draft.cc),
    }
    if draft.addressee:
        facts["addressee"] = draft.addressee
    signatory = draft.signatory or inp.signatory
    if signatory is not None:
        facts["signatory"] = signatory.model_dump()
    return facts


def _consequences(jurisdiction: str) -> str:
    basis = "《浙江省工会劳动法律监督条例》第二十三条" if jurisdiction == "zhejiang" else "《中华人民共和国工会法》第二十三条"
    return (
        f"逾期不答复、拒绝接收本意见书或者无正当理由拒不改正的，本会将依照{basis}的规定，向人力资源和社会保障等有关"
        "部门发出《工会劳动法律监督建议书》并移交相关材料，或者提请当地人民政府依法处理。"
    )


def notice_facts(
    draft: NoticeDraft,
    inp: SupervisionInput,
    investigation: InvestigationRecord | None,
    reply_due: Deadline | None,
    opinion: RungRecord | None = None,
    trigger: Trigger = Trigger.staff,
) -> dict[str, Any]:
    """The facts of the notice `draft.rung` (reminder, opinion, recommendation, lead transfer)."""
    findings, violations = effective(draft, investigation)
    facts = _common(inp, draft, findings, violations)
    note = deadline_note(reply_due)
    agencies = region(inp.region)
    if draft.rung is Rung.reminder_letter:
        return facts | ({"reply_due": note} if note else {})
    if draft.rung is Rung.opinion_notice:
        assert investigation is not None
        return facts | {
            "investigation": {
                "supervisors": list(investigation.supervisors),
                "completed_on": investigation.completed_on.isoformat(),
                "record_no": investigation.record_no or None,
            },
            "violations": violation_facts(violations),
            "reply_due": note,
            "reply_channel_zh": inp.reply_channel_zh or DEFAULT_REPLY_CHANNEL,
            "consequences_zh": _consequences(inp.jurisdiction),
        }
    if draft.rung is Rung.recommendation_notice:
        assert opinion is not None and opinion.document_no and opinion.served_on
        facts.setdefault("addressee", agencies.agency("inspection").name)
        return facts | {
            "opinion_notice": {
                "document_no": opinion.document_no,
                "served_on": opinion.served_on.isoformat(),
                "reply_due_on": (opinion.reply_due_on or opinion.served_on).isoformat(),
            },
            "non_compliance_zh": NON_COMPLIANCE[trigger],
            "violations": violation_facts(violations),
            "reply_due": note,
            "attachments": [
                f"《工会劳动法律监督意见书》（{opinion.document_no}）及送达回证",
                "调查记录及相关材料",
            ],
        }
    return facts | _transfer_facts(draft, inp, facts)


def _transfer_facts(draft: NoticeDraft, inp: SupervisionInput, facts: dict[str, Any]) -> dict[str, Any]:
    transfer = draft.transfer
    assert transfer is not None
    agencies = region(inp.region)
    copy_court = inp.joint_mechanism if transfer.copy_court is None else transfer.copy_court
    cc = list(facts["cc"]) + ([agencies.agency("basic_court").name] if copy_court else [])
    return {
        "addressee": draft.addressee or agencies.agency("procuratorate").name,
        "legal_basis": [*facts["legal_basis"], SPP_ACFTU_2024],
        "workers_affected": transfer.workers_affected,
        "arrears_total": str(transfer.arrears_total),
        "arrears_period_zh": transfer.arrears_period_zh,
        "cc": cc,
        "order_to_pay": {
            "issued_by": transfer.order_issued_by,
            "issued_on": transfer.order_issued_on.isoformat(),
            "due_on": transfer.order_due_on.isoformat(),
            "document_no": transfer.order_document_no or None,
        },
    }


def pre_draft(rung: Rung, signatory: Signatory | None) -> NoticeDraft:
    """The notice the system drafts after a missed reply or a refusal: standard requests, the
    investigation's facts, the previous signatory (union staff revise and confirm before issue)."""
    return NoticeDraft(
        rung=rung,
        requests=DEFAULT_REQUESTS.get(rung, ("依法纠正上述行为。",)),
        signatory=signatory,
    )
