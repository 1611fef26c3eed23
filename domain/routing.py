"""Triage: which channel first, lowest level first (the Fengqiao experience), unless the worker
chooses arbitration or the law routes elsewhere (rules section 14, the routing matrix)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from domain.case import MEDIATION_CHANNELS, CaseFacts, Category, Channel, VulnerableGroup


class Reason(BaseModel):
    model_config = ConfigDict(frozen=True)

    zh: str
    en: str
    citation: str


class Plan(BaseModel):
    """Where the case goes first, what runs alongside, and why."""

    model_config = ConfigDict(frozen=True)

    first: Channel
    alongside: tuple[Channel, ...] = ()
    reasons: tuple[Reason, ...] = ()
    legal_aid_without_means_test: bool = False
    suggest_supervision: bool = False


_DIRECT_CHOICES = MEDIATION_CHANNELS | {Channel.arbitration, Channel.inspection}
PAY_CATEGORIES = frozenset({Category.wage_arrears, Category.overtime})


def _first(facts: CaseFacts) -> tuple[Channel, Reason]:
    if facts.wage_iou_only:
        return Channel.litigation, Reason(
            zh="仅凭工资欠条主张工资，可直接向法院起诉",
            en="A wage IOU alone may be sued on directly in court",
            citation="最高法解释（一）第十五条 / SPC Interp. I Art. 15",
        )
    if facts.category is Category.work_injury:
        return Channel.work_injury_determination, Reason(
            zh="须先申请工伤认定，再主张工伤待遇",
            en="Work-injury determination comes before any claim for benefits",
            citation="《工伤保险条例》第十七条 / Work Injury Insurance Regulation Art. 17",
        )
    if facts.category is Category.labour_relationship:
        return Channel.arbitration, Reason(
            zh="确认劳动关系须经仲裁前置",
            en="Confirming a labour relationship must go through arbitration first",
            citation="《劳动争议调解仲裁法》第二条、第五条 / LDMAL Art. 2, 5",
        )
    if facts.preferred_channel in _DIRECT_CHOICES:
        return facts.preferred_channel, Reason(
            zh="按劳动者选择的途径办理（调解非仲裁必经程序）",
            en="The worker's chosen channel (mediation is not compulsory)",
            citation="《劳动争议调解仲裁法》第五条 / LDMAL Art. 5",
        )
    return Channel.union_mediation, Reason(
        zh="先行调解，就地化解（枫桥经验）",
        en="Mediation first, resolved locally (Fengqiao experience)",
        citation="《劳动争议调解仲裁法》第四条、第五条、第十条 / LDMAL Art. 4, 5, 10",
    )


def triage(facts: CaseFacts) -> Plan:
    """Choose the first channel and the channels alongside it, each with its reason."""
    first, reason = _first(facts)
    reasons = [reason]
    alongside: list[Channel] = []
    # Legal Aid Law Art. 42(3): migrant workers claiming pay or work-accident compensation skip the means test.
    migrant_exempt = VulnerableGroup.migrant_worker in facts.vulnerable_groups and (
        facts.category in PAY_CATEGORIES or facts.category is Category.work_injury
    )
    if facts.wants_legal_aid or facts.category is Category.work_injury:
        alongside.append(Channel.legal_aid)
        reasons.append(
            Reason(
                zh="申请法律援助（劳动争议调解、仲裁代理）",
                en="Legal aid for mediation and arbitration",
                citation="《法律援助法》第二十二条、第三十一条 / Legal Aid Law Art. 22, 31",
            )
        )
    if facts.collective:
        reasons.append(
            Reason(
                zh="集体争议（10人以上）：推举代表，工会参与，建议启动劳动法律监督",
                en="Collective dispute (10 or more workers): elected representatives, union involvement, supervision suggested",
                citation="《劳动争议调解仲裁法》第七条；《工会法》第二十一条 / LDMAL Art. 7; Trade Union Law Art. 21",
            )
        )
    return Plan(
        first=first,
        alongside=tuple(alongside),
        reasons=tuple(reasons),
        legal_aid_without_means_test=migrant_exempt,
        suggest_supervision=facts.collective,
    )
