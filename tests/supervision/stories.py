"""Story 4's subcontractor and matters about it (invented names; codes that pass GB 32100)."""

from __future__ import annotations

from typing import Any

from tests.stories import SUBCONTRACTOR_USCC, uscc, wage_arrears

PLATFORM_USCC = uscc("91310000MA1FL8XY2")
PARTNER_USCC = uscc("91310115MA1H9QP3K")
SUBCONTRACTOR = {
    "name": "上海宏建劳务分包有限公司",
    "uscc": SUBCONTRACTOR_USCC,
    "address": "上海市浦东新区申江路100号",
}

INVESTIGATION = {
    "completed_on": "2026-09-10",
    "supervisors": ["王磊", "孙丽"],
    "findings": [
        "该单位拖欠12名农民工2026年5月至7月工资共计312,000元；",
        "该单位未按规定设立农民工工资专用账户。",
    ],
    "violations": [
        {"law": "劳动合同法", "article": "30", "note": "拖欠劳动报酬"},
        {"law": "MWPR", "article": "第二十六条"},
    ],
    "record_no": "浦工监调〔2026〕21号",
}
REMINDER = {
    "rung": "reminder_letter",
    "requests": ["立即核实并足额支付拖欠的农民工工资；", "按规定设立农民工工资专用账户。"],
}
OPINION = {
    "rung": "opinion_notice",
    "requests": ["于收到本意见书后立即足额支付拖欠的工资；", "书面答复整改情况。"],
    "signatory": {"name": "陈卫东", "title": "主席"},
}


def opening(case_nos: list[str], **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"employer": SUBCONTRACTOR, "origin": "suggestion", "case_nos": case_nos}
    body.update(overrides)
    return body


def complaint(**overrides: Any) -> dict[str, Any]:
    """Another worker of the subcontractor complains (story 1's shape)."""
    return wage_arrears(**overrides)
