"""`labourflow run` as a new user runs it: everything starts, Ctrl-C leaves nothing, a second run
keeps the data, a busy port gives a one-line error naming the setting."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from devtools.stories import wage_arrears
from tests.support import free_port, processes_mentioning, processes_with_command, wait_for

pytestmark = [pytest.mark.devserver, pytest.mark.slow]
LABOURFLOW = [sys.executable, "-m", "labourflow"]


def _free_pair() -> int:
    """A port that can be bound together with the next one (the document worker's metrics), below
    the kernel's ephemeral range: there an outgoing connection's local port could take the second
    one before the worker binds it."""
    rng = random.Random()
    while True:
        port = rng.randrange(20000, 30000)
        with socket.socket() as first, socket.socket() as second:
            try:
                first.bind(("127.0.0.1", port))
                second.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port


def _env(data_dir: Path, api: int, grpc: int, ui: int, metrics: tuple[int, int] | None = None) -> dict[str, str]:
    worker_metrics, temporal_metrics = metrics or (_free_pair(), free_port())
    return os.environ | {
        "LABOURFLOW_DATA_DIR": str(data_dir),
        "LABOURFLOW_API_PORT": str(api),
        "LABOURFLOW_TEMPORAL_ADDRESS": f"127.0.0.1:{grpc}",
        "LABOURFLOW_TEMPORAL_UI_PORT": str(ui),
        "LABOURFLOW_WORKER_METRICS_PORT": str(worker_metrics),
        "LABOURFLOW_TEMPORAL_METRICS_PORT": str(temporal_metrics),
        "LABOURFLOW_METRICS_SAMPLE_SECONDS": "0.5",
        "LABOURFLOW_DEMO_PASSWORD": "",
        "LABOURFLOW_LOG_FORMAT": "console",
    }


def _run_until_ready(env: dict[str, str], api: int, ui: int, log: Path) -> subprocess.Popen[bytes]:
    process = subprocess.Popen([*LABOURFLOW, "run"], env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)
    try:
        ready = wait_for(f"http://127.0.0.1:{api}/readyz", timeout=120)
        assert ready.json()["checks"]["temporal"] == "ok"
        assert httpx.get(f"http://127.0.0.1:{ui}/", timeout=5).status_code == 200
    except BaseException:
        process.kill()
        raise
    return process


def _interrupt(process: subprocess.Popen[bytes], marker: str) -> None:
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 0
    deadline = time.monotonic() + 10
    while processes_mentioning(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert processes_mentioning(marker) == [], "a child process survived Ctrl-C"


def _nice(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


def _group_nice(pid: int) -> int:
    return int(Path(f"/proc/{pid}/autogroup").read_text().split("nice")[1])


def _file_a_case_and_get_its_receipt(api: int) -> None:
    """The workflow worker runs the case, the separate document worker renders its receipt."""
    base = f"http://127.0.0.1:{api}"
    filed = httpx.post(f"{base}/api/v1/cases", json=wage_arrears(), timeout=30)
    assert filed.status_code == 201 and filed.json()["workflow_started"], filed.text
    case_no, code = filed.json()["case_no"], filed.json()["access_code"]
    deadline = time.monotonic() + 60
    while True:
        documents = httpx.get(f"{base}/api/v1/cases/{case_no}/documents", headers={"X-Access-Code": code}, timeout=10)
        assert documents.status_code == 200, documents.text
        if any(d["doc_type"] == "case_receipt" for d in documents.json()["items"]):
            break
        assert time.monotonic() < deadline, f"no receipt for {case_no} after 60 s: {documents.json()}"
        time.sleep(0.5)


def _metrics(url: str, wanted: str, log: Path) -> str:
    """The exposition at `url` once it shows `wanted` (gauges are read every half second here)."""
    deadline = time.monotonic() + 30
    while True:
        try:
            text = httpx.get(url, timeout=5).text
        except httpx.ConnectError:
            said = [line for line in log.read_text().splitlines() if "metrics" in line]
            raise AssertionError(f"{url} does not answer; the log says: {said}") from None
        if wanted in text or time.monotonic() > deadline:
            return text
        time.sleep(0.3)


def _check_metrics_endpoints(api: int, worker: int, temporal: int, log: Path) -> None:
    """What `curl` of each endpoint shows after one case (README, Observability)."""
    web = httpx.get(f"http://127.0.0.1:{api}/metrics", timeout=5).text
    assert 'http_requests_total{handler="/api/v1/cases",method="POST",status="2xx"} 1.0' in web
    opened = 'labourflow_cases_opened_total{service_name="temporal-core-sdk"} 1\n'
    _metrics(f"http://127.0.0.1:{worker}/metrics", opened, log)
    workflows = _metrics(f"http://127.0.0.1:{worker}/metrics", 'labourflow_tasks_open{role="mediator"', log)
    for series in (opened, 'labourflow_tasks_open{role="mediator"', "labourflow_outbox_pending",
                   "temporal_workflow_task_schedule_to_start_latency_seconds_bucket{", "temporal_worker_task_slots_available{"):
        assert series in workflows, series
    documents = _metrics(f"http://127.0.0.1:{worker + 1}/metrics", 'doc_type="case_receipt"', log)
    assert 'labourflow_documents_rendered_total{doc_type="case_receipt"' in documents
    assert "temporal_activity_schedule_to_start_latency_seconds_bucket{" in documents
    assert "service_requests{" in _metrics(f"http://127.0.0.1:{temporal}/metrics", "service_requests{", log)


def test_run_start_stop_restart(tmp_path: Path) -> None:
    api, grpc, ui = free_port(), free_port(), free_port()
    worker_metrics, temporal_metrics = _free_pair(), free_port()
    env = _env(tmp_path, api, grpc, ui, (worker_metrics, temporal_metrics))
    log = tmp_path / "run.log"
    first = _run_until_ready(env, api, ui, log)
    workers = {pid: cmd for pid, cmd in processes_with_command(str(tmp_path)) if "labourflow worker" in cmd}
    roles = {cmd.split("--role ", 1)[1].split()[0]: pid for pid, cmd in workers.items()}
    assert set(roles) == {"workflows", "documents"}, workers
    # LABOURFLOW_WORKFLOW_WORKER_NICE (10) and LABOURFLOW_DOCUMENT_WORKER_NICE (15), from this test's own
    # priority, for each worker's threads and, each leading a session of its own, for its session's group
    base = os.getpriority(os.PRIO_PROCESS, 0)
    expected = (min(base + 10, 19), min(base + 15, 19))
    assert (_nice(roles["workflows"]), _nice(roles["documents"])) == expected
    if Path("/proc/self/autogroup").exists():
        assert tuple(_group_nice(roles[role]) for role in ("workflows", "documents")) == expected
    _file_a_case_and_get_its_receipt(api)
    _check_metrics_endpoints(api, worker_metrics, temporal_metrics, log)
    _interrupt(first, str(tmp_path))
    banner = log.read_text()
    assert "Demo password" in banner and f"http://127.0.0.1:{api}/docs" in banner
    assert "Agency accounts" in banner and "arb-clerk" in banner and "aid-lawyer" in banner, "every agency's demo accounts"
    for endpoint in (f"http://127.0.0.1:{api}/metrics", f"http://127.0.0.1:{worker_metrics}/metrics",
                     f"http://127.0.0.1:{worker_metrics + 1}/metrics", f"http://127.0.0.1:{temporal_metrics}/metrics"):
        assert endpoint in banner, endpoint
    assert (tmp_path / "temporal.db").exists() and (tmp_path / "infrastructure.db").exists()
    with contextlib.closing(sqlite3.connect(tmp_path / "temporal.db")) as temporal_db:
        assert temporal_db.execute("PRAGMA journal_mode").fetchone() == ("wal",), "the dev server persists in WAL mode"

    second = _run_until_ready(env, api, ui, log)
    _interrupt(second, str(tmp_path))
    assert log.read_text().count("Demo password ") == 1, "the demo password is printed once only"


def test_busy_port_is_one_line_naming_the_setting(tmp_path: Path) -> None:
    api = free_port()
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", api))
        blocker.listen()
        result = subprocess.run([*LABOURFLOW, "run"], env=_env(tmp_path, api, free_port(), free_port()),
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert error_lines == [f"error: port {api} (web app) is in use; set LABOURFLOW_API_PORT to another port"]
