"""structlog configured once per process, with stdlib (uvicorn, temporalio, alembic) routed through it.

Pretty output on a terminal, JSON lines otherwise. Personal data never reaches a log line:
the same redaction runs as a structlog processor and as a stdlib logging filter.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from typing import Any

import structlog

from domain.ids import case_no_of_workflow
from domain.privacy import redact_text

_configured = False


def _redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {key: _redact_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_redact_value(item) for item in value)
    return value


def redact_processor(_logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """structlog processor: mask ID numbers and mobile numbers in every field."""
    return {key: _redact_value(value) for key, value in event_dict.items()}


class RedactingFilter(logging.Filter):
    """stdlib filter doing the same for records that never pass through structlog."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact_text(record.msg)
        if record.args:
            record.args = tuple(_redact_value(arg) for arg in record.args) if isinstance(
                record.args, tuple
            ) else _redact_value(record.args)
        return True


def configure_logging(level: str = "INFO", fmt: str = "auto") -> None:
    """Configure structlog and the stdlib root logger; safe to call more than once."""
    global _configured
    use_json = fmt == "json" or (fmt == "auto" and not sys.stderr.isatty())
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        add_trace_context,
        redact_processor,
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if use_json
        else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    structlog.configure(
        # A line below the logger's level is dropped before the processors run (they used to run for
        # it, and the stdlib logger dropped it after: a few per cent of the API's CPU per intake).
        processors=[structlog.stdlib.filter_by_level, *shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info if use_json else _identity,
            renderer,
        ],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "temporalio", "alembic"):
        child = logging.getLogger(name)
        child.handlers = []
        child.propagate = True
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    forward_temporal_core_logs()
    for noisy in ("fontTools", "weasyprint", "aiosqlite", "asyncio", "httpx", "httpcore", "alembic.runtime.plugins"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    _configured = True


def core_logging_config(level: str = "WARN") -> Any:
    """Temporal SDK core (Rust) logging for a runtime: forwarded into Python logging, so its lines
    reach stderr through the same redacting pipeline instead of being printed to stdout."""
    from temporalio.runtime import LogForwardingConfig, LoggingConfig, TelemetryFilter

    forwarding = LogForwardingConfig(logger=logging.getLogger("temporalio.core"))
    return LoggingConfig(filter=TelemetryFilter(core_level=level, other_level="ERROR"), forwarding=forwarding)


def forward_temporal_core_logs(level: str = "WARN") -> None:
    """Install a default Temporal runtime that forwards the core's logs (processes without their
    own runtime; a worker builds one with metrics, infrastructure/metrics.py)."""
    from temporalio.runtime import Runtime, TelemetryConfig

    with contextlib.suppress(RuntimeError):  # a runtime is already in use in this process: keep it
        Runtime.set_default(Runtime(telemetry=TelemetryConfig(logging=core_logging_config(level))), error_if_already_set=True)


def add_trace_context(_logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """structlog processor: the current span's trace and span ids (the same ids the exported trace
    carries), and inside an activity its workflow id and, for a case, the case number. It runs for
    stdlib records too (uvicorn, temporalio: the formatter's pre-chain), in the logging thread's
    context, which is the caller's."""
    from opentelemetry import trace
    from temporalio import activity

    context = trace.get_current_span().get_span_context()
    if context.is_valid:
        event_dict.setdefault("trace_id", format(context.trace_id, "032x"))
        event_dict.setdefault("span_id", format(context.span_id, "016x"))
    if activity.in_activity():
        workflow_id = activity.info().workflow_id
        if workflow_id:
            event_dict.setdefault("workflow_id", workflow_id)
            if (case_no := case_no_of_workflow(workflow_id)) is not None:
                event_dict.setdefault("case_no", case_no)
    return event_dict


def _identity(_logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    return event_dict


def get_logger(name: str | None = None) -> Any:
    """A structlog logger; configures logging with defaults if nobody did yet."""
    if not _configured:
        configure_logging()
    return structlog.get_logger(name)
