"""Example request bodies of the OpenAPI description, from the product's stories (see
devtools/stories.py): Li Jianguo's unpaid wages in Pudong, the mediation that fails, the union's
matter on his employer. `tests/api/test_contract.py` checks each one against its operation's schema."""

from __future__ import annotations

from typing import Any

from fastapi.openapi.models import Example

LI_JIANGUO = {
    "worker": {"name": "李建国", "id_number": "341221198003120031", "mobile": "13812345678", "groups": ["migrant_worker"]},
    "employer": {"name": "上海宏建劳务分包有限公司", "uscc": "91310115MA1K4B2C3J", "address": "上海市浦东新区申江路100号"},
    "category": "wage_arrears",
    "description": "本人在浦东某工地从事钢筋工作，2025年5月至7月工资共计36000元至今未付。",
    "claims": [{"kind": "wages", "amount": "12000.00", "months": 1, "description": f"{m}月工资"} for m in (5, 6, 7)],
    "knew_on": "2025-08-15",
    "still_employed": False,
    "employment_ended_on": "2025-08-15",
    "region": "310115",
    "consent_personal_information": True,
    "consent_sensitive_information": True,
}


def examples(summary: str, value: Any, name: str = "story") -> dict[str, Example]:
    """`openapi_examples=` for a body: one named example with its summary."""
    return {name: Example(summary=summary, value=value)}


def form_example(media_type: str, value: dict[str, Any]) -> dict[str, Any]:
    """`openapi_extra=` giving a form body (urlencoded or multipart) its example."""
    return {"requestBody": {"content": {media_type: {"example": value}}}}


FILE_CASE = examples("李建国：拖欠三个月工资（浦东） / Li Jianguo: three months' wages unpaid (Pudong)", LI_JIANGUO)
GUIDANCE = examples(
    "填写中：已离职，知道权利受侵害的日期 / partly filled in: employment ended, the day he knew",
    {"category": "wage_arrears", "knew_on": "2025-08-15", "still_employed": False, "employment_ended_on": "2025-08-15",
     "region": "310115", "worker_count": 1, "groups": ["migrant_worker"]},
)
WORKER_ACTION = examples("调解不成后申请仲裁 / apply for arbitration after mediation failed",
                         {"action": "choose_arbitration", "payload": {}})
TASK_ACTION = examples(
    "调解员记录调解不成 / the mediator records that mediation failed",
    {"action": "record_failure", "payload": {"ended_on": "2025-09-10", "reason": "用人单位拒不到场 / the employer did not attend"}},
)
WHAT_IF = examples(
    "李建国：8月15日知道，9月1日申请调解 / Li Jianguo: knew on 15 August, applied for mediation on 1 September",
    {"knew_on": "2025-08-15", "employment_ended_on": "2025-08-15", "still_employed": False, "category": "wage_arrears",
     "mediation_applied_on": "2025-09-01", "jurisdiction": "national"},
)
DISMISSAL = examples("已另行处理，无需立项 / handled otherwise: no matter needed",
                     {"key": "91310115MA1K4B2C3J", "reason": "已由劳动保障监察立案处理 / labour inspection has opened a case"})
MATTER_OPENING = examples(
    "就李建国案的用人单位立项监督 / open a matter on Li Jianguo's employer",
    {"employer": {"name": "上海宏建劳务分包有限公司", "uscc": "91310115MA1K4B2C3J", "address": "上海市浦东新区申江路100号"},
     "origin": "dispute_case", "case_nos": ["LD-2026-000001"], "origin_note": "三个月工资未付 / three months' wages unpaid"},
)
MATTER_ACTION = examples(
    "记录调查 / record the investigation",
    {"action": "record_investigation",
     "payload": {"completed_on": "2025-09-20", "supervisors": ["王磊", "孙丽"],
                 "findings": ["2025年5月至7月工资未按时足额支付 / wages for May-July 2025 not paid in full and on time"]}},
)
NEW_USER = examples(
    "新增一名调解员 / add a mediator",
    {"username": "mediator3", "display_name": "调解员 王静", "role": "mediator", "password": "choose-a-long-one-2026",
     "team_code": "union-med-1", "region": "shanghai-pudong"},
)
USER_CHANGE = {
    **examples("解除锁定 / unlock after repeated wrong passwords", {"unlock": True}, name="unlock"),
    **examples("调往仲裁委立案岗 / move to the commission's filing desk",
               {"role": "arbitration_clerk", "team_code": "arb-pd-1"}, name="move"),
}
SIGN_IN = form_example("application/x-www-form-urlencoded",
                       {"grant_type": "password", "username": "mediator", "password": "the-demo-password"})
EVIDENCE = form_example("multipart/form-data",
                        {"file": "工资条.pdf (PDF, JPEG or PNG)", "description": "2025年5月工资条 / payslip, May 2025"})
SIGNED_PDF = form_example("multipart/form-data", {"file": "工监意2026-7.pdf (the signed PDF as received)"})
BULK_LETTERS = form_example("multipart/form-data", {
    "file": "单位名称,统一社会信用代码,地址\n上海宏建劳务分包有限公司,91310115MA1K4B2C3J,上海市浦东新区申江路100号\n",
    "topic": "春节前工资支付提示 / wages before the Spring Festival",
})

NEW_ORGANISATION = examples(
    "新增一个街道人民调解委员会 / add a street people's mediation committee",
    {"code": "peoples-med-pd-zj", "kind": "peoples_mediation", "name_zh": "浦东新区张江镇人民调解委员会",
     "name_en": "Zhangjiang People's Mediation Committee, Pudong", "region": "shanghai-pudong"},
)
ORGANISATION_CHANGE = examples("指定机构负责人 / name the organisation's head", {"supervisor": "arb-head"})
NEW_TEAM = examples("新增一个仲裁庭 / add an arbitral tribunal team",
                    {"code": "arb-pd-2", "name_zh": "浦东新区劳动人事争议仲裁委员会第二仲裁庭",
                     "name_en": "Second tribunal, Pudong commission"})
TEAM_CHANGE = examples("团队改名 / rename a team",
                       {"name_zh": "浦东新区劳动人事争议仲裁委员会立案庭", "name_en": "Filing office, Pudong commission"})
AGENCY_TOKEN = form_example("application/x-www-form-urlencoded",
                            {"grant_type": "client_credentials", "client_id": "lfa_3f9c0a7d51e2b846",
                             "client_secret": "lfs_the-secret-shown-once", "scope": "referrals:write decisions:write"})
NEW_AGENCY_SYSTEM = examples("登记仲裁委的案件管理系统 / register the commission's case-management system",
                             {"name": "浦东仲裁委办案系统 / Pudong commission case system",
                              "scopes": ["referrals:write", "decisions:write", "events:read", "tasks:read"],
                              "webhook_url": "https://cms.arb-pd.example.cn/labourflow/events"})
ATTACHMENT = form_example("multipart/form-data", {"file": "仲裁庭审笔录.pdf (PDF, JPEG or PNG)",
                                                  "description": "庭审笔录 / hearing record"})
AGENCY_SYSTEM_CHANGE = examples("Webhook 改址 / the webhook moves",
                                {"webhook_url": "https://cms2.arb-pd.example.cn/labourflow/events"})
