"""`labourflow run` as a new user runs it: everything starts, Ctrl-C leaves nothing, a second run
keeps the data, a busy port gives a one-line error naming the setting."""

from __future__ import annotations

import os
import signal
import socket
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


def _env(data_dir: Path, api: int, grpc: int, ui: int) -> dict[str, str]:
    return os.environ | {
        "LABOURFLOW_DATA_DIR": str(data_dir),
        "LABOURFLOW_API_PORT": str(api),
        "LABOURFLOW_TEMPORAL_ADDRESS": f"127.0.0.1:{grpc}",
        "LABOURFLOW_TEMPORAL_UI_PORT": str(ui),
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


def test_run_start_stop_restart(tmp_path: Path) -> None:
    api, grpc, ui = free_port(), free_port(), free_port()
    env = _env(tmp_path, api, grpc, ui)
    log = tmp_path / "run.log"
    first = _run_until_ready(env, api, ui, log)
    workers = {pid: cmd for pid, cmd in processes_with_command(str(tmp_path)) if "labourflow worker" in cmd}
    roles = {cmd.split("--role ", 1)[1].split()[0]: pid for pid, cmd in workers.items()}
    assert set(roles) == {"workflows", "documents"}, workers
    assert _nice(roles["documents"]) == min(_nice(roles["workflows"]) + 10, 19)  # LABOURFLOW_DOCUMENT_WORKER_NICE
    _file_a_case_and_get_its_receipt(api)
    _interrupt(first, str(tmp_path))
    banner = log.read_text()
    assert "Demo password" in banner and f"http://127.0.0.1:{api}/docs" in banner
    assert (tmp_path / "temporal.db").exists() and (tmp_path / "infrastructure.db").exists()

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
