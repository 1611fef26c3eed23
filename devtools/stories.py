"""The people and cases of ../shared/domain/stories.md as intake payloads, for demo data, example
scenarios and tests. Names, ID numbers and companies are invented; the identifiers pass their
checksums (GB 11643, GB 32100)."""

from __future__ import annotations

from typing import Any

from domain.identifiers import id_number_check_char, uscc_check_char


def id_number(first17: str) -> str:
    return first17 + id_number_check_char(first17)


def uscc(first17: str) -> str:
    return first17 + uscc_check_char(first17)


LI_JIANGUO_ID = id_number("34122119800312003")  # born 1980 in Anhui: a migrant worker in Shanghai
SUBCONTRACTOR_USCC = uscc("91310115MA1K4B2C3")
WANG_FANG_ID = id_number("33010619950421002")
HANGZHOU_TRADING_USCC = uscc("91330106MA2H7X8Y9")
ZHAO_LEI_ID = id_number("41152220020817001")
CHEN_MEI_ID = id_number("31011519900706002")
SUN_HAO_ID = id_number("51132219970305001")
PLATFORM_USCC = uscc("91310000MA1FL3XD5")  # the delivery platform (Shanghai)
PARTNER_FIRM_USCC = uscc("91310115MA1H9R2K6")  # its labour-outsourcing partner firm (Pudong)
CONSENT = {"consent_personal_information": True, "consent_sensitive_information": True}


def wage_arrears(**overrides: Any) -> dict[str, Any]:
    """Story 1: Li Jianguo, rebar worker, unpaid May-July, 3 x 12,000 yuan, Pudong, Shanghai."""
    return {
        "worker": {"name": "李建国", "id_number": LI_JIANGUO_ID, "mobile": "13812345678", "groups": ["migrant_worker"]},
        "employer": {"name": "上海宏建劳务分包有限公司", "uscc": SUBCONTRACTOR_USCC, "address": "上海市浦东新区申江路100号"},
        "category": "wage_arrears",
        "description": "本人在浦东某工地从事钢筋工作，2025年5月至7月工资共计36000元至今未付。",
        "claims": [{"kind": "wages", "amount": "12000.00", "months": 1, "description": f"{m}月工资"} for m in (5, 6, 7)],
        "knew_on": "2025-08-15", "still_employed": False, "employment_ended_on": "2025-08-15",
        "region": "shanghai-pudong", **CONSENT, **overrides,
    }


def dismissal(**overrides: Any) -> dict[str, Any]:
    """Story 2: Wang Fang, accountant in Hangzhou, dismissed in her fifth month of pregnancy."""
    return {
        "worker": {"name": "王芳", "id_number": WANG_FANG_ID, "mobile": "13957112345", "groups": ["woman"]},
        "employer": {"name": "杭州瑞丰贸易有限公司", "uscc": HANGZHOU_TRADING_USCC},
        "category": "unlawful_dismissal",
        "description": "怀孕五个月时被公司以业务调整为由解除劳动合同，要求支付违法解除赔偿金。",
        "claims": [{"kind": "damages", "amount": "84000.00", "description": "违法解除劳动合同赔偿金"}],
        "knew_on": "2026-05-20", "still_employed": False, "employment_ended_on": "2026-05-20",
        "region": "hangzhou-xihu", "preferred_channel": "enterprise_committee", **CONSENT, **overrides,
    }


def platform_rider(**overrides: Any) -> dict[str, Any]:
    """Story 3: Zhao Lei, food-delivery rider, injured on an order; platform and partner firm."""
    return {
        "worker": {"name": "赵磊", "id_number": ZHAO_LEI_ID, "mobile": "13661234567", "groups": ["platform_worker", "migrant_worker"]},
        "employer": {"name": "上海速达人力资源外包有限公司", "role": "partner"},
        "respondents": [{"name": "上海快送信息科技有限公司", "role": "platform", "uscc": PLATFORM_USCC}],
        "category": "work_injury",
        "description": "在配送订单途中发生交通事故受伤，平台合作方公司未申请工伤认定。",
        "claims": [{"kind": "injury_benefits", "description": "工伤保险待遇"}],
        "knew_on": "2026-04-10", "injured_on": "2026-04-10", "still_employed": True,
        "region": "shanghai-pudong", **CONSENT, **overrides,
    }


def rider(**overrides: Any) -> dict[str, Any]:
    """Story 7: Sun Hao, delivery rider in Pudong, through the platform's partner firm (both respondents):
    overtime pay and a dismissal without notice, 46,800 yuan, union mediation first."""
    return {
        "worker": {"name": "孙浩", "id_number": SUN_HAO_ID, "mobile": "13671234567", "groups": ["platform_worker", "migrant_worker"]},
        "employer": {"name": "上海众骑劳务外包有限公司", "uscc": PARTNER_FIRM_USCC, "role": "partner",
                     "address": "上海市浦东新区川沙路88号", "contact": "hr@zhongqi.example.cn"},
        "respondents": [{"name": "上海快送信息科技有限公司", "uscc": PLATFORM_USCC, "role": "platform",
                         "address": "上海市长宁区金钟路968号", "contact": "13916660000"}],
        "category": "overtime",
        "description": "本人通过合作用工企业为外卖平台送餐，长期超时工作未获加班费，2026年10月被无故停止派单并解除。",
        "claims": [{"kind": "overtime_pay", "amount": "31800.00", "description": "加班费"},
                   {"kind": "damages", "amount": "15000.00", "description": "违法解除赔偿金"}],
        "knew_on": "2026-10-20", "still_employed": False, "employment_ended_on": "2026-10-20",
        "region": "shanghai-pudong", "preferred_channel": "union_mediation", **CONSENT, **overrides,
    }


def limitation_trap(**overrides: Any) -> dict[str, Any]:
    """Story 6: Chen Mei, left on 2025-05-09, last month's pay never paid."""
    return {
        "worker": {"name": "陈梅", "id_number": CHEN_MEI_ID, "mobile": "13701234567"},
        "employer": {"name": "上海锦程餐饮管理有限公司"},
        "category": "wage_arrears",
        "description": "2025年5月9日离职，最后一个月工资8600元未支付。",
        "claims": [{"kind": "wages", "amount": "8600.00", "months": 1, "description": "2025年4月工资"}],
        "knew_on": "2025-05-09", "still_employed": False, "employment_ended_on": "2025-05-09",
        "region": "shanghai-pudong", **CONSENT, **overrides,
    }


STORIES = {"wage_arrears": wage_arrears, "dismissal": dismissal, "platform_rider": platform_rider,
           "limitation_trap": limitation_trap, "rider": rider}
