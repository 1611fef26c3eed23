"""Opening a supervision matter and starting its workflow.

The matter row, its case links and the workflow's start input are committed first (gap-free
SV-YYYY-NNNNNN number in the same transaction); then the workflow starts with a conflict policy
that reuses a running one. If Temporal is down the matter waits and starts on the next attempt.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import structlog
from sqlalchemy import text
from sqlmodel import col, select
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy

from domain.calendar import CalendarYear
from domain.ids import format_matter_no, supervision_workflow_id
from domain.regions import region
from domain.supervision import Issuer, MatterOpening, SupervisionInput
from infrastructure.db import Database
from infrastructure.settings import Settings
from infrastructure.tables import Case, SupervisionCaseLink, SupervisionMatter, Team
from services.errors import Refused
from services.organisations import holders_for

log = structlog.get_logger("labourflow.supervision")


class MatterRefused(Refused):
    """The matter cannot be opened as asked; the message says why (Chinese / English)."""


@dataclass(frozen=True)
class Opener:
    """The union staff member opening the matter."""

    username: str
    team_code: str
    region: str


async def next_serial(session: Any, kind: str, year: int) -> int:
    """Allocate the next serial of (kind, year) inside the caller's transaction (gap-free)."""
    result = await session.exec(
        text(
            "INSERT INTO supervision_counter (kind, year, last_serial) VALUES (:kind, :year, 1) "
            "ON CONFLICT (kind, year) "
            "DO UPDATE SET last_serial = supervision_counter.last_serial + 1 "
            "RETURNING last_serial"
        ).bindparams(kind=kind, year=year)
    )
    return int(result.scalar_one())


async def issuer_for(session: Any, team_code: str, region_code: str) -> Issuer:
    """The union printed on the notices: the region's federation name and 机关代字 for a
    federation team, else the team's own name."""
    team = await session.get(Team, team_code)
    federation = region(region_code).agencies.get("union_federation")
    if federation is not None and (team is None or team.kind == "union_federation"):
        return Issuer(name=federation.name, abbr=federation.abbr)
    return Issuer(name=team.name_zh if team else team_code)


async def _check_cases(session: Any, opening: MatterOpening, opener: Opener) -> None:
    if not opening.case_nos:
        return
    query = select(Case).where(col(Case.case_no).in_(opening.case_nos))
    found = {case.case_no: case for case in (await session.exec(query)).all()}
    for case_no in opening.case_nos:
        case = found.get(case_no)
        if case is None or case.region != opener.region:
            raise MatterRefused(
                f"案件{case_no}不存在或不属于本地区 / case {case_no} not found in your region"
            )
        if case.employer_uscc and case.employer_uscc != opening.employer.uscc:
            raise MatterRefused(
                f"案件{case_no}的用人单位信用代码不同 / case {case_no} names another employer"
            )


async def _open_matter_for(session: Any, uscc: str, team_code: str) -> str | None:
    query = select(SupervisionMatter.matter_no).where(
        SupervisionMatter.employer_uscc == uscc,
        SupervisionMatter.team_code == team_code,
        SupervisionMatter.status == "open",
    )
    found: str | None = (await session.exec(query)).first()
    return found


async def open_matter(
    db: Database,
    opening: MatterOpening,
    opener: Opener,
    today: date,
    calendar_years: tuple[CalendarYear, ...] = (),
) -> str:
    """Commit the matter (number, employer, links, start input); returns the matter number."""
    holders = await holders_for(db, opener.region)  # a lead transferred to the procuratorate reaches its own inbox
    async with db.session() as session:
        existing = await _open_matter_for(session, opening.employer.uscc, opener.team_code)
        if existing:
            raise MatterRefused(
                f"该用人单位已有在办监督事项{existing} / "
                f"{existing} is already open on this employer"
            )
        await _check_cases(session, opening, opener)
        matter_no = format_matter_no(today.year, await next_serial(session, "matter", today.year))
        inp = SupervisionInput(
            matter_no=matter_no,
            team_code=opener.team_code,
            region=opener.region,
            jurisdiction=region(opener.region).jurisdiction,
            issuer=await issuer_for(session, opener.team_code, opener.region),
            employer=opening.employer,
            origin=opening.origin,
            opened_on=today,
            opened_by=opener.username,
            case_nos=opening.case_nos,
            origin_note=opening.origin_note,
            signatory=opening.signatory,
            joint_mechanism=opening.joint_mechanism,
            calendar_years=calendar_years,
            teams=holders.teams,
        )
        employer = opening.employer
        session.add(
            SupervisionMatter(
                matter_no=matter_no,
                workflow_id=supervision_workflow_id(matter_no),
                team_code=opener.team_code,
                region=opener.region,
                jurisdiction=inp.jurisdiction,
                employer_name=employer.name,
                employer_uscc=employer.uscc,
                employer_address=employer.address,
                employer_kind=employer.kind.value,
                platform_uscc=employer.platform_uscc,
                origin=opening.origin.value,
                origin_note=opening.origin_note,
                opened_on=today,
                opened_by=opener.username,
                start_input=inp.model_dump(mode="json"),
            )
        )
        await session.flush()
        for case_no in opening.case_nos:
            session.add(SupervisionCaseLink(matter_no=matter_no, case_no=case_no))
        await session.commit()
    log.info("supervision matter opened", matter_no=matter_no, origin=opening.origin.value)
    return matter_no


def _by_no(matter_no: str) -> Any:
    return select(SupervisionMatter).where(SupervisionMatter.matter_no == matter_no)


async def start_matter(
    client: Client, settings: Settings, db: Database, matter_no: str, shift_days: int = 0
) -> None:
    """Start (or find running) the matter's workflow, then mark the row started."""
    async with db.session() as session:
        row = (await session.exec(_by_no(matter_no))).one()
    inp = SupervisionInput.model_validate(row.start_input)
    if shift_days:
        inp = inp.model_copy(update={"shift_days": shift_days})
    await client.start_workflow(
        "supervision-matter",
        inp,
        id=row.workflow_id,
        task_queue=settings.task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )
    async with db.session() as session:
        row = (await session.exec(_by_no(matter_no))).one()
        row.workflow_started, row.updated_at = True, datetime.now(UTC)
        session.add(row)
        await session.commit()
