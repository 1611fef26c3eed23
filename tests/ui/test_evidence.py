"""Evidence files: type by content, size limit, encrypted in the object store, one row; files an
earlier version wrote to disk are still read; the stage-visit projection behind the dashboard's
median days is written once per stage change."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from activities.deps import ActivityDeps
from activities.projections import ProjectionActivities
from domain.records import CaseStatusRecord
from infrastructure.storage import BlobNotFound, blob_store_for
from infrastructure.tables import CaseStageVisit, Evidence
from services.evidence import (
    EvidenceRejected,
    check_evidence,
    evidence_key,
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


async def test_stored_encrypted_in_the_object_store(world: World) -> None:
    case_no, _ = await file_case(world)
    storage = blob_store_for(world.settings, world.db)
    row = await store_evidence(
        storage,
        world.db,
        world.keyring,
        case_no,
        check_evidence("工资条.pdf", PDF, 10_000),
        description="5月工资条",
    )
    stored_bytes = await storage.store.get(evidence_key(row.id))  # the store itself, no disk fallback
    assert "李建国".encode() not in stored_bytes and b"%PDF" not in stored_bytes
    assert not world.settings.resolved_evidence_dir.exists()  # nothing on this node's disk
    assert await read_evidence(storage, world.keyring, row.id) == PDF
    async with world.db.session() as session:
        stored = (await session.exec(select(Evidence).where(Evidence.case_no == case_no))).one()
    assert stored.content_type == "application/pdf" and stored.size == len(PDF)
    assert world.keyring.decrypt_text(stored.filename_enc) == "工资条.pdf"


async def test_files_written_to_disk_by_an_earlier_version_are_still_read(world: World) -> None:
    """The upgrade path: an evidence file in LABOURFLOW_EVIDENCE_DIR and not in the store is read
    from disk until `labourflow storage import` copies it in."""
    from infrastructure.storage import copy_folders

    evidence_id = "0f1e2d3c-0000-4000-8000-000000000001"
    kid, blob = world.keyring.encrypt(PDF, associated=evidence_id.encode())
    old_file = world.settings.resolved_evidence_dir / evidence_id[:2] / f"{evidence_id}.bin"  # the old layout
    old_file.parent.mkdir(parents=True)
    old_file.write_bytes(kid.encode() + b":" + blob)
    storage = blob_store_for(world.settings, world.db)
    with pytest.raises(BlobNotFound):
        await storage.store.get(evidence_key(evidence_id))
    assert await read_evidence(storage, world.keyring, evidence_id) == PDF
    assert await copy_folders(storage) == (1, 0)
    old_file.unlink()
    assert await read_evidence(storage, world.keyring, evidence_id) == PDF  # now from the store
    assert await copy_folders(storage) == (0, 0)


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
