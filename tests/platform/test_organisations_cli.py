"""`labourflow organisations ...` and `labourflow users create` against a temporary SQLite database
with the demo agencies: what they print, one-line refusals with exit code 2, and `move-tasks`
moving a running case's open task to the agency that holds it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from infrastructure.db import Database, migrate
from infrastructure.settings import get_settings
from infrastructure.tables import AuditEntry, Task, User
from labourflow.cli.base import app
from services.demo_agencies import seed_demo_agencies


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A migrated SQLite database with the demo agencies, which the command reads through its settings."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    migrate(url)
    asyncio.run(_with_db(url, lambda db: seed_demo_agencies(db, "not-a-password-hash")))
    monkeypatch.setenv("LABOURFLOW_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("LABOURFLOW_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


async def _with_db(url: str, work: object) -> object:
    db = Database(url)
    try:
        return await work(db)  # type: ignore[operator]
    finally:
        await db.dispose()


def _rows(url: str, query: object) -> list[object]:
    async def fetch(db: Database) -> list[object]:
        async with db.session() as session:
            return list((await session.exec(query)).all())  # type: ignore[call-overload]

    return asyncio.run(_with_db(url, fetch))  # type: ignore[return-value]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_list_create_update_and_add_team(database: str) -> None:
    code, out, _ = run("organisations", "list")
    assert code == 0 and "shanghai-pudong  arb-pd  arbitration_commission (劳动人事争议仲裁委员会)" in out
    assert "supervisor: arb-head" in out and "    team arb-pd-1" in out and "staff: 4" in out

    code, out, _ = run("organisations", "create", "court-cy-2", "--kind", "court", "--name-zh", "朝阳区第二人民法院",
                       "--name-en", "Second court", "--region", "beijing-chaoyang")
    assert (code, out.strip()) == (0, "created organisation 'court-cy-2' (court) in beijing-chaoyang")
    code, out, _ = run("organisations", "add-team", "court-cy-2", "court-cy-2-a", "--name-zh", "民一庭", "--name-en", "Civil 1")
    assert (code, out.strip()) == (0, "added team 'court-cy-2-a' to organisation 'court-cy-2'")
    code, out, _ = run("organisations", "update", "court-cy-2", "--inactive")
    assert code == 0 and out.strip().endswith("supervisor -, deactivated")
    listed = {org["code"]: org for org in json.loads(run("organisations", "list", "--json")[1])}
    assert listed["court-cy-2"]["teams"][0]["code"] == "court-cy-2-a" and not listed["court-cy-2"]["is_active"]
    code, out, _ = run("organisations", "update-team", "court-cy-2-a", "--name-zh", "民事审判第一庭")
    assert code == 0 and "organisation court-cy-2, region beijing-chaoyang" in out
    actions = [(e.actor.split(":")[0], e.action) for e in _rows(database, select(AuditEntry))]  # type: ignore[attr-defined]
    assert actions == [("cli", "organisation.create"), ("cli", "team.create"), ("cli", "organisation.update"), ("cli", "team.update")]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["create", "court-x", "--kind", "court", "--name-zh", "法院", "--name-en", "C", "--region", "atlantis"],
         "error: 未知地区 'atlantis'；可选："),
        (["create", "Court_X", "--kind", "court", "--name-zh", "法院", "--name-en", "C", "--region", "dongguan"],
         "error: 机构代码格式不对：'Court_X'"),
        (["create", "arb-pd", "--kind", "court", "--name-zh", "法院", "--name-en", "C", "--region", "dongguan"],
         "error: 机构代码 'arb-pd' 已被使用"),
        (["update", "arb-pd", "--supervisor", "judge"], "error: 账户 'judge' 不是机构 'arb-pd' 的人员"),
        (["update", "no-such-org", "--name-zh", "无"], "error: 没有此机构 'no-such-org'"),
        (["add-team", "court-pd", "arb-pd-1", "--name-zh", "庭", "--name-en", "D"], "error: 团队代码 'arb-pd-1' 已被使用"),
        (["update-team", "arb-pd-1", "--organisation", "court-pd"], "error: 团队 'arb-pd-1' 不能调入机构 'court-pd'"),
    ],
)
def test_refusals_are_one_line_and_exit_2(database: str, args: list[str], message: str) -> None:
    code, out, err = run("organisations", *args)
    assert code == 2 and out == "" and err.startswith(message) and err.count("\n") == 1, err
    assert " / " in err, "Chinese, then English"
    assert _rows(database, select(AuditEntry)) == []


def test_users_create_lists_every_role_and_takes_agency_teams(database: str) -> None:
    code, out, _ = run("users", "create", "--help")
    assert code == 0 and all(role in out for role in ("arbitration_clerk", "enforcement_officer", "legal_aid_lawyer", "police_officer"))
    code, _, err = run("users", "create", "judge-2", "--role", "judge", "--team", "arb-pd-1", "--password", "a-long-password")
    assert code == 2 and err.startswith("error: 角色与所属机构不符：judge 不能在劳动人事争议仲裁委员会工作")
    code, out, _ = run("users", "create", "judge-2", "--role", "judge", "--team", "court-hz-1", "--password", "a-long-password")
    assert (code, out.strip()) == (0, "created judge account 'judge-2' in team 'court-hz-1'")
    judge = _rows(database, select(User).where(User.username == "judge-2"))[0]
    assert (judge.team_code, judge.region) == ("court-hz-1", "hangzhou-xihu")  # type: ignore[attr-defined]


def test_users_update_changes_role_team_and_state_and_refuses_what_does_not_fit(database: str) -> None:
    code, _, err = run("users", "update", "judge", "--role", "arbitrator")
    assert code == 2 and err.startswith("error: 角色与所属机构不符"), err  # a judge's team is a court's
    code, _, err = run("users", "update", "judge", "--team", "court-hz-1")
    assert code == 2 and "judge supervises court-pd" in err, err  # the demo court's head stays until another is set
    code, out, _ = run("users", "update", "enforcer", "--team", "court-hz-1")
    assert (code, out.strip()) == (0, "updated 'enforcer': team 'court-hz-1'")
    code, out, _ = run("users", "update", "inspector", "--deactivate")
    assert (code, out.strip()) == (0, "updated 'inspector': deactivated")
    inspector = _rows(database, select(User).where(User.username == "inspector"))[0]
    assert inspector.is_active is False  # type: ignore[attr-defined]
    code, _, err = run("users", "update", "nobody", "--unlock")
    assert code == 2 and "no account 'nobody'" in err
    code, _, err = run("users", "update", "judge")
    assert code == 2 and "nothing to change" in err
    code, out, _ = run("users", "list", "--organisation", "court-hz")
    assert code == 0 and "enforcer\tenforcement_officer\tcourt-hz-1\tcourt-hz\tactive" in out and "judge-hz\tjudge" in out
    actions = [row.action for row in _rows(database, select(AuditEntry).where(AuditEntry.object_id.in_(["enforcer", "inspector"])))]  # type: ignore[attr-defined]
    assert {"user.deactivate"} <= set(actions) and len(actions) >= 2


def _running_case_task() -> Task:
    return Task(task_id="case/LD-2026-000001/arbitration/1#9:task-award", subject="case:LD-2026-000001",
                workflow_id="case/LD-2026-000001/arbitration/1", kind="record_award", role="mediator", team_code="union-med-1",
                assignee="mediator", region="shanghai-pudong", due_on=date(2026, 9, 1), title_zh="作出裁决", title_en="Make the award")


def test_move_tasks_moves_an_open_task_to_the_agency_that_holds_it(database: str) -> None:
    """A case that was running before the agencies had staff: its award task sits with the union's
    mediators; the commission of its region holds that work now."""
    task = _running_case_task()
    done = task.model_copy(update={"task_id": "case/LD-2026-000001/arbitration/1#8:task-old", "status": "done"})

    async def add(db: Database) -> None:
        async with db.session() as session:
            session.add_all([Task.model_validate(task.model_dump()), Task.model_validate(done.model_dump())])
            await session.commit()

    asyncio.run(_with_db(database, add))
    code, out, _ = run("organisations", "move-tasks")
    assert (code, out.strip()) == (0, "moved 1 open task to the teams that hold them")
    moved = {t.task_id: t for t in _rows(database, select(Task))}  # type: ignore[attr-defined]
    assert (moved[task.task_id].team_code, moved[task.task_id].role, moved[task.task_id].assignee) == ("arb-pd-1", "arbitrator", None)
    assert moved[done.task_id].team_code == "union-med-1", "finished tasks stay where they were done"
    code, out, _ = run("organisations", "move-tasks")
    assert (code, out.strip()) == (0, "moved 0 open tasks to the teams that hold them")


def test_migrate_moves_the_open_tasks_of_running_cases(database: str) -> None:
    """The data migration runs with the schema's: `labourflow migrate` moves the running case's task
    to the commission, and says so; run again, it has nothing left to move."""
    task = _running_case_task()

    async def add(db: Database) -> None:
        async with db.session() as session:
            session.add(Task.model_validate(task.model_dump()))
            await session.commit()

    asyncio.run(_with_db(database, add))
    code, out, _ = run("migrate")
    assert code == 0 and "open tasks moved to the organisations that hold them: 1" in out
    [moved] = _rows(database, select(Task))
    assert (moved.team_code, moved.role, moved.assignee) == ("arb-pd-1", "arbitrator", None)  # type: ignore[attr-defined]
    code, out, _ = run("migrate")
    assert code == 0 and "open tasks moved to the organisations that hold them: 0" in out
    entries = _rows(database, select(AuditEntry).where(AuditEntry.action == "task.move_to_holders"))
    assert [e.actor for e in entries] == ["labourflow migrate"]  # type: ignore[attr-defined]
