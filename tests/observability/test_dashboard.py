"""The Grafana dashboard and the alert rules name only series that exist: every series their
queries select is looked for in what the running processes actually serve after an intake (the
web app's /metrics, a worker's endpoint, the Temporal dev server's --metrics-port); and the
provisioning holds together (data source uid, alert conditions, the paths compose mounts)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import uuid
from pathlib import Path
from typing import Any

import promql_parser
import pytest
import yaml
from temporalio.client import Client, WorkflowFailureError
from temporalio.worker import Worker

from infrastructure.temporal import dev_server_search_attribute_args
from labourflow.worker import sandbox_runner
from services.monitoring import read_backlog
from tests.conftest import DEV_SERVER
from tests.observability.conftest import Observed
from tests.observability.failing import FailingWorkflow, failing_activity
from tests.observability.scrape import scrape, series_names
from tests.stories import wage_arrears
from tests.support import free_port, wait_for

pytestmark = [pytest.mark.devserver]

ROOT = Path(__file__).resolve().parents[2]
GRAFANA = ROOT / "deploy" / "grafana"
DASHBOARD = GRAFANA / "dashboards" / "labourflow.json"
ALERTS = GRAFANA / "provisioning" / "alerting" / "labourflow.yaml"
# Series Prometheus writes itself for every scrape target; no endpoint serves them.
PROMETHEUS_OWN = {"up"}
# Grafana's interval variables, as Grafana fills them in before the query reaches Prometheus.
GRAFANA_VARIABLES = {"$__rate_interval": "1m", "$__interval": "15s", "$__range": "1h"}


def _expressions() -> dict[str, str]:
    """Every PromQL expression of the dashboard and the alert rules, by where it is."""
    found: dict[str, str] = {}
    for panel in json.loads(DASHBOARD.read_text())["panels"]:
        for target in panel.get("targets", []):
            found[f"panel '{panel['title']}' {target['refId']}"] = target["expr"]
    for group in yaml.safe_load(ALERTS.read_text())["groups"]:
        for rule in group["rules"]:
            for query in rule["data"]:
                if "expr" in query["model"]:
                    found[f"alert {rule['uid']} {query['refId']}"] = query["model"]["expr"]
    return found


def _selected_series(expression: str) -> set[str]:
    for variable, value in GRAFANA_VARIABLES.items():
        expression = expression.replace(variable, value)
    names: set[str] = set()

    def visit(node: Any) -> bool:
        if isinstance(node, promql_parser.VectorSelector):
            names.add(node.name)
        return True

    promql_parser.walk(promql_parser.parse(expression), visit)  # a syntax error fails here
    return names


def test_provisioning_holds_together() -> None:
    datasource = yaml.safe_load((GRAFANA / "provisioning" / "datasources" / "prometheus.yaml").read_text())["datasources"][0]
    dashboard = json.loads(DASHBOARD.read_text())
    for panel in dashboard["panels"]:
        if panel["type"] != "row":
            assert panel["datasource"]["uid"] == datasource["uid"], panel["title"]
            assert panel["targets"], panel["title"]
    rules = {rule["uid"]: rule for group in yaml.safe_load(ALERTS.read_text())["groups"] for rule in group["rules"]}
    # The signals an operator pages on, each with a rule.
    assert {"lf-workflow-schedule-to-start", "lf-activity-schedule-to-start", "lf-outbox-backlog", "lf-deadlines-missed",
            "lf-worker-down", "lf-no-workflow-worker", "lf-no-document-worker"} <= set(rules)
    for uid, rule in rules.items():
        refs = {query["refId"] for query in rule["data"]}
        assert rule["condition"] in refs, uid
        assert {q["datasourceUid"] for q in rule["data"]} <= {datasource["uid"], "__expr__"}, uid
        assert rule["annotations"]["__dashboardUid__"] == dashboard["uid"]
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    for service in ("prometheus", "grafana"):
        for volume in compose[service]["volumes"]:
            source = volume.split(":")[0]
            assert not source.startswith("./") or (ROOT / source).exists(), f"{service}: {source}"
    scrape_config = yaml.safe_load((ROOT / "deploy" / "prometheus" / "prometheus.yml").read_text())
    jobs = {job["job_name"] for job in scrape_config["scrape_configs"]}
    assert {"labourflow-api", "labourflow-worker", "labourflow-document-worker", "temporal"} <= jobs
    for expression in _expressions().values():
        for job in ("labourflow-worker", "labourflow-document-worker"):
            if f'"{job}' in expression or f"|{job}" in expression:
                assert job in jobs


async def _connect_when_ready(address: str) -> Client:
    """The dev server serves its metrics before its gRPC port listens (CI once connected in between)."""
    for _ in range(60):
        try:
            return await Client.connect(address)
        except RuntimeError:
            await asyncio.sleep(0.5)
    return await Client.connect(address)


async def _temporal_server_metrics() -> str:
    """A dev server with --metrics-port (as `labourflow run` starts it), after a few requests."""
    grpc, metrics = free_port(), free_port()
    server = await asyncio.create_subprocess_exec(
        DEV_SERVER, "server", "start-dev", "--headless", "--ip", "127.0.0.1", "--port", str(grpc), "--metrics-port", str(metrics),
        "--log-level", "error", *dev_server_search_attribute_args(),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        await asyncio.to_thread(wait_for, f"http://127.0.0.1:{metrics}/metrics", 60)
        client = await _connect_when_ready(f"127.0.0.1:{grpc}")
        await client.start_workflow("dispute", id=f"case/{uuid.uuid4().hex}", task_queue="nobody-polls")
        await client.count_workflows()
        # The server reports its counters on a flush interval: wait for the start we just made.
        for _ in range(100):
            text = await asyncio.to_thread(scrape, f"http://127.0.0.1:{metrics}/metrics")
            if 'operation="StartWorkflowExecution"' in text:
                return text
            await asyncio.sleep(0.2)
        raise AssertionError("the dev server never reported the workflow start")
    finally:
        server.terminate()
        await asyncio.wait_for(server.wait(), 30)


async def test_every_series_the_dashboard_and_the_alerts_name_is_served(observed: Observed) -> None:
    await observed.file_and_wait_for_receipt(wage_arrears())
    queue = f"failing-{uuid.uuid4().hex[:8]}"
    async with Worker(observed.env.client, task_queue=queue, workflows=[FailingWorkflow], activities=[failing_activity],
                      workflow_runner=sandbox_runner()):
        with pytest.raises(WorkflowFailureError):
            await observed.env.client.execute_workflow(FailingWorkflow.run, id=f"failing-{queue}", task_queue=queue)
    observed.deps.metrics.record_backlog(await read_backlog(observed.deps.db))  # what the worker's loop does
    served = {
        "web app": series_names((await observed.http.get("/metrics")).text),
        "worker": series_names(scrape(observed.worker_metrics)),
        "Temporal server": series_names(await _temporal_server_metrics()),
    }
    everything = set().union(*served.values())
    named = {where: _selected_series(expression) for where, expression in _expressions().items()}
    assert len(named) > 30
    missing = {where: sorted(names - everything - PROMETHEUS_OWN) for where, names in named.items() if names - everything - PROMETHEUS_OWN}
    assert not missing, f"named but not served: {missing}"
    # Each source is used: the dashboard reads all three endpoints.
    used = set().union(*named.values())
    for source, names in served.items():
        assert used & names, f"nothing from the {source}"
