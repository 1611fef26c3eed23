"""Evidence files: type by content, size limit, encrypted on disk, one row; the stage-visit
projection
behind the dashboard's median days is written once per stage change."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from activities.deps import ActivityDeps
from activities.projections import ProjectionActivities
from domain.records import CaseStatusRecord
from infrastructure.tables import CaseStageVisit, Evidence
from services.evidence import (
    EvidenceRejected,
    check_evidence,
    evidence_path,
    read_evidence,
    store_evidence,
)
from tests.ui.conftest import World, file_case

PDF = "%PDF-1.7\n李建国 工资条 2026\n%%EOF".encode()


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("empty.pdf", b"", "evidence.empty"),
        ("slip.pdf", b"GIF89a...", "evidence.bad_type"),  # the name says PDF, the content does not
        ("big.png", b"\x89PNG\r\n\x1a\n" + bytes(2000), "evidence.too_large"),
    ],
)
def test_refused_files(name: str, data: bytes, code: str) -> None:
    with pytest.raises(EvidenceRejected) as refused:
        check_evidence(name, data, max_bytes=1000)
    assert refused.value.code == code


def test_accepted_types_by_content() -> None:
    assert check_evidence("x", PDF, 10_000).content_type == "application/pdf"
    assert (
        check_evidence("photo.jpeg", b"\xff\xd8\xff\xe0rest", 10_000).content_type == "image/jpeg"
    )
    assert (
        check_evidence("../../etc/passwd.png", b"\x89PNG\r\n\x1a\nrest", 10_000).filename
        == "passwd.png"
    )


async def test_stored_encrypted_outside_the_database(world: World) -> None:
    case_no, _ = await file_case(world)
    row = await store_evidence(
        world.settings,
        world.db,
        world.keyring,
        case_no,
        check_evidence("工资条.pdf", PDF, 10_000),
        description="5月工资条",
    )
    on_disk = evidence_path(world.settings, row.id).read_bytes()
    assert "李建国".encode() not in on_disk and b"%PDF" not in on_disk
    assert read_evidence(world.settings, world.keyring, row.id) == PDF
    async with world.db.session() as session:
        stored = (await session.exec(select(Evidence).where(Evidence.case_no == case_no))).one()
    assert stored.content_type == "application/pdf" and stored.size == len(PDF)
    assert world.keyring.decrypt_text(stored.filename_enc) == "工资条.pdf"


async def test_stage_visits_recorded_once_per_change(world: World) -> None:
    case_no, _ = await file_case(world)
    projections = ProjectionActivities(
        ActivityDeps(settings=world.settings, db=world.db, keyring=world.keyring)
    )
    status = CaseStatusRecord(
        case_no=case_no,
        stage="arbitration_eligible",
        channel=None,
        team_code="union-med-1",
        limitation_warning=False,
        next_deadline_on=date(2027, 1, 1),
        next_deadline_rule="D01",
        closed_on=None,
        closing_state=None,
        guidance_zh="",
        guidance_en="",
        worker_options=(),
    )
    await projections.record_case_status(status)
    await projections.record_case_status(status)  # a retried activity: no second visit
    async with world.db.session() as session:
        visits = (
            await session.exec(
                select(CaseStageVisit)
                .where(CaseStageVisit.case_no == case_no)
                .order_by(CaseStageVisit.id)
            )
        ).all()
    assert [(v.stage, v.left_at is None) for v in visits] == [
        ("mediation", False),
        ("arbitration_eligible", True),
    ]
