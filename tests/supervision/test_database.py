"""Supervision's database code on SQLite and PostgreSQL: gap-free matter numbers under concurrent
opening, the suggestion query, idempotent projections ("run twice, one row"), batch rows."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from sqlmodel import func, select

from activities.deps import ActivityDeps
from activities.supervision import SupervisionActivities
from domain.bulk_letters import LetterIssued, LoadRows
from domain.intake import IntakeRequest
from domain.supervision import MatterOpening, RungProjection, RungRecord
from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.settings import Settings
from infrastructure.tables import Case, SupervisionBatch, SupervisionRung
from services.intake import register_case
from services.supervision.matters import MatterRefused, open_matter
from services.supervision.suggestions import complaints_in
from tests.stories import uscc
from tests.supervision.bulk_support import OPENER, new_batch
from tests.supervision.stories import complaint

COUNT = 20


def _opening(index: int) -> MatterOpening:
    employer = {"name": f"上海第{index}劳务有限公司", "uscc": uscc(f"91310115MA1R{index:05d}")}
    return MatterOpening.model_validate(
        {"employer": employer, "origin": "inspection", "origin_note": "检查"}
    )


async def test_concurrent_openings_get_gap_free_matter_numbers(db: Database) -> None:
    numbers = await asyncio.gather(
        *(open_matter(db, _opening(i), OPENER, date(2026, 11, 25)) for i in range(COUNT))
    )
    assert sorted(numbers) == [f"SV-2026-{n:06d}" for n in range(1, COUNT + 1)]
    with pytest.raises(MatterRefused, match="already open"):
        await open_matter(db, _opening(0), OPENER, date(2026, 11, 25))


async def test_linked_cases_leave_the_suggestions(db: Database, settings: Settings) -> None:
    keyring = Keyring.from_settings(settings)
    case_nos = []
    for _ in range(3):
        registered = await register_case(
            db, keyring, IntakeRequest.model_validate(complaint()), None
        )
        case_nos.append(registered.case_no)
    assert {c.case_no for c in await complaints_in(db, "shanghai-pudong")} == set(case_nos)
    async with db.session() as session:
        code = (await session.exec(select(Case.employer_uscc))).first()
    opening = {
        "employer": {"name": "上海宏建劳务分包有限公司", "uscc": code},
        "origin": "suggestion",
        "case_nos": case_nos[:2],
    }
    await open_matter(db, MatterOpening.model_validate(opening), OPENER, date(2026, 11, 25))
    assert [c.case_no for c in await complaints_in(db, "shanghai-pudong")] == case_nos[2:]
    assert await complaints_in(db, "hangzhou-xihu") == []


async def test_projections_run_twice_write_one_row(db: Database, settings: Settings) -> None:
    activities = SupervisionActivities(
        ActivityDeps(settings=settings, db=db, keyring=Keyring.from_settings(settings))
    )
    matter_no = await open_matter(db, _opening(1), OPENER, date(2026, 11, 25))
    record = RungRecord(
        seq=1,
        rung="opinion_notice",
        document_no="〔2026〕浦工监意字第1号",
        issued_on=date(2026, 11, 25),
    )
    projection = RungProjection(
        matter_no=matter_no, team_code="union-fed-1", region="shanghai-pudong", record=record
    )
    await activities.record_rung(projection)
    served = record.model_copy(update={"served_on": date(2026, 11, 25)})
    await activities.record_rung(projection.model_copy(update={"record": served}))
    async with db.session() as session:
        rows = (await session.exec(select(SupervisionRung))).all()
    assert len(rows) == 1 and rows[0].served_on == date(2026, 11, 25)

    batch_no = await new_batch(db, 3)
    assert [
        r.line for r in await activities.load_bulk_rows(LoadRows(batch_no=batch_no, limit=2))
    ] == [2, 3]
    issued = LetterIssued(
        batch_no=batch_no, line=2, document_id="d-2", document_no="〔2026〕浦工监提字第1号"
    )
    await activities.record_bulk_letter(issued)
    await activities.record_bulk_letter(issued)
    async with db.session() as session:
        batch = await session.get(SupervisionBatch, batch_no)
        total = (await session.exec(select(func.count()).select_from(SupervisionBatch))).one()
    assert batch is not None and (batch.issued, batch.failed, total) == (1, 0, 1)
    assert [
        r.line for r in await activities.load_bulk_rows(LoadRows(batch_no=batch_no, limit=5))
    ] == [3, 4]
