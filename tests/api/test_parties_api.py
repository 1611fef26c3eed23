"""Respondents through the JSON API and the intake form: several per case, each with its role and
credit code; the suggestion rule counts every respondent named by credit code."""

from __future__ import annotations

from sqlmodel import col, select

from domain.china_time import china_today
from infrastructure.tables import CaseRespondent
from services.dashboard import dashboard
from services.supervision.suggestions import complaints_in
from tests.api.conftest import Api
from tests.stories import PARTNER_FIRM_USCC, PLATFORM_USCC, rider, wage_arrears


async def test_a_rider_files_against_the_partner_firm_and_the_platform(api: Api) -> None:
    filed = await api.http.post("/api/v1/cases", json=rider())
    assert filed.status_code == 201, filed.text
    case_no, code = filed.json()["case_no"], filed.json()["access_code"]
    view = (await api.http.get(f"/api/v1/cases/{case_no}", headers={"X-Access-Code": code})).json()
    assert [(r["seq"], r["role"], r["uscc"]) for r in view["respondents"]] == [
        (1, "partner", PARTNER_FIRM_USCC), (2, "platform", PLATFORM_USCC)]
    assert view["employer"]["uscc"] == PARTNER_FIRM_USCC
    async with api.deps.db.session() as session:
        rows = (await session.exec(select(CaseRespondent).where(CaseRespondent.case_no == case_no)
                                   .order_by(col(CaseRespondent.seq)))).all()
    assert rows[1].contact_enc and "1391666" not in rows[1].contact_enc, "contacts are stored encrypted"
    assert api.deps.keyring.decrypt_text(rows[1].contact_enc) == "13916660000"

    complaints = await complaints_in(api.deps.db, "shanghai-pudong")
    assert {c.employer_uscc for c in complaints if c.case_no == case_no} == {PARTNER_FIRM_USCC, PLATFORM_USCC}
    board = await dashboard(api.deps.db, china_today())
    assert board.open_respondents_by_role == {"partner": 1, "platform": 1}


async def test_a_bad_credit_code_of_a_second_respondent_is_a_field_error(api: Api) -> None:
    body = rider()
    body["respondents"][0]["uscc"] = PLATFORM_USCC[:17] + ("0" if PLATFORM_USCC[17] != "0" else "1")
    refused = await api.http.post("/api/v1/cases", json=body)
    assert refused.status_code == 422
    fields = {tuple(e["loc"]) if "loc" in e else e.get("field"): e for e in refused.json()["errors"]}
    assert any("respondents" in str(where) and "uscc" in str(where) for where in fields), refused.json()


async def test_the_form_takes_further_respondents(api: Api) -> None:
    page = await api.http.get("/")
    assert 'name="respondents.0.name"' in page.text and 'name="employer.role"' in page.text
    def hidden(name: str) -> str:
        return page.text.split(f'name="{name}" value="', 1)[1].split('"', 1)[0]

    csrf = hidden("csrf_token")
    body = wage_arrears()
    form = {
        "csrf_token": csrf, "form_token": hidden("form_token"), "form_started": hidden("form_started"),
        "worker.name": body["worker"]["name"], "worker.id_number": body["worker"]["id_number"],
        "worker.mobile": body["worker"]["mobile"], "worker_count": "1", "employer.name": "上海众骑劳务外包有限公司",
        "employer.uscc": PARTNER_FIRM_USCC, "employer.role": "partner", "employer.contact": "",
        "respondents.0.role": "platform", "respondents.0.name": "上海快送信息科技有限公司", "respondents.0.uscc": PLATFORM_USCC,
        "respondents.1.role": "employer", "respondents.1.name": "", "region": "310115", "category": "wage_arrears",
        "description": body["description"], "knew_on": body["knew_on"], "still_employed": "false",
        "employment_ended_on": body["employment_ended_on"], "claims.0.kind": "wages", "claims.0.amount": "12000",
        "consent_personal_information": "true", "consent_sensitive_information": "true",
    }
    posted = await api.http.post("/", data=form, follow_redirects=False)
    assert posted.status_code == 303, posted.text[:2000]
    case_no = posted.headers["location"].rsplit("/", 1)[-1]
    async with api.deps.db.session() as session:
        roles = (await session.exec(select(CaseRespondent.role).where(CaseRespondent.case_no == case_no)
                                    .order_by(col(CaseRespondent.seq)))).all()
    assert list(roles) == ["partner", "platform"]
