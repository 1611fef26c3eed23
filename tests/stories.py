"""People and cases from ../shared/domain/stories.md as intake payloads (invented names, numbers
that pass their checksums)."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.identifiers import id_number_check_char, uscc_check_char


def id_number(first17: str) -> str:
    return first17 + id_number_check_char(first17)


def uscc(first17: str) -> str:
    return first17 + uscc_check_char(first17)


LI_JIANGUO_ID = id_number("34122119800312003")  # born 1980, Anhui: a migrant worker in Shanghai
SUBCONTRACTOR_USCC = uscc("91310115MA1K4B2C3")
WANG_FANG_ID = id_number("33010619950421002")
HANGZHOU_TRADING_USCC = uscc("91330106MA2H7X8Y9")


def consent() -> dict[str, bool]:
    return {"consent_personal_information": True, "consent_sensitive_information": True}


def wage_arrears(**overrides: Any) -> dict[str, Any]:
    """Story 1: Li Jianguo, rebar worker, unpaid May-July, 3 x 12,000 yuan, Shanghai."""
    body: dict[str, Any] = {
        "worker": {"name": "李建国", "id_number": LI_JIANGUO_ID, "mobile": "13812345678", "groups": ["migrant_worker"]},
        "employer": {"name": "上海宏建劳务分包有限公司", "uscc": SUBCONTRACTOR_USCC, "address": "上海市浦东新区申江路100号"},
        "category": "wage_arrears",
        "description": "本人在浦东某工地从事钢筋工作，2025年5月至7月工资共计36000元至今未付。",
        "claims": [{"kind": "wages", "amount": "12000.00", "months": 1, "description": f"{m}月工资"} for m in (5, 6, 7)],
        "knew_on": "2025-08-15",
        "still_employed": False,
        "employment_ended_on": "2025-08-15",
        "region": "shanghai-pudong",
        **consent(),
    }
    body.update(overrides)
    return body


def dismissal(**overrides: Any) -> dict[str, Any]:
    """Story 2: Wang Fang, accountant in Hangzhou, dismissed while pregnant."""
    body: dict[str, Any] = {
        "worker": {"name": "王芳", "id_number": WANG_FANG_ID, "mobile": "13957112345", "groups": ["woman"]},
        "employer": {"name": "杭州瑞丰贸易有限公司", "uscc": HANGZHOU_TRADING_USCC},
        "category": "unlawful_dismissal",
        "description": "怀孕五个月时被公司以业务调整为由解除劳动合同，要求支付违法解除赔偿金。",
        "claims": [{"kind": "damages", "amount": "84000.00", "description": "违法解除劳动合同赔偿金"}],
        "knew_on": "2026-05-20",
        "still_employed": False,
        "employment_ended_on": "2026-05-20",
        "region": "hangzhou-xihu",
        "preferred_channel": "enterprise_committee",
        **consent(),
    }
    body.update(overrides)
    return body


def story_date(text: str) -> date:
    return date.fromisoformat(text)
