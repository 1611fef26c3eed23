"""Sample data for every document, from the stories (docs: /work/shared/domain/stories.md):
李建国's wage arrears in Shanghai (story 1), 王芳's dismissal in Hangzhou (story 2), the Shanghai
subcontractor's 一函两书 (story 4) and the Dongguan garment factory (story 5).

People and companies are invented; ID numbers and credit codes carry valid GB 11643 / GB 32100
check characters. Shared by the tests and `python -m devtools documents sample`, which marks the output
as a sample (样本) in the page header.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.documents import (
    CATALOGUE,
    DocumentType,
    document_id_for,
    format_document_no,
    validate_facts,
)
from domain.identifiers import id_number_check_char, uscc_check_char
from infrastructure.documents.context import DocumentMeta, Parties


def _id_number(first17: str) -> str:
    return first17 + id_number_check_char(first17)


def _uscc(first17: str) -> str:
    return first17 + uscc_check_char(first17)


LI_ID = _id_number("34262319800116217")  # male, born 1980-01-16 (Anhui): 46 in 2026
WANG_ID = _id_number("33010619950408246")  # female, born 1995-04-08 (Hangzhou): 31 in 2026
HONGJI_USCC = _uscc("91310115MA1K4B7X2")  # the Shanghai subcontractor (stories 1 and 4)
JINCHENG_USCC = _uscc("91330106MA2H8C3Q5")  # the Hangzhou trading company (story 2)
JINXIU_USCC = _uscc("91441900MA4W6D2R8")  # the Dongguan garment factory (story 5)

HONGJI = {
    "name": "上海宏基建筑劳务有限公司",
    "uscc": HONGJI_USCC,
    "address": "上海市浦东新区川沙路1888号3幢205室",
    "legal_representative": "赵志强",
    "legal_representative_title": "执行董事",
    "phone": "021-58881234",
}
JINCHENG = {
    "name": "杭州锦程进出口贸易有限公司",
    "uscc": JINCHENG_USCC,
    "address": "浙江省杭州市西湖区文三路398号12楼",
    "legal_representative": "钱伟明",
    "legal_representative_title": "总经理",
    "phone": "0571-86661234",
}
JINXIU = {
    "name": "东莞市锦绣服装有限公司",
    "uscc": JINXIU_USCC,
    "address": "广东省东莞市虎门镇龙眼工业区8号",
    "legal_representative": "黄国平",
    "legal_representative_title": "执行董事兼总经理",
    "phone": None,
}
PUDONG_UNION = {
    "name": "上海市浦东新区总工会",
    "abbr": "浦",
    "address": "上海市浦东新区合欢路2号",
    "phone": "021-68541234",
}
PUDONG_MEDIATION = {
    "name": "上海市浦东新区总工会劳动争议调解中心",
    "abbr": "浦工",
    "address": "上海市浦东新区合欢路2号",
    "phone": "021-68545678",
}
PUDONG_ARBITRATION = {
    "name": "上海市浦东新区劳动人事争议仲裁委员会",
    "address": "上海市浦东新区浦东大道141号",
}
JINCHENG_COMMITTEE = {"name": "杭州锦程进出口贸易有限公司劳动争议调解委员会", "abbr": "锦程"}

LI_DESCRIPTION = (
    "申请人自2025年3月起在被申请人承包的浦东新区川沙新镇某住宅项目工地从事钢筋工作，约定月工资12,000元，"
    "由被申请人班组长按月发放。2025年5月至7月，被申请人以总包单位未结算工程款为由拒不支付申请人工资，"
    "共计36,000元。申请人多次向被申请人及其项目负责人催讨未果，被申请人出具的工资结算单确认了上述欠款。"
)


@dataclass(frozen=True)
class SampleDocument:
    """Everything needed to render one catalogue entry without a database."""

    doc_type: DocumentType
    subject: str
    facts: dict[str, Any]
    parties: Parties
    issued_on: date
    number_series: str | None = None
    serial: int | None = None  # the 文号 serial printed on the sample

    def document_no(self) -> str | None:
        spec = CATALOGUE[self.doc_type]
        if self.serial is None or spec.number_code is None:
            return None
        issuer = self.facts.get(spec.issuer_field or "", {})
        return format_document_no(
            spec.number_code, self.issued_on.year, self.serial, issuer.get("abbr")
        )

    def meta(self) -> DocumentMeta:
        return DocumentMeta(
            document_id=document_id_for(f"sample/{self.doc_type.value}"),
            subject=self.subject,
            version=1,
            issued_on=self.issued_on,
            issued_by="sample",
            document_no=self.document_no(),
            sample=True,
        )


def li_parties(*, extra: dict[str, Any] | None = None) -> Parties:
    """Story 1 as the case loader would return it (case LD-2026-000123)."""
    case = {
        "case_no": "LD-2026-000123",
        "category": "wage_arrears",
        "stage": "arbitration",
        "channel": "arbitration",
        "region": "shanghai-pudong",
        "filed_on": "2026-03-02",
        "knew_on": "2025-08-15",
        "worker_count": 1,
        "collective": False,
        "claims": [
            {
                "seq": 1,
                "kind": "wages",
                "amount": "36000.00",
                "months": 3,
                "description": "2025年5月至7月工资，每月12,000元",
            }
        ],
        "total_claimed": "36000.00",
        "description": LI_DESCRIPTION,
        "evidence": [
            {
                "name": "工资结算单",
                "source": "被申请人班组长出具",
                "purpose": "证明被申请人确认拖欠2025年5月至7月工资36,000元",
                "pages": 1,
                "original": True,
            },
            {
                "name": "工地考勤记录照片",
                "source": "申请人拍摄",
                "purpose": "证明申请人2025年5月至7月正常出勤",
                "pages": 6,
                "original": False,
            },
            {
                "name": "微信催讨记录截图",
                "source": "申请人手机",
                "purpose": "证明申请人多次催讨工资",
                "pages": 4,
                "original": False,
            },
        ],
        "witnesses": [{"name": "张大军", "address": "安徽省无为市严桥镇红庙村张家组5号"}],
        "next_deadline_on": "2026-05-07",
        "next_deadline_rule": "D22",
        "closed_on": None,
        "closing_state": None,
    }
    worker = {
        "name": "李建国",
        "id_number": LI_ID,
        "phone": "13856781234",
        "gender": "male",
        "birth_date": "1980-01-16",
        "ethnicity": "汉族",
        "address": "安徽省无为市严桥镇红庙村李家组12号",
        "occupation": "钢筋工",
    }
    return Parties(case=case, worker=worker, employer=dict(HONGJI), extra=extra or {})


def wang_parties() -> Parties:
    """Story 2 as the case loader would return it (case LD-2026-000456)."""
    case = {
        "case_no": "LD-2026-000456",
        "category": "unlawful_dismissal",
        "stage": "agreement",
        "channel": "enterprise_committee",
        "region": "hangzhou-xihu",
        "filed_on": "2026-05-29",
        "knew_on": "2026-05-20",
        "worker_count": 1,
        "collective": False,
        "claims": [
            {
                "seq": 1,
                "kind": "damages",
                "amount": "84000.00",
                "months": None,
                "description": "违法解除劳动合同赔偿金（《劳动合同法》第四十八条、第八十七条）",
            },
        ],
        "total_claimed": "84000.00",
        "description": (
            "申请人于2022年3月1日入职被申请人，任会计，月工资14,000元。2026年5月20日，被申请人在申请人"
            "怀孕五个月期间以“岗位调整”为由解除劳动合同。"
        ),
        "evidence": [],
        "witnesses": [],
        "next_deadline_on": "2026-07-13",
        "next_deadline_rule": "D06",
        "closed_on": None,
        "closing_state": None,
    }
    worker = {
        "name": "王芳",
        "id_number": WANG_ID,
        "phone": "13967891234",
        "gender": "female",
        "birth_date": "1995-04-08",
        "ethnicity": "汉族",
        "address": "浙江省杭州市西湖区古荡街道莲花街18号2单元301室",
        "occupation": "会计",
    }
    return Parties(case=case, worker=worker, employer=dict(JINCHENG))


def _deadline(due: str, text: str, rule: str | None = None) -> dict[str, Any]:
    return {"due_on": due, "explanation_zh": text, "rule_id": rule}


_SUPERVISION_BASIS = ["《中华人民共和国工会法》第二十三条", "《保障农民工工资支付条例》第五十一条"]
_HONGJI_FINDINGS = [
    "贵单位承包的浦东新区川沙新镇某住宅项目自2025年5月起拖欠钢筋班组12名农民工工资，共计312,000元；",
    "本季度内本会已收到针对贵单位的劳动争议投诉3件，均涉及拖欠工资；",
    "贵单位未按规定设立农民工工资专用账户，未实行分账管理。",
]


def _worker_documents() -> list[SampleDocument]:
    return [
        SampleDocument(
            DocumentType.case_receipt,
            "case:LD-2026-000123",
            {
                "access_code": "K7QM-4XTP-9HRW",
                "receiving_org": PUDONG_MEDIATION,
                "received_on": "2026-03-02",
                "received_zh": "劳动争议调解申请",
                "status_url": "https://labourflow.example.cn/status",
                "next_deadline": _deadline(
                    "2026-03-17",
                    "调解期限15日，自2026年3月2日收到申请的次日起算（《劳动争议调解仲裁法》第十四条）",
                    "D03",
                ),
                "notes": [
                    "调解组织自收到申请之日起十五日内未达成调解协议的，您可以依法申请仲裁；本机构将在期满时提醒您。"
                ],
            },
            li_parties(),
            date(2026, 3, 2),
        ),
        SampleDocument(
            DocumentType.mediation_application,
            "case:LD-2026-000123",
            {
                "mediation_org": PUDONG_MEDIATION,
            },
            li_parties(),
            date(2026, 3, 2),
        ),
        SampleDocument(
            DocumentType.arbitration_application,
            "case:LD-2026-000123",
            {
                "commission": PUDONG_ARBITRATION,
                "mediation": {
                    "org_name": PUDONG_MEDIATION["name"],
                    "applied_on": "2026-03-02",
                    "ended_on": "2026-03-17",
                    "outcome_zh": "被申请人经通知未到场参加调解，调解组织于期满时终止调解",
                },
            },
            li_parties(),
            date(2026, 3, 18),
        ),
        SampleDocument(
            DocumentType.legal_aid_application,
            "case:LD-2026-000123",
            {
                "legal_aid_org": {
                    "name": "上海市浦东新区法律援助中心",
                    "address": "上海市浦东新区丁香路1号",
                },
                "aid_matter_zh": "劳动争议仲裁代理（《中华人民共和国法律援助法》第二十二条）",
                "proceeding_zh": (
                    "上海市浦东新区劳动人事争议仲裁委员会已于2026年3月23日受理，裁决期限至2026年5月"
                    "7日"
                ),
                "means_test_exempt_reason_zh": (
                    "申请人系申请支付劳动报酬的进城务工人员（《中华人民共和国法律援助法》第四十二条"
                    "第三项）"
                ),
            },
            li_parties(),
            date(2026, 4, 28),
        ),
        SampleDocument(
            DocumentType.payment_order_application,
            "case:LD-2026-000456",
            {
                "court": {"name": "杭州市西湖区人民法院"},
                "agreement": {
                    "mediation_org_name": JINCHENG_COMMITTEE["name"],
                    "signed_on": "2026-06-12",
                    "document_no": "〔2026〕锦程劳调字第3号",
                    "terms_zh": (
                        "被申请人向申请人支付赔偿金84,000元，分两期支付：2026年6月30日前支付42,000元"
                        "，2026年8月31日前支付42,000元。"
                    ),
                },
                "amount_claimed": "42000.00",
                "amount_paid": "42000.00",
                "performance_due_on": "2026-08-31",
            },
            wang_parties(),
            date(2026, 9, 7),
        ),
        SampleDocument(
            DocumentType.evidence_list,
            "case:LD-2026-000123",
            {
                "submitted_to": PUDONG_ARBITRATION,
                "proceeding_zh": "劳动人事争议仲裁",
            },
            li_parties(),
            date(2026, 3, 18),
        ),
    ]


def _mediator_documents() -> list[SampleDocument]:
    return [
        SampleDocument(
            DocumentType.mediation_agreement,
            "case:LD-2026-000456",
            {
                "mediation_org": JINCHENG_COMMITTEE,
                "mediator": "孙建华",
                "signed_on": "2026-06-12",
                "dispute_summary": (
                    "申请人于2022年3月1日入职被申请人任会计。2026年5月20日，被申请人在申请人怀孕期间解除劳动合同。"
                    "申请人认为被申请人违反《中华人民共和国劳动合同法》第四十二条的规定，要求支付违法解除劳动合同赔偿金；"
                    "被申请人认为系岗位调整所致。双方争议的焦点为解除行为是否合法及赔偿金额。"
                ),
                "responsibilities_zh": "被申请人在申请人孕期解除劳动合同，应承担相应的赔偿责任。",
                "terms": [
                    "双方劳动合同于2026年5月20日解除；",
                    "被申请人向申请人支付违法解除劳动合同赔偿金84,000元，分两期支付至申请人工资卡；",
                    "被申请人于2026年6月30日前为申请人出具解除劳动合同证明，并办理档案和社会保险关系转移手续；",
                    "本协议履行完毕后，双方就劳动关系再无其他争议。",
                ],
                "instalments": [
                    {"amount": "42000.00", "due_on": "2026-06-30", "method_zh": "银行转账"},
                    {"amount": "42000.00", "due_on": "2026-08-31", "method_zh": "银行转账"},
                ],
                "total_amount": "84000.00",
                "copies": 3,
            },
            wang_parties(),
            date(2026, 6, 12),
            number_series="jincheng-committee/mediation_agreement",
            serial=3,
        ),
        SampleDocument(
            DocumentType.mediation_termination_notice,
            "case:LD-2026-000123",
            {
                "mediation_org": PUDONG_MEDIATION,
                "mediator": "张敏",
                "received_on": "2026-03-02",
                "ended_on": "2026-03-17",
                "reason_zh": (
                    "本组织于2026年3月5日、3月12日两次书面通知被申请人参加调解，被申请人均未到场。"
                ),
                "arbitration_commission": PUDONG_ARBITRATION,
            },
            li_parties(),
            date(2026, 3, 17),
            number_series="union-med-1/mediation_termination_notice",
            serial=15,
        ),
        SampleDocument(
            DocumentType.mediation_invitation,
            "case:LD-2026-000123",
            {
                "issuer": PUDONG_MEDIATION,
                "addressee": "上海宏建劳务分包有限公司",
                "role_zh": "用人单位",
                "received_on": "2026-03-02",
                "answer_due": "2026-03-05",
                "basis": "《企业劳动争议协商调解规定》第二十二条",
            },
            li_parties(),
            date(2026, 3, 2),
        ),
        SampleDocument(
            DocumentType.sitting_notice,
            "case:LD-2026-000123",
            {
                "issuer": PUDONG_ARBITRATION,
                "addressee": "申请人、被申请人",
                "kind_zh": "仲裁开庭",
                "starts_at": "2026-04-08 09:30",
                "minutes": 120,
                "place": "上海市浦东新区浦东大道141号第三仲裁庭",
                "summoned": ["上海宏建劳务分包有限公司（被申请人）"],
                "basis": "《劳动争议调解仲裁法》第三十五条",
                "consequence_zh": "申请人无正当理由拒不到庭的，可以视为撤回仲裁申请；被申请人无正当理由拒不到庭的，可以缺席裁决",
            },
            li_parties(),
            date(2026, 4, 1),
        ),
        SampleDocument(
            DocumentType.power_of_attorney,
            "case:LD-2026-000123",
            {
                "agent_name": "周明",
                "agent_kind_zh": "律师",
                "agent_mobile": "139****1111",
                "powers_zh": ["代为提交证据", "代为申请劳动争议仲裁"],
                "special": False,
                "basis": "《劳动争议调解仲裁法》第二十四条",
                "special_basis": "《民事诉讼法》第六十二条",
                "authorised_on": "2026-03-03",
            },
            li_parties(),
            date(2026, 3, 3),
        ),
        SampleDocument(
            DocumentType.case_transfer_letter,
            "case:LD-2026-000123",
            {
                "issuer": PUDONG_MEDIATION,
                "addressee": PUDONG_ARBITRATION["name"],
                "kind_zh": "移送劳动人事争议仲裁委员会",
                "reason_zh": "经本组织调解，双方未能在法定期限内达成调解协议，申请人已申请劳动争议仲裁。",
                "basis": "《劳动争议调解仲裁法》第十四条、第二十九条",
                "acknowledge_by": "2026-03-20",
                "decision_zh": "自收到仲裁申请之日起五日内决定是否受理（第二十九条）",
                "attachments": [],
            },
            li_parties(
                extra={
                    "file": [
                        {"title_zh": "受理回执", "document_no": "沪浦工调〔2026〕12号", "issued_on": "2026-03-02"},
                        {"title_zh": "劳动争议调解申请书", "document_no": None, "issued_on": "2026-03-02"},
                        {"title_zh": "调解终止通知书", "document_no": "沪浦工调终〔2026〕3号", "issued_on": "2026-03-17"},
                    ]
                }
            ),
            date(2026, 3, 18),
            number_series="union-med-1/case_transfer_letter",
            serial=3,
        ),
        SampleDocument(
            DocumentType.judicial_confirmation_application,
            "case:LD-2026-000456",
            {
                "court": {"name": "杭州市西湖区人民法院"},
                "mediation_org": JINCHENG_COMMITTEE,
                "agreement_signed_on": "2026-06-12",
                "agreement_no": "〔2026〕锦程劳调字第3号",
                "terms": [
                    "双方劳动合同于2026年5月20日解除；",
                    "被申请人向申请人支付违法解除劳动合同赔偿金84,000元，2026年6月30日前、8月31日前各支付42,000元。",
                ],
                "apply_by": _deadline(
                    "2026-07-13",
                    "协议生效之日起30日，届满日2026年7月12日为星期日，顺延至次日（《民事诉讼法》第八十五条）",
                    "D06",
                ),
            },
            wang_parties(),
            date(2026, 6, 15),
        ),
        SampleDocument(
            DocumentType.mediation_record,
            "case:LD-2026-000456",
            {
                "mediation_org": JINCHENG_COMMITTEE,
                "mediator": "孙建华",
                "recorder": "陈晓丽",
                "started_at": "2026-06-12T09:30:00",
                "ended_at": "2026-06-12T11:10:00",
                "place": "公司三楼调解室",
                "attendees": [
                    {"role_zh": "申请人", "name": "王芳"},
                    {"role_zh": "被申请人委托代理人", "name": "周敏"},
                ],
                "entries": [
                    {
                        "speaker_zh": "调解员",
                        "text": (
                            "今天就王芳与公司解除劳动合同的争议进行调解。调解遵循自愿、合法原则，"
                            "双方可以随时终止调解。双方是否申请回避？"
                        ),
                    },
                    {
                        "speaker_zh": "申请人",
                        "text": (
                            "不申请回避。公司在我怀孕五个月时解除合同，违反劳动合同法第四十二条，"
                            "我要求支付赔偿金84,000元。"
                        ),
                    },
                    {
                        "speaker_zh": "被申请人委托代理人",
                        "text": (
                            "不申请回避。公司认可解除程序存在问题，愿意协商支付赔偿金，希望分期支付"
                            "。"
                        ),
                    },
                    {
                        "speaker_zh": "调解员",
                        "text": (
                            "经释明法律规定，双方同意赔偿金84,000元分两期支付，6月30日和8月31日前各"
                            "付42,000元。"
                        ),
                    },
                ],
                "outcome_zh": "双方达成调解协议，另行制作调解协议书。",
            },
            wang_parties(),
            date(2026, 6, 12),
        ),
    ]


def _union_documents() -> list[SampleDocument]:
    matter = "matter:SV-2026-000007"
    union_common = {
        "issuer": PUDONG_UNION,
        "employer": HONGJI,
        "contact": {"name": "王磊", "phone": "021-68541234"},
    }
    return [
        SampleDocument(
            DocumentType.reminder_letter,
            matter,
            {
                **union_common,
                "findings": _HONGJI_FINDINGS[:2],
                "legal_basis": _SUPERVISION_BASIS,
                "requests": [
                    "立即核实并足额支付拖欠的农民工工资；",
                    "按规定设立农民工工资专用账户，按月足额支付工资。",
                ],
                "reply_due": _deadline("2026-09-15", "收到本函之日起10个工作日"),
            },
            Parties(),
            date(2026, 9, 1),
            number_series="union-fed-1/reminder_letter",
            serial=12,
        ),
        SampleDocument(
            DocumentType.opinion_notice,
            matter,
            {
                **union_common,
                "findings": _HONGJI_FINDINGS,
                "legal_basis": _SUPERVISION_BASIS,
                "investigation": {
                    "supervisors": ["王磊", "孙丽"],
                    "completed_on": "2026-09-16",
                    "record_no": "浦工监调〔2026〕21号",
                },
                "violations": [
                    {
                        "provision_zh": "《中华人民共和国劳动法》第五十条",
                        "description": (
                            "工资应当以货币形式按月支付给劳动者本人，不得克扣或者无故拖欠劳动者的工"
                            "资。"
                        ),
                    },
                    {
                        "provision_zh": "《保障农民工工资支付条例》第二十六条",
                        "description": (
                            "施工总承包单位应当开设农民工工资专用账户，专项用于支付该工程建设项目农"
                            "民工工资。"
                        ),
                    },
                ],
                "requests": [
                    "于2026年10月19日前足额支付拖欠的12名农民工工资312,000元；",
                    "建立农民工工资支付台账，按月足额支付工资；",
                    "向本会书面报告整改情况。",
                ],
                "reply_due": _deadline(
                    "2026-10-19",
                    "15个工作日，自2026年9月21日送达之日的次日起算，国庆假期不计入，10月10日调休上班计入",
                    "D49",
                ),
                "reply_channel_zh": (
                    "书面答复送达本会权益保障部（上海市浦东新区合欢路2号），或发送电子邮件至 quanyi"
                    "@pdunion.example.cn。"
                ),
                "consequences_zh": (
                    "逾期不答复或者无正当理由拒不改正的，本会将依法向人力资源和社会保障行政部门发出"
                    "《工会劳动法律监督建议书》，并移交相关材料。"
                ),
                "signatory": {"name": "陈卫东", "title": "主席"},
                "cc": ["上海市浦东新区人力资源和社会保障局"],
            },
            Parties(),
            date(2026, 9, 21),
            number_series="union-fed-1/opinion_notice",
            serial=7,
        ),
        SampleDocument(
            DocumentType.recommendation_notice,
            matter,
            {
                **union_common,
                "addressee": "上海市浦东新区人力资源和社会保障局",
                "findings": _HONGJI_FINDINGS,
                "legal_basis": [
                    "《中华人民共和国工会法》第二十三条",
                    "《保障农民工工资支付条例》第五十一条",
                    "《劳动保障监察条例》第七条",
                ],
                "opinion_notice": {
                    "document_no": "〔2026〕浦工监意字第7号",
                    "served_on": "2026-09-21",
                    "reply_due_on": "2026-10-19",
                },
                "non_compliance_zh": "该单位逾期未作答复，亦未支付拖欠的工资。",
                "violations": [
                    {
                        "provision_zh": "《中华人民共和国劳动法》第五十条",
                        "description": "无故拖欠劳动者工资。",
                    }
                ],
                "requests": [
                    "依法对该单位拖欠农民工工资的行为立案调查；",
                    "责令该单位限期支付拖欠的工资，逾期不支付的依法加付赔偿金；",
                    "将调查处理结果书面告知本会。",
                ],
                "reply_due": _deadline("2026-10-26", "5个工作日内作出是否立案的决定", "D52"),
                "attachments": [
                    "《工会劳动法律监督意见书》（〔2026〕浦工监意字第7号）及送达回证",
                    "调查记录及职工投诉材料",
                ],
            },
            Parties(),
            date(2026, 10, 19),
            number_series="union-fed-1/recommendation_notice",
            serial=4,
        ),
        SampleDocument(
            DocumentType.lead_transfer_letter,
            matter,
            {
                **union_common,
                "addressee": "上海市浦东新区人民检察院",
                "findings": [
                    "该单位拖欠12名农民工2025年5月至7月工资，人均26,000元，均超过三个月；",
                    "该单位经本会发出意见书、建议书后仍未支付，现已停止项目施工，法定代表人拒不接听电话；",
                ],
                "legal_basis": [
                    "《中华人民共和国刑法》第二百七十六条之一",
                    "《最高人民法院关于审理拒不支付劳动报酬刑事案件适用法律若干问题的解释》第三条、第四条",
                ],
                "workers_affected": 12,
                "arrears_total": "312000.00",
                "arrears_period_zh": "2025年5月至7月",
                "order_to_pay": {
                    "issued_by": "上海市浦东新区人力资源和社会保障局",
                    "issued_on": "2026-11-02",
                    "due_on": "2026-11-16",
                    "document_no": "浦人社监令〔2026〕118号",
                },
                "requests": [
                    "依法审查该单位是否涉嫌拒不支付劳动报酬罪；",
                    "必要时支持劳动者依法提起诉讼。",
                ],
                "attachments": [
                    "劳动保障监察限期整改指令书复印件",
                    "《工会劳动法律监督意见书》《工会劳动法律监督建议书》复印件",
                    "12名劳动者的工资结算单复印件",
                ],
            },
            Parties(),
            date(2026, 11, 25),
            number_series="union-fed-1/lead_transfer_letter",
            serial=2,
        ),
        SampleDocument(
            DocumentType.inspection_referral_letter,
            "matter:SV-2026-000002",
            {
                "issuer": {"name": "东莞市虎门镇总工会", "abbr": "虎"},
                "employer": JINXIU,
                "addressee": "东莞市人力资源和社会保障局虎门分局",
                "findings": [
                    "该单位拖欠37名职工2025年11月至12月工资，已于2026年1月停产，负责人联系不上；",
                    "职工已推选3名代表（《劳动争议调解仲裁法》第七条），于2026年1月26日向本会反映。",
                ],
                "legal_basis": [
                    "《劳动保障监察条例》第七条、第十一条",
                    "《保障农民工工资支付条例》第五十一条",
                ],
                "requests": [
                    "依法立案调查，责令该单位限期支付拖欠的工资；",
                    "必要时启动欠薪应急周转金先行垫付（《保障农民工工资支付条例》）。",
                ],
                "reply_due": _deadline("2026-02-02", "5个工作日内决定是否受理", "D45"),
                "contact": {"name": "何志明", "phone": "0769-85121234"},
            },
            Parties(),
            date(2026, 1, 26),
            number_series="humen-union/inspection_referral_letter",
            serial=1,
        ),
    ]


def _admin_documents() -> list[SampleDocument]:
    history = {
        "timeline": [
            {
                "on_date": "2026-03-02",
                "actor": "李建国",
                "summary_zh": "提交调解申请，调解中心登记",
                "citation": "劳动争议调解仲裁法第十二条",
            },
            {
                "on_date": "2026-03-17",
                "actor": "调解员 张敏",
                "summary_zh": "被申请人两次未到场，调解终止",
                "citation": "劳动争议调解仲裁法第十四条",
            },
            {
                "on_date": "2026-03-18",
                "actor": "李建国",
                "summary_zh": "向仲裁委提交仲裁申请",
                "citation": "劳动争议调解仲裁法第二十八条",
            },
            {
                "on_date": "2026-03-23",
                "actor": "仲裁委",
                "summary_zh": "受理仲裁申请",
                "citation": "劳动争议调解仲裁法第二十九条",
            },
        ],
        "deadlines": [
            {
                "rule_id": "D03",
                "start_on": "2026-03-02",
                "due_on": "2026-03-17",
                "status": "missed",
                "provisional": False,
                "label_zh": "调解期限（15日）",
            },
            {
                "rule_id": "D13",
                "start_on": "2026-03-18",
                "due_on": "2026-03-23",
                "status": "met",
                "provisional": False,
                "label_zh": "仲裁受理审查（5日）",
            },
            {
                "rule_id": "D22",
                "start_on": "2026-03-23",
                "due_on": "2026-05-07",
                "status": "pending",
                "provisional": False,
                "label_zh": "仲裁裁决期限（45日）",
            },
        ],
        "documents": [
            {"title_zh": "受理回执", "document_no": None, "version": 1, "issued_on": "2026-03-02"},
            {
                "title_zh": "调解终止通知书",
                "document_no": "〔2026〕浦工劳调终字第15号",
                "version": 1,
                "issued_on": "2026-03-17",
            },
            {
                "title_zh": "劳动人事争议仲裁申请书",
                "document_no": None,
                "version": 1,
                "issued_on": "2026-03-18",
            },
        ],
    }
    return [
        SampleDocument(
            DocumentType.case_summary_report,
            "case:LD-2026-000123",
            {
                "notes": [
                    "该用人单位本季度另有2件投诉，已建议启动工会劳动法律监督（SV-2026-000007）。"
                ],
            },
            li_parties(extra=history),
            date(2026, 3, 25),
        ),
    ]


def all_samples() -> dict[DocumentType, SampleDocument]:
    """One realistic sample per catalogue entry."""
    samples = _worker_documents() + _mediator_documents() + _union_documents() + _admin_documents()
    found = {sample.doc_type: sample for sample in samples}
    missing = set(DocumentType) - set(found)
    if missing:
        raise RuntimeError(f"no sample for {sorted(missing)}")
    return found


def sample_for(doc_type: DocumentType) -> SampleDocument:
    return all_samples()[doc_type]


def validated_facts(sample: SampleDocument) -> Any:
    return validate_facts(sample.doc_type, sample.facts)


__all__ = [
    "LI_ID",
    "WANG_ID",
    "SampleDocument",
    "all_samples",
    "li_parties",
    "sample_for",
    "validated_facts",
    "wang_parties",
]
