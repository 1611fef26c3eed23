"""docker-compose.yml (alone and with its TLS and OpenSearch overrides) is valid to Debian's
docker-compose, every service of ours runs a real command, every long-running service has a
healthcheck, workers get longer to stop than their activities get to finish, and each database
role gets its own password."""

from __future__ import annotations

import functools
import os
import re
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
    "LABOURFLOW_PUBLIC_URL": "https://labourflow.example.cn",
    "POSTGRES_PASSWORD": "superuser-pw",
    "LABOURFLOW_DB_PASSWORD": "app-pw",
    "TEMPORAL_DB_PASSWORD": "history-pw",
    "TEMPORAL_VISIBILITY_DB_PASSWORD": "visibility-pw",
    "GRAFANA_ADMIN_PASSWORD": "g",
    "S3_ACCESS_KEY": "a",
    "S3_SECRET_KEY": "s3",
}
OVERRIDES = {"base": (), "opensearch": ("deploy/compose.opensearch.yml",), "tls": ("deploy/compose.tls.yml",),
             "both": ("deploy/compose.opensearch.yml", "deploy/compose.tls.yml")}
OURS = {"migrate", "api", "worker", "document-worker"}


def compose_config(*overrides: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    if shutil.which("docker-compose") is None:
        pytest.fail("docker-compose is missing: `make test` installs it (deploy/system-packages.sh --test)")
    files = [arg for path in ("docker-compose.yml", *overrides) for arg in ("-f", path)]
    return subprocess.run(["docker-compose", *files, "config"], cwd=ROOT, env=os.environ | SECRETS if env is None else env,
                          capture_output=True, text=True)


@functools.cache
def resolved(*overrides: str) -> dict:  # type: ignore[type-arg]
    """The configuration docker-compose resolves (cached: the files do not change during a run)."""
    result = compose_config(*overrides)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize("variant", list(OVERRIDES))
def test_compose_files_validate(variant: str) -> None:
    config = resolved(*OVERRIDES[variant])
    assert set(config["services"]) >= OURS


def test_compose_refuses_missing_settings() -> None:
    for name in ("POSTGRES_PASSWORD", "LABOURFLOW_DB_PASSWORD", "TEMPORAL_VISIBILITY_DB_PASSWORD", "LABOURFLOW_PUBLIC_URL"):
        env = {k: v for k, v in (os.environ | SECRETS).items() if k != name}
        result = compose_config(env=env)
        assert result.returncode != 0 and name in result.stderr, name


def test_every_labourflow_service_command_exists() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    commands = set(get_command(app).commands)  # type: ignore[attr-defined]
    ours = {name: svc for name, svc in compose["services"].items() if svc.get("image") == "labourflow:latest"}
    assert set(ours) == OURS
    for name, service in ours.items():
        assert service["command"][0] == "labourflow", name
        assert service["command"][1] in commands, f"{name}: `labourflow {service['command'][1]}` does not exist"
        probe = service.get("healthcheck", {}).get("test", [])
        if probe[1:2] == ["labourflow"]:
            assert probe[2] in commands, f"{name}: healthcheck `labourflow {probe[2]}` does not exist"
    assert ours["api"]["deploy"]["replicas"] == 2 and ours["worker"]["deploy"]["replicas"] == 2
    roles = {name: ours[name]["command"][ours[name]["command"].index("--role") + 1] for name in ("worker", "document-worker")}
    assert roles == {"worker": "workflows", "document-worker": "documents"}
    assert (ROOT / "deploy/Dockerfile").is_file()


@pytest.mark.parametrize("variant", ["base", "both"])
def test_every_long_running_service_has_a_healthcheck(variant: str) -> None:
    for name, service in resolved(*OVERRIDES[variant])["services"].items():
        check = service.get("healthcheck", {})
        if service.get("restart") == "no":  # one-shot jobs: completing is their health (service_completed_successfully)
            # `disable: true`, which docker-compose 1.29 writes as test: [NONE]
            assert check.get("disable") is True or check.get("test") == ["NONE"], f"{name}: a job should say it has no healthcheck"
        else:
            assert check.get("test") not in (None, ["NONE"]) and not check.get("disable"), f"{name} has no healthcheck"


def _seconds(value: str) -> float:
    number, unit = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s|m)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"ms": 0.001, "s": 1, "m": 60}[unit]


def test_workers_get_longer_to_stop_than_their_activities_get_to_finish() -> None:
    services = resolved()["services"]
    for name in ("worker", "document-worker"):
        grace = float(services[name]["environment"]["LABOURFLOW_WORKER_GRACEFUL_SHUTDOWN_SECONDS"])
        assert _seconds(services[name]["stop_grace_period"]) >= grace + 10, name
    assert _seconds(services["api"]["stop_grace_period"]) > 10  # uvicorn's timeout_graceful_shutdown


def test_temporal_services_run_apart() -> None:
    services = resolved()["services"]
    roles = {svc["environment"]["SERVICES"]: name for name, svc in services.items() if "SERVICES" in svc.get("environment", {})}
    assert set(roles) == {"frontend", "history", "matching", "worker"}
    for name in roles.values():
        assert services[name]["environment"]["NUM_HISTORY_SHARDS"] == "512"
        assert services[name]["depends_on"]  # never before the schema job


def test_each_database_role_has_its_own_password() -> None:
    services = resolved()["services"]
    app_url = services["api"]["environment"]["LABOURFLOW_DATABASE_URL"]
    assert app_url.startswith("postgresql://labourflow_app:app-pw@postgres:5432/labourflow")
    history = services["temporal-history"]["environment"]
    assert (history["POSTGRES_USER"], history["POSTGRES_PWD"]) == ("temporal", "history-pw")
    assert (history["VISIBILITY_POSTGRES_USER"], history["VISIBILITY_POSTGRES_PWD"]) == ("temporal_visibility", "visibility-pw")
    for name, service in services.items():
        values = " ".join(str(v) for v in (service.get("environment") or {}).values())
        if name != "postgres":
            assert "superuser-pw" not in values, f"{name} was given the superuser's password"
        if name not in ("postgres", "migrate", "api", "worker", "document-worker"):
            assert "app-pw" not in values, f"{name} was given the application's password"
    sql = (ROOT / "deploy/postgres/roles.sql").read_text()
    assert {":'app_password'", ":'temporal_password'", ":'visibility_password'"} <= set(re.findall(r":'\w+'", sql))


@pytest.mark.parametrize("variant", list(OVERRIDES))
def test_every_mounted_file_exists(variant: str) -> None:
    """Files the repository provides exist; the operator's own certificates (deploy/tls, deploy/secrets) are not ours."""
    for name, service in resolved(*OVERRIDES[variant])["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0] if isinstance(volume, str) else volume["source"]
            path = Path(source)
            if not path.is_absolute() or not path.is_relative_to(ROOT):
                continue  # a named volume
            relative = path.relative_to(ROOT).as_posix()
            if relative.startswith(("deploy/tls", "deploy/secrets")):
                continue
            assert path.exists(), f"{name} mounts {relative}, which does not exist"
