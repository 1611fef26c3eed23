"""OpenTelemetry traces: one tracer provider per process, and the instrumentations bound to it.

A trace runs from the HTTP request (FastAPI) through the workflow start, the workflow's tasks and
its activities (Temporal's `TracingInterceptor`, on the client and so on every worker built from
it) down to each SQL statement (SQLAlchemy) and outgoing HTTP call (httpx). Spans are made in every
process whenever `LABOURFLOW_TRACING` is on, so that log lines carry trace and span ids
(infrastructure/logs.py); they leave the process only when `LABOURFLOW_OTLP_ENDPOINT` is set.

No personal data leaves in a span. The SQLAlchemy instrumentation records statements with their
placeholders, never the bound parameters; and every exported span passes `RedactingSpanProcessor`,
which drops query strings and client addresses and masks anything that looks like an ID number or
a mobile number (the same rule as the log redaction), in attributes and events alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.metrics import NoOpMeterProvider
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import Event, ReadableSpan, Span, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased

from domain.privacy import redact_text
from infrastructure import __version__
from infrastructure.settings import Settings

if TYPE_CHECKING:
    from fastapi import FastAPI
    from temporalio.contrib.opentelemetry import TracingInterceptor

    from infrastructure.db import Database

# Attributes that carry a URL: exported without the query string (a search by phone number would
# otherwise travel in it).
URL_ATTRIBUTES = frozenset({"http.url", "url.full", "http.target"})
# Attributes dropped on export: the query itself and who called (a person's address).
DROPPED_ATTRIBUTES = frozenset({
    "url.query", "net.peer.ip", "net.peer.port", "client.address", "client.port", "http.client_ip",
    "net.sock.peer.addr", "net.sock.peer.port", "network.peer.address", "network.peer.port",
})
# Paths whose requests make no span: probes and scrapes would drown the traces that matter.
UNTRACED_PATHS = "/healthz$,/readyz$,/metrics$,/static/"


def _strip_query(value: str) -> str:
    if "?" not in value:
        return value
    if value.startswith("/"):
        return value.split("?", 1)[0]
    parts = urlsplit(value)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def _scrub_value(value: Any) -> Any:
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, Sequence) and not isinstance(value, bytes):
        return tuple(_scrub_value(item) for item in value)
    return value


def scrub_attributes(attributes: Mapping[str, Any] | None) -> dict[str, Any]:
    """The attributes that may leave the process: no query strings, no client address, no
    ID or mobile numbers."""
    clean: dict[str, Any] = {}
    for key, value in (attributes or {}).items():
        if key in DROPPED_ATTRIBUTES:
            continue
        if key in URL_ATTRIBUTES and isinstance(value, str):
            value = _strip_query(value)
        clean[key] = _scrub_value(value)
    return clean


class RedactingSpanProcessor(SpanProcessor):
    """Hands `inner` (the exporting processor) a copy of each ended span with its attributes and
    events scrubbed (`scrub_attributes`); the span name is redacted as well."""

    def __init__(self, inner: SpanProcessor) -> None:
        self._inner = inner

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        self._inner.on_start(span, parent_context)

    def on_end(self, span: ReadableSpan) -> None:
        events = [Event(event.name, scrub_attributes(event.attributes), event.timestamp) for event in span.events]
        self._inner.on_end(ReadableSpan(
            name=redact_text(span.name), context=span.context, parent=span.parent, resource=span.resource,
            attributes=scrub_attributes(span.attributes), events=events, links=span.links, kind=span.kind,
            status=span.status, start_time=span.start_time, end_time=span.end_time,
            instrumentation_scope=span.instrumentation_scope,
        ))

    def shutdown(self) -> None:
        self._inner.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self._inner.force_flush(timeout_millis)


class Tracing:
    """The tracing of one process: its tracer provider and the instrumentations bound to it."""

    def __init__(self, provider: TracerProvider, exporting: bool = False) -> None:
        self.provider = provider
        # SQL and outgoing-HTTP spans are made only when spans leave the process: they are most of
        # the spans (a few dozen statements per intake, about 60 ms of CPU measured in-process) and
        # only a trace viewer needs them; log lines get their ids from the request and activity spans.
        self.exporting = exporting
        self._engine_tracers: list[Any] = []

    @classmethod
    def build(cls, settings: Settings, service: str, exporter: SpanExporter | None = None, *,
              batch: bool = True) -> Tracing:
        """A provider for `service` (e.g. labourflow-api); spans go to `exporter`, or over OTLP/HTTP
        to `LABOURFLOW_OTLP_ENDPOINT` when it is set, or nowhere (ids for the logs only)."""
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor

        resource = Resource.create({"service.name": service, "service.version": __version__,
                                    "deployment.environment": settings.env.value})
        provider = TracerProvider(resource=resource, sampler=ParentBased(TraceIdRatioBased(settings.trace_sample_ratio)))
        if exporter is None and settings.otlp_endpoint:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            exporter = OTLPSpanExporter(endpoint=settings.otlp_endpoint)
        if exporter is not None:
            inner = BatchSpanProcessor(exporter) if batch else SimpleSpanProcessor(exporter)
            provider.add_span_processor(RedactingSpanProcessor(inner))
        return cls(provider, exporting=exporter is not None)

    def install_globally(self) -> None:
        """Make this the process's provider (what `trace.get_tracer` and the httpx hooks use)."""
        trace.set_tracer_provider(self.provider)

    def temporal_interceptor(self) -> TracingInterceptor:
        """Temporal's interceptor: spans for workflow starts, Updates, signals, workflow runs and
        activities, with the context carried in Temporal headers from the client to the workers."""
        from temporalio.contrib.opentelemetry import TracingInterceptor

        return TracingInterceptor(self.provider.get_tracer("temporalio"))

    def instrument_app(self, app: FastAPI) -> None:
        """A server span per request, named by its route template (never the raw path)."""
        from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

        FastAPIInstrumentor.instrument_app(app, tracer_provider=self.provider, excluded_urls=UNTRACED_PATHS,
                                           exclude_spans=["receive", "send"], meter_provider=NoOpMeterProvider())

    def instrument_database(self, db: Database) -> None:
        """A client span per SQL statement on this database's engine (statement text only)."""
        from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer

        # The instrumentor's per-engine tracer, used directly: the instrumentor itself is one per
        # process and would ignore a second engine (tests build several).
        usage = NoOpMeterProvider().get_meter("sqlalchemy").create_up_down_counter("db.client.connections.usage")
        for engine in (db.engine.sync_engine, db.writer_engine):  # the writer: `Database.write` on SQLite
            if engine is not None:
                self._engine_tracers.append(EngineTracer(self.provider.get_tracer("sqlalchemy"), engine, usage))

    def instrument_httpx(self) -> None:
        """A client span for every httpx request this process sends (all clients)."""
        from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

        HTTPXClientInstrumentor().instrument(tracer_provider=self.provider)

    def shutdown(self) -> None:
        """Send what is buffered and stop."""
        self.provider.shutdown()


def process_tracing(settings: Settings, service: str) -> Tracing | None:
    """The tracing of a labourflow process (API or worker), installed globally; None when
    `LABOURFLOW_TRACING` is off."""
    if not settings.tracing:
        return None
    tracing = Tracing.build(settings, service)
    tracing.install_globally()
    if tracing.exporting:
        tracing.instrument_httpx()
    return tracing
