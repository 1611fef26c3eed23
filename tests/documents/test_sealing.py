"""Who signs an issued document: the organisation its facts name as issuer, else the holder of its
case or matter, else the platform; the worker's own applications are the platform's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from devtools.document_samples import sample_for
from domain.documents import CATALOGUE, DocumentType
from infrastructure.db import Database
from infrastructure.documents.sealing import Issuer, issuer_of
from infrastructure.settings import Settings
from infrastructure.tables import Organisation, SupervisionMatter, Team
from tests.documents.support import insert_li_case

UNION = "上海市浦东新区总工会"
CENTRE = "上海市浦东新区总工会劳动争议调解中心"


@dataclass(frozen=True)
class Case:
    why: str
    doc_type: DocumentType
    subject: str
    expected: tuple[str, str] | None  # None: the platform


CASES = [
    Case("a union letter: the union its facts name", DocumentType.opinion_notice, "matter:SV-2026-000007", ("pd-union", UNION)),
    Case("the worker's application: the platform, not its addressee", DocumentType.mediation_application, "case:LD-2026-000123", None),
    Case(
        "a receipt names no issuer: the organisation holding the case",
        DocumentType.case_receipt,
        "case:LD-2026-000123",
        ("pd-centre", CENTRE),
    ),
    Case(
        "an agreement of a mediation committee unknown here: the holder",
        DocumentType.mediation_agreement,
        "case:LD-2026-000123",
        ("pd-centre", CENTRE),
    ),
    Case("a summary report of a case nobody holds: the platform", DocumentType.case_summary_report, "case:LD-2026-000999", None),
]


@pytest.fixture
async def agencies(sqlite_db: Database, settings: Settings) -> Database:
    from infrastructure.crypto import Keyring

    async with sqlite_db.session() as session:
        session.add(Organisation(code="pd-union", kind="union_federation", name_zh=UNION, name_en="Pudong union", region="shanghai-pudong"))
        session.add(
            Organisation(code="pd-centre", kind="union_mediation", name_zh=CENTRE, name_en="Pudong centre", region="shanghai-pudong")
        )
        await session.commit()
        session.add(
            Team(
                code="union-med-1",
                name_zh="调解一组",
                name_en="Team 1",
                kind="union_mediation",
                region="shanghai-pudong",
                organisation_code="pd-centre",
            )
        )
        session.add(Team(code="union-fed-1", name_zh="法律监督组", name_en="Legal", kind="union_federation", region="shanghai-pudong"))
        await session.commit()
        session.add(
            SupervisionMatter(
                matter_no="SV-2026-000007",
                workflow_id="supervision-SV-2026-000007",
                team_code="union-fed-1",
                region="shanghai-pudong",
                jurisdiction="national",
                employer_name="某公司",
                employer_uscc="91310115MA1K000000",
                origin="complaints",
                opened_on=date(2026, 9, 1),
                opened_by="union",
                start_input={},
            )
        )
        await session.commit()
    await insert_li_case(sqlite_db, Keyring.from_settings(settings), team_code="union-med-1")
    return sqlite_db


@pytest.mark.parametrize("case", CASES, ids=[c.why for c in CASES])
async def test_who_signs(case: Case, agencies: Database, settings: Settings) -> None:
    issuer = await issuer_of(agencies, settings, CATALOGUE[case.doc_type], case.subject, sample_for(case.doc_type).facts)
    expected = Issuer(*case.expected) if case.expected else Issuer(settings.signing_platform_code, settings.signing_platform_name)
    assert issuer == expected


async def test_a_team_outside_any_organisation_signs_itself(agencies: Database, settings: Settings) -> None:
    facts = sample_for(DocumentType.opinion_notice).facts | {"issuer": {"name": "某街道工会", "abbr": "某"}}
    issuer = await issuer_of(agencies, settings, CATALOGUE[DocumentType.opinion_notice], "matter:SV-2026-000007", facts)
    assert issuer == Issuer("union-fed-1", "法律监督组")  # the matter's team, which belongs to no organisation
