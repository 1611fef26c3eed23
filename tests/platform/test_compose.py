"""docker-compose.yml is valid (Debian's docker-compose) and every service of ours runs a real command."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from typer.main import get_command

from labourflow.cli import app

ROOT = Path(__file__).resolve().parents[2]
SECRETS = {
    "LABOURFLOW_SESSION_SECRET": "s",
    "LABOURFLOW_ENCRYPTION_KEYS": "k1:" + "A" * 43 + "=",
    "LABOURFLOW_LOOKUP_HASH_KEY": "h",
    "POSTGRES_PASSWORD": "p",
    "S3_ACCESS_KEY": "a",
    "S3_SECRET_KEY": "s3",
}


def test_compose_file_validates() -> None:
    if shutil.which("docker-compose") is None:
        pytest.fail("docker-compose is missing: `make test` installs it (deploy/system-packages.sh --test)")
    result = subprocess.run(
        ["docker-compose", "-f", "docker-compose.yml", "config", "-q"],
        cwd=ROOT, env=os.environ | SECRETS, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr


def test_compose_refuses_missing_secrets() -> None:
    env = {k: v for k, v in os.environ.items() if k not in SECRETS}
    result = subprocess.run(["docker-compose", "-f", "docker-compose.yml", "config", "-q"],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "POSTGRES_PASSWORD" in result.stderr


def test_every_labourflow_service_command_exists() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    commands = set(get_command(app).commands)  # type: ignore[attr-defined]
    ours = {name: svc for name, svc in compose["services"].items() if svc.get("image") == "labourflow:latest"}
    assert set(ours) == {"migrate", "api", "worker", "document-worker"}
    for name, service in ours.items():
        assert service["command"][0] == "labourflow", name
        assert service["command"][1] in commands, f"{name}: `labourflow {service['command'][1]}` does not exist"
    assert ours["api"]["deploy"]["replicas"] == 2 and ours["worker"]["deploy"]["replicas"] == 2
    roles = {name: ours[name]["command"][ours[name]["command"].index("--role") + 1] for name in ("worker", "document-worker")}
    assert roles == {"worker": "workflows", "document-worker": "documents"}
    for script in ("deploy/postgres-init.sh", "deploy/temporal-schema.sh", "deploy/temporal-setup.sh", "deploy/nginx.conf"):
        assert (ROOT / script).is_file(), script
    assert (ROOT / "deploy/Dockerfile").is_file()
