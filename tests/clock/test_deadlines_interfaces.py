"""The stable interfaces: `labourflow deadline|deadlines|whatif|calendar`, /api/v1/deadlines
and /api/v1/whatif.
Bad input gives exit code 2 (CLI) or 422 (API) with the same one-line message, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from infrastructure.db import migrate
from infrastructure.settings import Settings
from labourflow.cli.base import app as cli
from tests.conftest import make_settings

RULE_IDS = [f"D{n:02d}" for n in range(1, 73)]
BAD_INPUT = [
    (
        ["D99", "--from", "2026-03-02"],
        {"rule_id": "D99", "from": "2026-03-02"},
        "unknown rule 'D99': valid rule ids are D01-D72",
    ),
    (
        ["D03", "--from", "2026-02-30"],
        {"rule_id": "D03", "from": "2026-02-30"},
        "from: '2026-02-30' is not a valid date",
    ),
    (["D03", "--from", "2026/03/02"], {"rule_id": "D03", "from": "2026/03/02"}, "use YYYY-MM-DD"),
    (
        ["D03", "--from", "2003-12-31"],
        {"rule_id": "D03", "from": "2003-12-31"},
        "is before 2004-01-01",
    ),
    (
        ["D03", "--from", "2026-03-02", "--jurisdiction", "mars"],
        {"rule_id": "D03", "from": "2026-03-02", "jurisdiction": "mars"},
        "unknown jurisdiction 'mars': valid jurisdictions are national, zhejiang",
    ),
    (
        ["D37", "--from", "2026-03-02", "--variant", "nope"],
        {"rule_id": "D37", "from": "2026-03-02", "variant": "nope"},
        "rule D37 has no variant 'nope': valid variants are judgment, ruling",
    ),
]


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("LABOURFLOW_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("LABOURFLOW_TEMPORAL_ADDRESS", "127.0.0.1:1")
    return CliRunner()


@pytest.fixture
def api(tmp_path: Path) -> TestClient:
    return TestClient(create_app(make_settings(tmp_path)))


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_cli_and_api_answer_every_rule_alike(
    rule_id: str, runner: CliRunner, api: TestClient
) -> None:
    result = runner.invoke(cli, ["deadline", rule_id, "--from", "2026-03-02", "--json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    for key in (
        "rule",
        "from",
        "due",
        "length",
        "unit",
        "basis",
        "calendar_version",
        "provisional",
        "skipped",
    ):
        assert key in printed
    assert printed["rule"] == rule_id and printed["from"] == "2026-03-02"
    response = api.get(f"/api/v1/deadlines/{rule_id}", params={"from": "2026-03-02"})
    assert response.status_code == 200
    assert response.json() == printed


def test_cli_readable_explanation(runner: CliRunner) -> None:
    result = runner.invoke(
        cli, ["deadline", "D49", "--from", "2026-09-21", "--jurisdiction", "zhejiang"]
    )
    assert result.exit_code == 0
    assert "due 2026-10-19" in result.stdout
    assert (
        "调休工作日2026-10-10计入" in result.stdout
        and "the 15th working day is Monday 2026-10-19" in result.stdout
    )
    assert "十五个工作日内作出书面答复" in result.stdout  # the article text


@pytest.mark.parametrize(
    ("args", "params", "message"), BAD_INPUT, ids=[row[2][:40] for row in BAD_INPUT]
)
def test_bad_input_is_one_line_exit_2_and_422(
    args: list[str], params: dict[str, str], message: str, runner: CliRunner, api: TestClient
) -> None:
    result = runner.invoke(cli, ["deadline", *args])
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    rule_id = params.pop("rule_id")
    response = api.get(f"/api/v1/deadlines/{rule_id}", params=params)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == result.stderr.strip().removeprefix("error: ")
    assert body["errors"][0]["message"] == body["detail"]


def test_api_rule_table(api: TestClient) -> None:
    national = api.get("/api/v1/deadlines").json()
    assert [rule["id"] for rule in national] == RULE_IDS
    d49 = {
        rule["id"]: rule
        for rule in api.get("/api/v1/deadlines", params={"jurisdiction": "zhejiang"}).json()
    }["D49"]
    assert (d49["length"], d49["unit"], d49["confidence"]) == (15, "WD", "H")
    assert national[48]["length"] is None and national[48]["defined_in"] == ["zhejiang"]
    assert api.get("/api/v1/deadlines", params={"jurisdiction": "mars"}).status_code == 422


def test_whatif_cli_and_api(runner: CliRunner, api: TestClient) -> None:
    result = runner.invoke(
        cli,
        [
            "whatif",
            "--knew-on",
            "2026-02-28",
            "--mediation-applied-on",
            "2026-03-02",
            "--category",
            "overtime",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    chain = json.loads(result.stdout)
    body = {"knew_on": "2026-02-28", "mediation_applied_on": "2026-03-02", "category": "overtime"}
    assert api.post("/api/v1/whatif", json=body).json() == chain
    assert [step["last_safe_day"] for step in chain["steps"]][1:5] == [
        "2026-03-17",
        "2027-03-02",
        "2026-03-23",
        "2026-05-07",
    ]
    readable = runner.invoke(cli, ["whatif", "--accepted-on", "2026-03-23"])
    assert "last safe day: 2026-05-07" in readable.stdout


def test_whatif_bad_input(runner: CliRunner, api: TestClient) -> None:
    result = runner.invoke(cli, ["whatif", "--knew-on", "2003-01-01"])
    assert result.exit_code == 2 and "is before 2004-01-01" in result.stderr
    response = api.post("/api/v1/whatif", json={"knew_on": "2003-01-01"})
    assert response.status_code == 422 and "is before 2004-01-01" in response.json()["detail"]
    assert api.post("/api/v1/whatif", json={"category": "overtime"}).status_code == 422
    assert runner.invoke(cli, ["whatif"]).exit_code == 2
    response = api.post("/api/v1/whatif", json={"knew_on": "2026-01-01", "jurisdiction": "mars"})
    assert response.status_code == 422 and "valid jurisdictions" in response.json()["detail"]


def stored_year(data_dir: Path) -> int:
    """The year held under calendar/2027.json in the default store (files beside the SQLite database)."""
    data = (data_dir / "infrastructure.db.objects" / "calendar" / "2027.json").read_bytes()
    return int(json.loads(data)["year"])


YEAR_2027 = {
    "year": 2027,
    "rest_days": ["2027-12-20"],
    "makeup_workdays": [],
    "source": "test fixture",
}


def test_calendar_add_validates_copies_and_changes_answers(
    runner: CliRunner, tmp_path: Path
) -> None:
    migrate(f"sqlite:///{tmp_path / 'infrastructure.db'}")
    before = json.loads(
        runner.invoke(cli, ["deadline", "D01", "--from", "2026-12-20", "--json"]).stdout
    )
    assert before["due"] == "2027-12-20" and before["provisional"] is True
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**YEAR_2027, "rest_days": ["2027-12-18"]}))
    result = runner.invoke(cli, ["calendar", "add", str(bad)])
    assert (
        result.exit_code == 2 and "bad.json: rest_days: 2027-12-18 is a Saturday" in result.stderr
    )
    good = tmp_path / "input.json"
    good.write_text(json.dumps(YEAR_2027))
    result = runner.invoke(cli, ["calendar", "add", str(good)])
    assert result.exit_code == 0, result.output
    assert stored_year(tmp_path) == 2027 and not (tmp_path / "calendar").exists()  # in the store, not on this node's disk
    assert (
        "notified 0 running workflow(s)" in result.stdout
    )  # no provisional deadline in an empty database
    after = json.loads(
        runner.invoke(cli, ["deadline", "D01", "--from", "2026-12-20", "--json"]).stdout
    )
    assert after["due"] == "2027-12-21" and after["provisional"] is False
    assert "+2027:" in after["calendar_version"]
    listing = runner.invoke(cli, ["calendar", "list"]).stdout
    assert "added: 2027" in listing and "test fixture" in listing


def test_api_uses_the_administrators_calendar(tmp_path: Path) -> None:
    settings: Settings = make_settings(tmp_path)
    (tmp_path / "calendar").mkdir()
    (tmp_path / "calendar" / "2027.json").write_text(json.dumps(YEAR_2027))
    api = TestClient(create_app(settings))
    body = api.get("/api/v1/deadlines/D01", params={"from": "2026-12-20"}).json()
    assert body["due"] == "2027-12-21" and body["provisional"] is False


def test_calendar_add_without_a_migrated_database_says_so(
    runner: CliRunner, tmp_path: Path
) -> None:
    good = tmp_path / "2027.json"
    good.write_text(json.dumps(YEAR_2027))
    result = runner.invoke(cli, ["calendar", "add", str(good)])
    assert result.exit_code == 1
    assert "cannot use the database (table blob)" in result.stderr and "labourflow migrate" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    # the calculators need no database: they still answer, without the year
    answer = json.loads(runner.invoke(cli, ["deadline", "D01", "--from", "2026-12-20", "--json"]).stdout)
    assert answer["provisional"] is True


def test_calendar_add_when_temporal_is_down_says_so_and_notify_fails(
    runner: CliRunner, tmp_path: Path
) -> None:
    import sqlite3

    url = f"sqlite:///{tmp_path / 'infrastructure.db'}"
    migrate(url)
    with sqlite3.connect(tmp_path / "infrastructure.db") as conn:
        conn.execute(
            "INSERT INTO deadline (subject, deadline_key, workflow_id, rule_id, start_on, due_on,"
            " status, provisional, explanation, updated_at) VALUES ('case:1', 'limitation',"
            " 'case/LD-2026-000001', 'D01', '2026-12-20',"
            " '2027-12-20', 'pending', 1, '{}', '2026-11-25 00:00:00')"
        )
    good = tmp_path / "2027.json"
    good.write_text(json.dumps(YEAR_2027))
    result = runner.invoke(cli, ["calendar", "add", str(good)])
    assert result.exit_code == 0
    assert "Temporal is down" in result.stderr and "labourflow calendar notify" in result.stderr
    assert stored_year(tmp_path) == 2027
    again = runner.invoke(cli, ["calendar", "notify"])
    assert again.exit_code == 1 and "Temporal is down" in again.stderr


def test_suspensions_and_restarts_through_cli_and_api(runner: CliRunner, api: TestClient) -> None:
    args = [
        "deadline",
        "D22",
        "--from",
        "2026-03-23",
        "--suspend",
        "2026-04-01:2026-04-10",
        "--json",
    ]
    printed = json.loads(runner.invoke(cli, args).stdout)
    assert printed["due"] == "2026-05-18" and printed["suspended_days"] == 10
    params = {"from": "2026-03-23", "suspend": "2026-04-01:2026-04-10"}
    assert api.get("/api/v1/deadlines/D22", params=params).json() == printed
    restarted = api.get(
        "/api/v1/deadlines/D01", params={"from": "2025-03-01", "restart": "2025-12-01"}
    )
    assert restarted.json()["due"] == "2026-12-01"
    bad = api.get("/api/v1/deadlines/D22", params={"from": "2026-03-23", "suspend": "2026-04-01"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "suspension"
    result = runner.invoke(
        cli, ["deadline", "D03", "--from", "2026-03-02", "--restart", "2026-03-05"]
    )
    assert result.exit_code == 2 and "D03 cannot restart; rules that can:" in result.stderr
