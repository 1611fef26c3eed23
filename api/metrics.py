"""The web app's Prometheus metrics: requests, latency and errors by route, served at /metrics.

`prometheus-fastapi-instrumentator` counts every request under its route template
(`/api/v1/cases/{case_no}`, never the raw path, so no case number or query value becomes a label;
paths that match no route are counted as `none`): `http_requests_total{handler, method, status}`
(status grouped as 2xx..5xx: errors are `status="5xx"`), `http_request_duration_seconds{handler,
method}` (histogram), `http_request_duration_highr_seconds` (fine buckets, all routes), request and
response sizes; plus the process's CPU, memory and open files (`process_*`). Each app has its own
registry, so tests can build several apps in one process. Who may read it: api/deps.py, `MetricsScraper`.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, ProcessCollector, generate_latest
from prometheus_fastapi_instrumentator import Instrumentator

from api.deps import MetricsScraper

METRICS_PATH = "/metrics"
router = APIRouter()


def install_metrics(app: FastAPI) -> None:
    """Count the app's requests into a registry of its own and serve it at /metrics."""
    registry = CollectorRegistry()
    ProcessCollector(registry=registry)
    Instrumentator(
        should_group_status_codes=True,
        should_group_untemplated=True,
        excluded_handlers=[f"^{METRICS_PATH}$"],
        registry=registry,
    ).instrument(app)
    app.state.metrics_registry = registry
    app.include_router(router)


@router.get(METRICS_PATH, include_in_schema=False)
async def metrics(request: Request, _scraper: MetricsScraper) -> Response:
    """The Prometheus text exposition of this process's web metrics."""
    return Response(generate_latest(request.app.state.metrics_registry), media_type=CONTENT_TYPE_LATEST)
