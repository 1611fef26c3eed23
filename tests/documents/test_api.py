"""Downloading documents through the API: the case's own authorisation, one 404 for missing and
forbidden, workers see only the documents meant for them, matter documents for union staff."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from activities.deps import ActivityDeps
from activities.documents import DocumentActivities
from api.app import create_app
from api.i18n import Translator, catalogue
from api.routes.documents import DocumentPublic
from api.templating import page_environment
from devtools.document_samples import sample_for
from domain.documents import DocumentRef, DocumentType, RenderDocumentInput
from domain.roles import Role
from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.settings import Settings
from infrastructure.tables import Team
from infrastructure.tables.supervision import SupervisionMatter
from services.accounts import DEMO_TEAMS, create_user
from tests.documents.support import LI_ACCESS_CODE, LI_CASE_NO, insert_li_case, pdf_text

PASSWORD = "s3cret-pass!"


async def _issue(
    settings: Settings,
    db: Database,
    doc_type: DocumentType,
    subject: str,
    key: str,
    **extra: object,
) -> DocumentRef:
    activities = DocumentActivities(
        ActivityDeps(settings=settings, db=db, keyring=Keyring.from_settings(settings))
    )
    values: dict[str, object] = {
        "doc_type": doc_type,
        "subject": subject,
        "idempotency_key": key,
        "facts": sample_for(doc_type).facts,
        "issued_on": sample_for(doc_type).issued_on,
    }
    return await activities.render_document(RenderDocumentInput.model_validate(values | extra))


@pytest.fixture
async def world(settings: Settings, sqlite_db: Database) -> dict[str, DocumentRef]:
    """Story 1's case with a receipt and a union referral; a union matter's opinion notice."""
    keyring = Keyring.from_settings(settings)
    async with sqlite_db.session() as session:
        for team in DEMO_TEAMS:
            session.add(Team.model_validate(team.model_dump()))
        await session.commit()
    await insert_li_case(sqlite_db, keyring)
    await insert_li_case(
        sqlite_db, keyring, case_no="LD-2026-000124", access_code="AAAA-BBBB-CCCC", team_code=None
    )
    for username, role, team, region in (
        ("mediator", Role.mediator, "union-med-1", "shanghai-pudong"),
        ("other", Role.mediator, "peoples-med-1", "shanghai-pudong"),
        ("union", Role.union_legal, "union-fed-1", "shanghai-pudong"),
        ("union-hz", Role.union_legal, None, "hangzhou-xihu"),  # a union legal worker sits in no mediation team
    ):
        await create_user(
            sqlite_db,
            username=username,
            role=role,
            password=PASSWORD,
            display_name=username,
            team_code=team,
            region=region,
        )
    async with sqlite_db.session() as session:
        session.add(
            SupervisionMatter(
                matter_no="SV-2026-000007",
                workflow_id="supervision-SV-2026-000007",
                team_code="union-fed-1",
                region="shanghai-pudong",
                jurisdiction="national",
                employer_name="上海某某物流有限公司",
                employer_uscc="91310115MA1K000000",
                origin="complaints",
                opened_on=date(2026, 9, 1),
                opened_by="union",
                start_input={},
            )
        )
        await session.commit()
    case = f"case:{LI_CASE_NO}"
    return {
        "receipt": await _issue(settings, sqlite_db, DocumentType.case_receipt, case, "receipt/1"),
        "referral": await _issue(
            settings,
            sqlite_db,
            DocumentType.inspection_referral_letter,
            case,
            "referral/1",
            facts={
                k: v
                for k, v in sample_for(DocumentType.inspection_referral_letter).facts.items()
                if k != "employer"
            },
        ),
        "opinion": await _issue(
            settings,
            sqlite_db,
            DocumentType.opinion_notice,
            "matter:SV-2026-000007",
            "opinion/1",
            number_series="union-fed-1/opinion_notice",
            issued_on=date(2026, 9, 21),
        ),
    }


async def _token(http: httpx.AsyncClient, username: str) -> dict[str, str]:
    response = await http.post(
        "/api/v1/auth/token", data={"username": username, "password": PASSWORD}
    )
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture
async def http(settings: Settings, sqlite_db: Database) -> httpx.AsyncClient:
    app = create_app(settings, db=sqlite_db)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        yield client  # type: ignore[misc]


async def test_worker_lists_and_downloads_their_documents(
    world: dict[str, DocumentRef], http: httpx.AsyncClient, settings: Settings
) -> None:
    worker = {"X-Access-Code": LI_ACCESS_CODE}
    listed = await http.get(f"/api/v1/cases/{LI_CASE_NO}/documents", headers=worker)
    assert listed.status_code == 200
    assert [d["doc_type"] for d in listed.json()["items"]] == ["case_receipt"]  # not the union's letter
    assert listed.json()["total"] == 1
    pdf = await http.get(listed.json()["items"][0]["pdf_url"], headers=worker)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["cache-control"] == "private, no-store"
    assert "K7QM-4XTP-9HRW" in pdf_text(pdf.content)
    html = await http.get(
        f"/api/v1/documents/{world['receipt'].document_id}?format=html", headers=worker
    )
    assert html.status_code == 200 and "受理回执" in html.text
    assert "default-src 'none'" in html.headers["content-security-policy"]
    # the status page's block shows the same list
    documents = [DocumentPublic.model_validate(d) for d in listed.json()["items"]]
    pages = page_environment(settings.templates_dir)
    block = pages.get_template("_case_documents.html").render(
        documents=documents, lang="zh", t=Translator(catalogue(settings.templates_dir), "zh")
    )
    assert "我的文书" in block and "受理回执" in block and world["receipt"].document_id in block
    assert "转办函" not in block


async def test_missing_and_forbidden_look_the_same(
    world: dict[str, DocumentRef], http: httpx.AsyncClient
) -> None:
    receipt = f"/api/v1/documents/{world['receipt'].document_id}"
    answers = [
        await http.get(receipt),  # nobody
        await http.get(receipt, headers={"X-Access-Code": "AAAA-BBBB-CCCC"}),  # another case's code
        await http.get(
            f"/api/v1/documents/{world['referral'].document_id}",
            headers={"X-Access-Code": LI_ACCESS_CODE},
        ),  # the worker, a letter not for them
        await http.get(
            "/api/v1/documents/00000000-0000-0000-0000-000000000000",
            headers={"X-Access-Code": LI_ACCESS_CODE},
        ),  # missing
        await http.get(
            f"/api/v1/documents/{world['opinion'].document_id}",
            headers={"X-Access-Code": LI_ACCESS_CODE},
        ),  # a matter document
        await http.get(
            f"/api/v1/cases/{LI_CASE_NO}/documents", headers=await _token(http, "other")
        ),
    ]
    assert {(r.status_code, r.json()["detail"]) for r in answers} == {(404, "未找到 / not found")}


async def test_staff_see_what_their_role_allows(
    world: dict[str, DocumentRef], http: httpx.AsyncClient
) -> None:
    mediator = await _token(http, "mediator")
    listed = await http.get(f"/api/v1/cases/{LI_CASE_NO}/documents", headers=mediator)
    assert {d["doc_type"] for d in listed.json()["items"]} == {"case_receipt", "inspection_referral_letter"}
    assert (
        await http.get(f"/api/v1/documents/{world['referral'].document_id}", headers=mediator)
    ).status_code == 200
    assert (
        await http.get(f"/api/v1/documents/{world['opinion'].document_id}", headers=mediator)
    ).status_code == 404
    union = await _token(http, "union")
    matter = await http.get("/api/v1/matters/SV-2026-000007/documents", headers=union)
    assert [d["document_no"] for d in matter.json()["items"]] == ["〔2026〕浦工监意字第1号"]
    opinion = await http.get(matter.json()["items"][0]["pdf_url"], headers=union)
    assert opinion.status_code == 200 and "工会劳动法律监督意见书" in pdf_text(opinion.content)
    assert "filename*=UTF-8''" in opinion.headers["content-disposition"]
    # union legal staff of another region see neither the matter's list nor its documents
    far = await _token(http, "union-hz")
    assert (await http.get("/api/v1/matters/SV-2026-000007/documents", headers=far)).status_code == 404
    assert (await http.get(matter.json()["items"][0]["pdf_url"], headers=far)).status_code == 404
