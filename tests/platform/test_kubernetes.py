"""deploy/k8s: every manifest is valid to the Kubernetes API schema (kubernetes-validate, strict:
unknown fields rejected; the oldest and newest minor versions we claim), and what they promise
holds: each process has probes that exist (HTTP routes of the API, `labourflow worker-health` for
workers), resources, a stop grace longer than the workers' graceful timeout, a migrations Job, and
autoscalers reading metrics the Prometheus adapter rules define from the SDK's histograms."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from typer.main import get_command

from infrastructure.settings import Settings
from labourflow.cli import app

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy/k8s"
VERSIONS = ("1.29.0", "1.37.0")  # 1.29: autoscaling/v2 and every field used here are GA


@functools.cache
def manifests() -> tuple[dict[str, Any], ...]:
    """The resources kustomization.yaml lists, with its namespace and image set (what `kubectl apply -k` sends)."""
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    image = kustomization["images"][0]
    docs = []
    for resource in kustomization["resources"]:
        for doc in yaml.safe_load_all((K8S / resource).read_text()):
            if doc["kind"] != "Namespace":
                doc["metadata"].setdefault("namespace", kustomization["namespace"])
            for container in _containers(doc):
                if container["image"] == image["name"]:
                    container["image"] = f"{image['newName']}:{image['newTag']}"
            docs.append(doc)
    return tuple(docs)


def _containers(doc: dict[str, Any]) -> list[dict[str, Any]]:
    spec = doc.get("spec", {}).get("template", {}).get("spec", {})
    return list(spec.get("containers", []))


def by_kind(kind: str) -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for doc in manifests() if doc["kind"] == kind}


@pytest.mark.parametrize("version", VERSIONS)
def test_manifests_are_valid_kubernetes(version: str) -> None:
    for doc in manifests():
        kubernetes_validate.validate(doc, version, strict=True)


def test_every_listed_file_is_used() -> None:
    listed = set(yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"])
    present = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml", "prometheus-adapter-values.yaml"}
    assert listed == present


def test_processes_have_probes_and_resources() -> None:
    deployments = by_kind("Deployment")
    assert set(deployments) == {"labourflow-api", "labourflow-workflow-worker", "labourflow-document-worker"}
    commands = set(get_command(app).commands)  # type: ignore[attr-defined]
    routes = {route.path for route in __import__("api.routes.health", fromlist=["router"]).router.routes}
    grace = float(by_kind("ConfigMap")["labourflow-config"]["data"]["LABOURFLOW_WORKER_GRACEFUL_SHUTDOWN_SECONDS"])
    for name, deployment in deployments.items():
        [container] = _containers(deployment)
        assert container["command"][1] in commands, name
        resources = container["resources"]
        assert resources["requests"]["cpu"] and resources["requests"]["memory"] and resources["limits"]["memory"], name
        if name == "labourflow-api":
            assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
            assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
            assert {"/healthz", "/readyz"} <= routes
            continue
        role = container["command"][container["command"].index("--role") + 1]
        for probe in ("startupProbe", "livenessProbe"):
            assert container[probe]["exec"]["command"] == ["labourflow", "worker-health", "--role", role], name
        assert "worker-health" in commands
        assert deployment["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] >= grace + 10, name


def test_migrations_job() -> None:
    [job] = by_kind("Job").values()
    [container] = _containers(job)
    assert container["command"] == ["labourflow", "migrate"] and job["spec"]["template"]["spec"]["restartPolicy"] == "Never"


def test_settings_are_real() -> None:
    fields = set(Settings.model_fields)
    for key in by_kind("ConfigMap")["labourflow-config"]["data"]:
        assert key == "LABOURFLOW_FONT_CACHE" or key.removeprefix("LABOURFLOW_").lower() in fields, key


def test_autoscalers_read_metrics_the_adapter_defines() -> None:
    adapter = yaml.safe_load((K8S / "prometheus-adapter-values.yaml").read_text())
    defined = {rule["name"]["as"]: rule["metricsQuery"] for rule in adapter["rules"]["external"]}
    hpas = by_kind("HorizontalPodAutoscaler")
    deployments = set(by_kind("Deployment"))
    queues = {"labourflow-workflow-worker": "labourflow", "labourflow-document-worker": "labourflow-documents"}
    for name, hpa in hpas.items():
        assert hpa["spec"]["scaleTargetRef"]["name"] in deployments
        for metric in hpa["spec"]["metrics"]:
            if metric["type"] != "External":
                continue
            external = metric["external"]["metric"]
            assert external["name"] in defined, external["name"]
            assert "schedule_to_start_latency_seconds_bucket" in defined[external["name"]]
            assert external["selector"]["matchLabels"]["task_queue"] == queues[name]
    assert {"labourflow-workflow-worker", "labourflow-document-worker"} <= set(hpas)


def test_temporal_helm_values_agree_with_compose_and_labourflow() -> None:
    """The chart's values (not rendered here: no helm binary) keep the cluster's fixed facts and what labourflow connects with."""
    values = yaml.safe_load((ROOT / "deploy/temporal-helm-values.yaml").read_text())
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    server = values["server"]
    assert str(server["config"]["persistence"]["numHistoryShards"]) == compose["x-temporal"]["environment"]["NUM_HISTORY_SHARDS"]
    assert all(server[name]["replicaCount"] >= 2 for name in ("frontend", "history", "matching", "worker"))
    stores = server["config"]["persistence"]["datastores"]
    assert (stores["default"]["sql"]["user"], stores["visibility"]["sql"]["user"]) == ("temporal", "temporal_visibility")
    assert stores["default"]["sql"]["existingSecret"] != stores["visibility"]["sql"]["existingSecret"]
    config = by_kind("ConfigMap")["labourflow-config"]["data"]
    assert server["tls"]["frontend"]["requireClientAuth"] is True
    assert config["LABOURFLOW_TEMPORAL_TLS_SERVER_NAME"] == server["tls"]["frontend"]["serverName"]
    assert config["LABOURFLOW_TEMPORAL_ADDRESS"].startswith("temporal-frontend.temporal.svc")
