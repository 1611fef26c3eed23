"""The intake's writes (`services.intake`): registrations under concurrency get gap-free numbers and
every row, with the region's agencies read in the same transaction; the "workflow started" marks are
committed before their callers go on (or, for an intake, after it has answered, seen meanwhile by
this process's readers), grouped under a burst, and a failed group fails each of its callers and
leaves the case to the pending starts."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlmodel import col, select

from domain.intake import IntakeRequest
from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.tables import Case, CaseClaim, CaseRespondent, IdempotencyKey
from services.intake import StartRow, pending_starts, register_case
from services.started_marks import StartedMarks, started_here, started_marks
from tests.stories import wage_arrears


async def _register(db: Database, keyring: Keyring, count: int) -> list[str]:
    request = IntakeRequest.model_validate(wage_arrears())
    registered = await asyncio.gather(*(register_case(db, keyring, request, None) for _ in range(count)))
    return [r.case_no for r in registered]


async def test_concurrent_registrations_get_consecutive_numbers_and_all_their_rows(db: Database, keyring: Keyring) -> None:
    numbers = await _register(db, keyring, 30)
    serials = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert serials == list(range(serials[0], serials[0] + 30)), "gap-free and none repeated"
    claims = len(IntakeRequest.model_validate(wage_arrears()).claims)
    async with db.session() as session:
        cases = (await session.exec(select(Case).where(col(Case.case_no).in_(numbers)))).all()
        claim_rows = (await session.exec(select(CaseClaim).where(col(CaseClaim.case_no).in_(numbers)))).all()
    assert len(cases) == 30 and len(claim_rows) == 30 * claims
    # the facts carry the number the transaction allocated, not the one they were made with
    assert all(case.facts["case_no"] == case.case_no for case in cases)
    assert all(case.pending_start_enc and not case.workflow_started for case in cases)


async def test_the_rows_registered_are_what_the_start_is_given(db: Database, keyring: Keyring) -> None:
    """Registering inserts plain rows (no ORM objects): the model's defaults still apply, every party
    and claim is there, and what the workflow's start is handed equals what is read back later."""
    request = IntakeRequest.model_validate(wage_arrears())
    registered = await register_case(db, keyring, request, "key-rows-1")
    async with db.session() as session:
        case = (await session.exec(select(Case).where(Case.case_no == registered.case_no))).one()
        claims = (await session.exec(select(CaseClaim).where(CaseClaim.case_no == case.case_no).order_by(col(CaseClaim.seq)))).all()
        parties = (await session.exec(select(CaseRespondent).where(CaseRespondent.case_no == case.case_no))).all()
        key = await session.get(IdempotencyKey, "key-rows-1")
    assert registered.row == StartRow.of(case, keyring) and registered.row.access_code == registered.access_code
    assert (case.stage, case.worker_options, case.access_failures, case.workflow_started) == ("intake", [], 0, False)
    assert case.created_at is not None and case.updated_at is not None
    assert keyring.decrypt_text(case.worker_name_enc) == request.worker.name
    assert [(c.seq, c.kind, c.amount) for c in claims] == [
        (seq, claim.kind.value, claim.amount) for seq, claim in enumerate(request.claims, start=1)]
    assert [(p.seq, p.name, p.served_documents) for p in parties] == [
        (seq, party.name, {}) for seq, party in enumerate(request.parties, start=1)]
    assert key is not None and key.case_no == case.case_no and key.created_at is not None
    again = await register_case(db, keyring, request, "key-rows-1")
    assert (again.case_no, again.access_code, again.created, again.row) == (case.case_no, registered.access_code, False, None)


async def test_started_marks_are_committed_and_grouped_under_a_burst(
    db: Database, keyring: Keyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    numbers = await _register(db, keyring, 20)
    transactions: list[Any] = []
    write = db.write

    async def counted(work: Any) -> Any:
        transactions.append(work)
        return await write(work)

    monkeypatch.setattr(db, "write", counted)
    marks = StartedMarks()
    await marks.mark(db, numbers[0])  # alone: its own transaction, committed before it returns
    async with db.session() as session:
        first = (await session.exec(select(Case).where(Case.case_no == numbers[0]))).one()
    assert first.workflow_started and first.pending_start_enc is None and len(transactions) == 1

    await asyncio.gather(*(marks.mark(db, n) for n in numbers[1:]))
    async with db.session() as session:
        started = (await session.exec(select(Case.case_no).where(col(Case.case_no).in_(numbers), Case.workflow_started == True))).all()  # noqa: E712
    assert sorted(started) == sorted(numbers), "every mark committed"
    assert 2 <= len(transactions) <= 3, f"19 marks at once went in {len(transactions) - 1} transactions"


async def test_the_marks_of_a_database_do_not_keep_it_alive(db: Database, keyring: Keyring) -> None:
    import gc
    import weakref

    from services.started_marks import _MARKS
    from services.started_marks import started_marks as _started_marks

    other = Database(db.url)
    await _started_marks(other).mark(other, (await _register(other, keyring, 1))[0])
    assert other in _MARKS
    await other.dispose()
    gone = weakref.ref(other)
    del other
    gc.collect()
    assert gone() is None, "the group-commit state held the database"


async def test_a_failed_group_fails_each_caller_and_the_next_group_runs(db: Database, keyring: Keyring,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    numbers = await _register(db, keyring, 4)
    write, failing = db.write, [True]

    async def flaky(work: Any) -> Any:
        if failing.pop() if failing else False:
            raise RuntimeError("database went away")
        return await write(work)

    monkeypatch.setattr(db, "write", flaky)
    marks = StartedMarks()
    outcomes = await asyncio.gather(*(marks.mark(db, n) for n in numbers[:3]), return_exceptions=True)
    assert all(isinstance(o, RuntimeError) for o in outcomes), outcomes  # one group, one failure for each
    await marks.mark(db, numbers[3])
    async with db.session() as session:
        started = (await session.exec(select(Case.case_no).where(col(Case.case_no).in_(numbers), Case.workflow_started == True))).all()  # noqa: E712
    assert started == [numbers[3]], "the failed group wrote nothing; the next one ran"


async def _started_in_database(db: Database, numbers: list[str]) -> list[str]:
    async with db.session() as session:
        return list((await session.exec(select(Case.case_no).where(col(Case.case_no).in_(numbers),
                                                                   Case.workflow_started == True))).all())  # noqa: E712


async def test_an_intake_answers_before_its_mark_is_written_and_this_process_reads_it_started(
    db: Database, keyring: Keyring
) -> None:
    numbers = await _register(db, keyring, 3)
    marks = started_marks(db)
    for number in numbers:
        marks.mark_soon(db, number)  # returns at once: nothing is written before this task awaits
    assert all(started_here(db, n) for n in numbers), "read as started while the mark is being written"
    await marks.drain()
    assert sorted(await _started_in_database(db, numbers)) == sorted(numbers)
    assert not any(started_here(db, n) for n in numbers), "once written, the database answers"


async def test_a_mark_that_could_not_be_written_leaves_the_case_to_the_pending_starts(
    db: Database, keyring: Keyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import timedelta

    [number] = await _register(db, keyring, 1)

    async def failing(work: Any) -> Any:
        raise RuntimeError("database went away")

    monkeypatch.setattr(db, "write", failing)
    marks = started_marks(db)
    marks.mark_soon(db, number)
    await marks.drain()
    monkeypatch.undo()
    assert not started_here(db, number) and await _started_in_database(db, [number]) == []
    async with db.session() as session:
        case = (await session.exec(select(Case).where(Case.case_no == number))).one()
    assert case.pending_start_enc, "the start input is kept for the retry"
    assert number in await pending_starts(db, older_than=timedelta(0)), "the pending starts will start it again"
