"""The inbox is paged in the database: each list ("mine", "team") 50 tasks a page on its own, dated
tasks first by due date (overdue leading), undated last, ties by task id, so consecutive pages
neither overlap nor skip. The JSON API refuses bad page numbers with 422 naming the parameter; the
page forgives them (page 1, or the last page when past the end). Totals are in the headings, and
previous/next links keep the other list's page and the language."""

from __future__ import annotations

import html
import random
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from sqlalchemy import event

from domain.china_time import china_today
from domain.roles import Role, StaffPrincipal
from infrastructure.tables import Task
from services.inbox import INBOX_PER_PAGE, inbox
from tests.ui.conftest import World, client_for, file_case, sign_in

MINE_SEEDED = 120  # plus the filed case's own mediation task: 121 = 50 + 50 + 21
TEAM_SEEDED = 60  # 50 + 10


@dataclass(frozen=True)
class Seeded:
    case_no: str
    mine: list[str]  # task ids in the order the inbox must show them
    team: list[str]
    overdue_mine: int
    everyone_open: int  # open tasks in the whole system


def _order(tasks: list[tuple[str, date | None]]) -> list[str]:
    """The inbox order, written independently of the query: dated by date, undated last, then id."""
    return [
        task_id
        for task_id, due in sorted(tasks, key=lambda t: (t[1] is None, t[1] or date.max, t[0]))
    ]


def _task(task_id: str, case_no: str, due: date | None, **fields: Any) -> Task:
    return Task(
        task_id=task_id,
        subject=f"case:{case_no}",
        workflow_id=f"case/{case_no}/mediation/1",
        kind="mediate",
        role="mediator",
        due_on=due,
        title_zh=f"待办 {task_id}",
        title_en=f"Todo {task_id}",
        actions=["record_session"],
        **fields,
    )


@pytest.fixture
async def seeded(world: World) -> Seeded:
    """One real case (its mediation task is the mediator's), 120 more tasks of the mediator and 60
    of the rest of the team (mediator2's and unassigned), some due on the same day, a fifth
    undated, inserted in shuffled order with shuffled ids; plus tasks the mediator must not see
    (another team's, done and cancelled ones)."""
    case_no, _ = await file_case(world)
    today = china_today()
    rng = random.Random(20260)
    mine: list[tuple[str, date | None]] = [
        (f"case/{case_no}/mediation/1#3:task-mediate", today + timedelta(days=15))
    ]
    team: list[tuple[str, date | None]] = []
    rows: list[Task] = []
    ids = list(range(MINE_SEEDED))
    rng.shuffle(ids)
    for n, number in enumerate(ids):
        # three tasks per day from 15 days overdue to 24 days ahead (ties), the last 20 undated
        due = today + timedelta(days=n % 40 - 15) if n < 100 else None
        task_id = f"seed/m/{number:03d}"
        mine.append((task_id, due))
        rows.append(_task(task_id, case_no, due, team_code="union-med-1", assignee="mediator"))
    ids = list(range(TEAM_SEEDED))
    rng.shuffle(ids)
    for n, number in enumerate(ids):
        due = today + timedelta(days=n % 25 - 5) if n < 50 else None
        task_id = f"seed/t/{number:03d}"
        team.append((task_id, due))
        assignee = "mediator2" if n % 3 else None
        rows.append(_task(task_id, case_no, due, team_code="union-med-1", assignee=assignee))
    for n in range(10):  # another team's; and closed ones of this team
        rows.append(
            _task(f"seed/hz/{n:03d}", case_no, today, team_code="union-med-hz", assignee="mediator-hz")
        )
        rows.append(
            _task(
                f"seed/done/{n:03d}",
                case_no,
                today - timedelta(days=30),
                team_code="union-med-1",
                assignee="mediator",
                status="done",
            )
        )
        rows.append(
            _task(
                f"seed/cancelled/{n:03d}",
                case_no,
                today - timedelta(days=30),
                team_code="union-med-1",
                status="cancelled",
            )
        )
    rng.shuffle(rows)
    async with world.db.session() as session:
        session.add_all(rows)
        await session.commit()
    return Seeded(
        case_no=case_no,
        mine=_order(mine),
        team=_order(team),
        overdue_mine=sum(1 for _, due in mine if due and due < today),
        everyone_open=len(mine) + len(team) + 10,
    )


@asynccontextmanager
async def _signed_in(world: World, username: str = "mediator") -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(world) as client:
        await sign_in(client, username)
        yield client


def _ids(rows: list[dict[str, Any]]) -> list[str]:
    return [r["task_id"] for r in rows]


def _section(page: str, name: str) -> str:
    """The part of the inbox page holding one list: "mine" or "team"."""
    mine_at, team_at = page.index('id="mine-title"'), page.index('id="team-title"')
    return page[mine_at:team_at] if name == "mine" else page[team_at:]


def _listed(section: str) -> list[str]:
    """Task ids in the order the table shows them (each row links to its task page)."""
    return [unquote(html.unescape(u)) for u in re.findall(r'<a href="/tasks/([^"]+)">', section)]


def _link(section: str, rel: str) -> str | None:
    match = re.search(rf'<a href="([^"]+)" rel="{rel}">', section)
    return html.unescape(match.group(1)) if match else None


async def test_the_api_pages_each_list_in_due_order_without_overlap_or_gap(
    world: World, seeded: Seeded
) -> None:
    async with _signed_in(world) as mediator:

        async def page(scope: str, **params: int) -> dict[str, Any]:
            answer = await mediator.get("/api/v1/tasks", params={"scope": scope, **params})
            assert answer.status_code == 200, answer.text
            return dict(answer.json())

        first = await page("mine")
        assert INBOX_PER_PAGE == 50
        assert (first["total"], first["page"], first["pages"], first["per_page"]) == (121, 1, 3, 50)
        assert _ids(first["items"]) == seeded.mine[:50]
        assert 0 < seeded.overdue_mine < 50
        overdue = [r["overdue"] for r in first["items"]]
        assert overdue == [True] * seeded.overdue_mine + [False] * (50 - seeded.overdue_mine)
        assert all(r["employer"] and r["case_no"] == seeded.case_no for r in first["items"])
        team = await page("team")
        assert (team["total"], team["pages"]) == (60, 2) and _ids(team["items"]) == seeded.team[:50]
        assert {r["assignee"] for r in team["items"]} == {"mediator2", None}

        second, third = await page("mine", page=2), await page("mine", page=3)
        assert _ids(second["items"]) == seeded.mine[50:100]
        assert _ids(third["items"]) == seeded.mine[100:] and len(third["items"]) == 21
        assert third["items"][-1]["due_on"] is None  # undated last
        assert _ids((await page("team", page=2))["items"]) == seeded.team[50:]
        paged = _ids(first["items"]) + _ids(second["items"]) + _ids(third["items"])
        assert len(set(paged)) == len(paged) == 121 and paged == seeded.mine

        past = await page("mine", page=4)
        assert (past["items"], past["total"], past["page"], past["pages"]) == ([], 121, 4, 3)

        both = await page("all", per_page=200)
        assert both["total"] == 181 and set(_ids(both["items"])) == set(seeded.mine) | set(seeded.team)
        assert [r["due_on"] for r in both["items"] if r["due_on"]] == sorted(r["due_on"] for r in both["items"] if r["due_on"])
        assert _ids((await page("mine", per_page=200))["items"]) == seeded.mine
        small = await page("mine", per_page=7, page=3)
        assert _ids(small["items"]) == seeded.mine[14:21] and small["pages"] == 18


async def test_other_teams_and_administrators_see_their_own_totals(
    world: World, seeded: Seeded
) -> None:
    async with _signed_in(world, "mediator-hz") as stranger:
        mine = (await stranger.get("/api/v1/tasks", params={"scope": "mine"})).json()
        theirs = (await stranger.get("/api/v1/tasks", params={"scope": "team"})).json()
        assert (mine["total"], theirs["total"], theirs["items"]) == (10, 0, [])
    async with _signed_in(world, "admin") as admin:
        everyone = (await admin.get("/api/v1/tasks", params={"scope": "team", "page": 4})).json()
        assert everyone["total"] == seeded.everyone_open
        assert everyone["pages"] == 4 and len(everyone["items"]) == seeded.everyone_open - 150


BAD_API_PAGES = [
    ("page", "0"),
    ("page", "abc"),
    ("page", "-1"),
    ("page", "100001"),
    ("page", "2.5"),
    ("per_page", "0"),
    ("per_page", "201"),
    ("scope", "others"),
]


async def test_the_api_refuses_a_bad_page_with_422_naming_the_parameter(world: World) -> None:
    async with _signed_in(world) as mediator:
        for name, value in BAD_API_PAGES:
            answer = await mediator.get("/api/v1/tasks", params={name: value})
            assert answer.status_code == 422, (name, value)
            assert answer.headers["content-type"] == "application/problem+json"
            assert [e["field"] for e in answer.json()["errors"]] == [name], (name, value)
            assert name in answer.json()["detail"], (name, value)


async def test_the_inbox_is_five_queries_whatever_its_size(world: World, seeded: Seeded) -> None:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    engine = world.db.engine.sync_engine
    mediator = StaffPrincipal(0, "mediator", Role.mediator, "union-med-1", "shanghai-pudong")
    event.listen(engine, "before_cursor_execute", count)
    try:
        page = await inbox(world.db, mediator, china_today(), mine_page=2, per_page=200)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(page.mine) == 0 and len(page.team) == 60
    # a COUNT and a page per list, then the cases of both pages
    assert len(statements) == 5, statements
    assert sum(bool(re.search(r"\bLIMIT\b", s)) for s in statements) == 2


async def test_the_page_shows_totals_and_pages_through_each_list(
    world: World, seeded: Seeded
) -> None:
    async with _signed_in(world) as mediator:
        page = (await mediator.get("/inbox")).text
        assert "我的任务 (121)" in page and "团队其他任务 (60)" in page
        mine, team = _section(page, "mine"), _section(page, "team")
        assert _listed(mine) == seeded.mine[:50] and _listed(team) == seeded.team[:50]
        assert "第 1 页，共 3 页" in mine and "第 1 页，共 2 页" in team
        assert _link(mine, "prev") is None and _link(team, "prev") is None
        assert _link(mine, "next") == "/inbox?mine_page=2#mine-title"

        second = (await mediator.get(_link(mine, "next") or "")).text
        mine, team = _section(second, "mine"), _section(second, "team")
        assert "我的任务 (121)" in second and "第 2 页，共 3 页" in mine
        assert _listed(mine) == seeded.mine[50:100] and _listed(team) == seeded.team[:50]
        assert _link(mine, "prev") == "/inbox#mine-title"
        # paging the team list keeps my list where it was
        assert _link(team, "next") == "/inbox?mine_page=2&team_page=2#team-title"

        third = (await mediator.get(_link(mine, "next") or "")).text
        mine = _section(third, "mine")
        assert _listed(mine) == seeded.mine[100:] and "第 3 页，共 3 页" in mine
        assert _link(mine, "next") is None and _link(mine, "prev") == "/inbox?mine_page=2#mine-title"

        team_two = (await mediator.get(_link(_section(second, "team"), "next") or "")).text
        assert _listed(_section(team_two, "mine")) == seeded.mine[50:100]
        assert _listed(_section(team_two, "team")) == seeded.team[50:]
        back = (await mediator.get(_link(_section(team_two, "team"), "prev") or "")).text
        assert _listed(_section(back, "team")) == seeded.team[:50]


async def test_the_page_links_keep_the_language(world: World, seeded: Seeded) -> None:
    async with _signed_in(world) as mediator:
        page = (await mediator.get("/inbox", params={"lang": "en", "team_page": "2"})).text
        mine, team = _section(page, "mine"), _section(page, "team")
        assert "My tasks (121)" in page and "Page 1 of 3" in mine and "Page 2 of 2" in team
        assert 'aria-label="My tasks: pages"' in mine
        assert _link(mine, "next") == "/inbox?lang=en&mine_page=2&team_page=2#mine-title"
        assert _link(team, "prev") == "/inbox?lang=en#team-title"
        after = (await mediator.get(_link(mine, "next") or "")).text
        assert "Page 2 of 3" in _section(after, "mine") and "Next page" in after


FORGIVEN = [
    ("mine_page=99", slice(100, None), "第 3 页，共 3 页"),  # past the end: the last page
    ("mine_page=" + "9" * 40, slice(100, None), "第 3 页，共 3 页"),
    ("mine_page=0", slice(0, 50), "第 1 页，共 3 页"),
    ("mine_page=-3", slice(0, 50), "第 1 页，共 3 页"),
    ("mine_page=abc", slice(0, 50), "第 1 页，共 3 页"),
    ("mine_page=&team_page=x&per_page=many", slice(0, 50), "第 1 页，共 3 页"),
    ("per_page=1000&mine_page=2", slice(None), None),  # 200 a page at most: one page, no pager
]


async def test_the_page_forgives_bad_page_numbers(world: World, seeded: Seeded) -> None:
    async with _signed_in(world) as mediator:
        for query, shown, label in FORGIVEN:
            answer = await mediator.get(f"/inbox?{query}")
            assert answer.status_code == 200, query
            mine = _section(answer.text, "mine")
            assert _listed(mine) == seeded.mine[shown], query
            assert "我的任务 (121)" in answer.text, query
            if label:
                assert label in mine, query
            else:
                assert 'class="tools pager"' not in mine, query
        past = (await mediator.get("/inbox?mine_page=99")).text
        assert _link(_section(past, "mine"), "prev") == "/inbox?mine_page=2#mine-title"


async def test_one_page_needs_no_pager(world: World, seeded: Seeded) -> None:
    async with _signed_in(world, "mediator-hz") as stranger:
        page = (await stranger.get("/inbox")).text
        assert "我的任务 (10)" in page and "团队其他任务 (0)" in page
        assert "团队没有其他待办任务。" in page
        assert 'class="tools pager"' not in page and "第 1 页" not in page
