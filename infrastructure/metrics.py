"""Worker metrics: Temporal's SDK metrics and the product's, on one Prometheus endpoint per process.

Each worker process builds its own Temporal `Runtime` with a Prometheus exporter on
`LABOURFLOW_WORKER_METRICS_HOST:PORT` (the document worker on PORT + 1), and the product metrics
below are instruments of that runtime's meter, so one scrape returns both: Temporal's
(`temporal_*`: schedule-to-start latency, slots, sticky cache, polls, failures) and ours
(`labourflow_*`).

Where each product figure is counted, and why there:
- Events are counted where they happen, once: a case opened when the activity inserts its
  "case opened" timeline row (a retried activity finds the row and counts nothing), a deadline
  missed when the activity turns it to `missed` from another status, a document when the
  render-document activity returns it. They are counters: Prometheus adds replicas up and takes
  restarts in its stride (`rate`, `increase`).
- States are read from the database by the workflow worker every `LABOURFLOW_METRICS_SAMPLE_SECONDS`:
  open and overdue tasks, deadlines coming due, the notification outbox's backlog. A task becomes
  overdue, and a message waits, without any activity running, so no activity could count them; and
  a count read from the rows is right after any crash or restart. Every workflow-worker replica
  reports the same figures: dashboards take `max`, never `sum`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from temporalio.common import MetricMeter
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig

from domain.documents import DocumentType
from domain.roles import Role
from domain.rules import RULE_IDS

# The product's series (counters get `_total` on the endpoint). README "Observability" explains each.
CASES_OPENED = "labourflow_cases_opened"
DEADLINES_MISSED = "labourflow_deadlines_missed"
DOCUMENTS_RENDERED = "labourflow_documents_rendered"
TASKS_OPEN = "labourflow_tasks_open"
TASKS_OVERDUE = "labourflow_tasks_overdue"
DEADLINES_PENDING = "labourflow_deadlines_pending"
OUTBOX_PENDING = "labourflow_outbox_pending"
OUTBOX_FAILED = "labourflow_outbox_failed"
OUTBOX_OLDEST_PENDING_AGE = "labourflow_outbox_oldest_pending_age_seconds"
BACKLOG_SAMPLED = "labourflow_backlog_sampled_timestamp_seconds"
# Webhook delivery attempts to agency systems (services/webhooks.py), labelled `outcome`:
# delivered (a 2xx answer) or failed (an error or another status; retried after a backoff).
WEBHOOK_DELIVERIES = "labourflow_webhook_deliveries"
WEBHOOK_OUTCOMES = ("delivered", "failed")

# When a pending deadline falls due, relative to China's today (labels of DEADLINES_PENDING).
DUE_WINDOWS = ("past", "today", "next_7_days")

# Schedule-to-start is what an operator pages on: buckets fine enough to see 50 ms become 5 s
# (Temporal's default buckets jump from 0.1 to 0.5 to 1 to 5 s).
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)
FINE_HISTOGRAMS = ("workflow_task_schedule_to_start_latency", "activity_schedule_to_start_latency",
                   "workflow_task_execution_latency", "activity_execution_latency")


@dataclass(frozen=True)
class Backlog:
    """What the database holds that waits on someone: the gauges' values at one moment."""

    tasks_open: Mapping[str, int] = field(default_factory=dict)  # by role
    tasks_overdue: Mapping[str, int] = field(default_factory=dict)  # by role
    deadlines_pending: Mapping[str, int] = field(default_factory=dict)  # by DUE_WINDOWS
    outbox_pending: int = 0
    outbox_failed: int = 0
    outbox_oldest_pending_seconds: float = 0.0
    sampled_at: float = 0.0  # Unix time


class ProductMetrics:
    """The product's instruments on one Temporal meter (a worker's runtime, or no-op)."""

    def __init__(self, meter: MetricMeter) -> None:
        self._cases_opened = meter.create_counter(CASES_OPENED, "Cases opened (their 'case opened' timeline event written)")
        self._deadlines_missed = meter.create_counter(DEADLINES_MISSED, "Statutory deadlines recorded as missed, by rule")
        self._documents = meter.create_counter(DOCUMENTS_RENDERED, "Documents returned by the render-document activity, by type")
        self._tasks_open = meter.create_gauge(TASKS_OPEN, "Open human tasks, by role")
        self._tasks_overdue = meter.create_gauge(TASKS_OVERDUE, "Open human tasks past their due date, by role")
        self._deadlines_pending = meter.create_gauge(DEADLINES_PENDING, "Pending statutory deadlines by when they fall due")
        self._outbox_pending = meter.create_gauge(OUTBOX_PENDING, "Notifications waiting to be sent")
        self._outbox_failed = meter.create_gauge(OUTBOX_FAILED, "Notifications given up after the last attempt")
        self._outbox_age = meter.create_gauge_float(OUTBOX_OLDEST_PENDING_AGE, "Age of the oldest notification waiting")
        self._sampled = meter.create_gauge_float(BACKLOG_SAMPLED, "When the backlog gauges were last read from the database")
        self._webhooks = meter.create_counter(WEBHOOK_DELIVERIES, "Webhook delivery attempts to agency systems, by outcome")

    @classmethod
    def off(cls) -> ProductMetrics:
        """Instruments that record nothing (tools and tests that do not look at metrics)."""
        return cls(MetricMeter.noop)

    def start_workflow_series(self) -> None:
        """Make the workflow worker's counters exist at zero, so that `increase()` and alerts see
        the first event too (a series born at 1 has no increase)."""
        self._cases_opened.add(0)
        for rule_id in RULE_IDS:
            self._deadlines_missed.add(0, {"rule_id": rule_id})
        for outcome in WEBHOOK_OUTCOMES:
            self._webhooks.add(0, {"outcome": outcome})

    def start_document_series(self) -> None:
        """The document worker's counter, at zero for every document type."""
        for doc_type in DocumentType:
            self._documents.add(0, {"doc_type": doc_type.value})

    def case_opened(self) -> None:
        self._cases_opened.add(1)

    def deadline_missed(self, rule_id: str) -> None:
        self._deadlines_missed.add(1, {"rule_id": rule_id})

    def document_rendered(self, doc_type: str) -> None:
        self._documents.add(1, {"doc_type": doc_type})

    def webhook_delivery(self, outcome: str) -> None:
        self._webhooks.add(1, {"outcome": outcome})

    def record_backlog(self, backlog: Backlog) -> None:
        """Set every gauge from one reading of the database (roles and windows with no rows at 0)."""
        for role in Role:
            self._tasks_open.set(backlog.tasks_open.get(role.value, 0), {"role": role.value})
            self._tasks_overdue.set(backlog.tasks_overdue.get(role.value, 0), {"role": role.value})
        for window in DUE_WINDOWS:
            self._deadlines_pending.set(backlog.deadlines_pending.get(window, 0), {"due": window})
        self._outbox_pending.set(backlog.outbox_pending)
        self._outbox_failed.set(backlog.outbox_failed)
        self._outbox_age.set(backlog.outbox_oldest_pending_seconds)
        self._sampled.set(backlog.sampled_at)


class MetricsPortBusy(RuntimeError):
    """The metrics port is taken; the message names the setting that moves it."""


def worker_runtime(host: str, port: int, core_log_level: str = "WARN") -> Runtime:
    """A Temporal runtime for one worker process: Prometheus on host:port (counters with `_total`,
    durations in seconds), the SDK core's own log lines forwarded into Python logging."""
    from infrastructure.logs import core_logging_config

    prometheus = PrometheusConfig(
        bind_address=f"{host}:{port}", counters_total_suffix=True, unit_suffix=True, durations_as_seconds=True,
        histogram_bucket_overrides={name: list(LATENCY_BUCKETS) for name in FINE_HISTOGRAMS},
    )
    try:
        return Runtime(telemetry=TelemetryConfig(metrics=prometheus, logging=core_logging_config(core_log_level)))
    except ValueError as exc:  # the exporter could not bind
        raise MetricsPortBusy(
            f"指标端口 {port} 已被占用 / metrics port {port} cannot be opened ({exc}); "
            "set LABOURFLOW_WORKER_METRICS_PORT (or `labourflow worker --metrics-port`) to another port, or 0 for none"
        ) from None
