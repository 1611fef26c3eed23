"""One intake is one trace: the API's request span, the workflow start, the workflow run and its
activities down to their SQL statements, with no personal data in anything that leaves the process,
and log lines that carry the trace's ids."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from opentelemetry.sdk.trace import ReadableSpan

from devtools.stories import LI_JIANGUO_ID
from infrastructure.logs import configure_logging
from tests.observability.conftest import Observed
from tests.stories import wage_arrears


def _ancestors(span: ReadableSpan, by_id: dict[int, ReadableSpan]) -> list[str]:
    names = []
    while span.parent is not None and span.parent.span_id in by_id:
        span = by_id[span.parent.span_id]
        names.append(span.name)
    return names


def _values(spans: Sequence[ReadableSpan]) -> list[str]:
    """Every attribute value and event attribute value, and every name, as text."""
    texts: list[Any] = []
    for span in spans:
        texts += [span.name, *dict(span.attributes or {}).values()]
        for event in span.events:
            texts += [event.name, *dict(event.attributes or {}).values()]
    return [str(text) for text in texts]


async def test_an_intake_is_one_trace_from_the_request_to_the_sql(observed: Observed) -> None:
    case_no, _ = await observed.file_and_wait_for_receipt(wage_arrears())
    spans = await observed.finished_spans("RunActivity:record-timeline-event", "RunActivity:render-document")
    request = next(s for s in spans if s.name == "POST /api/v1/cases")
    assert request.kind.name == "SERVER" and request.attributes["http.route"] == "/api/v1/cases"
    trace = [s for s in spans if s.context.trace_id == request.context.trace_id]
    by_id = {s.context.span_id: s for s in trace}
    names = {s.name for s in trace}
    assert {"StartWorkflow:dispute", "RunWorkflow:dispute", "StartActivity:record-timeline-event",
            "RunActivity:record-timeline-event", "RunActivity:render-document"} <= names, sorted(names)

    start = next(s for s in trace if s.name == "StartWorkflow:dispute")
    assert start.attributes["temporalWorkflowID"] == f"case/{case_no}"
    assert _ancestors(start, by_id)[-1] == "POST /api/v1/cases"
    # The workflow's spans hang off the start (Temporal carries the context in its headers): its
    # run, and each activity it schedules, whose execution on the worker is the next level down.
    run = next(s for s in trace if s.name == "RunWorkflow:dispute")
    assert _ancestors(run, by_id) == ["StartWorkflow:dispute", "POST /api/v1/cases"]
    run_activity = next(s for s in trace if s.name == "RunActivity:record-timeline-event")
    chain = _ancestors(run_activity, by_id)
    assert chain == ["StartActivity:record-timeline-event", "StartWorkflow:dispute", "POST /api/v1/cases"], chain
    rendered = next(s for s in trace if s.name == "RunActivity:render-document")
    assert _ancestors(rendered, by_id)[-1] == "POST /api/v1/cases"
    # The activity's SQL statements are spans of the same trace, under the activity.
    sql = [s for s in trace if s.parent is not None and s.parent.span_id == run_activity.context.span_id]
    statements = [str(s.attributes.get("db.statement", "")) for s in sql]
    assert any(text.startswith("INSERT INTO timeline_event") for text in statements), statements
    # And the request's own SQL (registering the case) is under the request span.
    # (on SQLite in the writer thread, `Database.write`: the context goes with it)
    for table in ("case_counter", "dispute_case", "case_claim"):
        assert any(f"INSERT INTO {table} " in str(s.attributes.get("db.statement", "")) and request.name in _ancestors(s, by_id)
                   for s in trace), table


async def test_no_personal_data_leaves_in_a_span(observed: Observed) -> None:
    intake = wage_arrears()
    mobile = intake["worker"]["mobile"]
    assert intake["worker"]["id_number"] == LI_JIANGUO_ID
    await observed.file_and_wait_for_receipt(intake)
    admin = await observed.token("admin")
    # A query string carrying a phone number (the search has no such field: it goes to the URL only).
    found = await observed.http.get(f"/api/v1/cases?employer={mobile}", headers=admin)
    assert found.status_code == 200

    recorded = observed.recorded.get_finished_spans()
    # The statements are recorded with placeholders: the parameters (the encrypted row, hashes) never.
    statements = [str(s.attributes["db.statement"]) for s in recorded if "db.statement" in (s.attributes or {})]
    assert len(statements) > 20
    assert not [text for text in statements if LI_JIANGUO_ID in text or mobile in text]
    # As recorded, the request span holds the query (this is what the redacting processor is for) ...
    assert any(mobile in value for value in _values(recorded))
    # ... and nothing that leaves the process holds the ID number or the phone, in any form we know.
    exported = _values(observed.exported.get_finished_spans())
    assert len(exported) > 100
    for needle in (LI_JIANGUO_ID, mobile, f"{mobile[:3]}-{mobile[3:7]}-{mobile[7:]}"):
        assert not [value for value in exported if needle in value], needle
    search = next(s for s in observed.exported.get_finished_spans() if s.name == "GET /api/v1/cases")
    assert search.attributes["http.url"] == "http://test/api/v1/cases"
    assert "net.peer.ip" not in search.attributes


async def test_log_lines_carry_the_trace_and_the_case(observed: Observed, capsys) -> None:  # type: ignore[no-untyped-def]
    configure_logging("INFO", "json")
    case_no, _ = await observed.file_and_wait_for_receipt(wage_arrears())
    await observed.finished_spans("RunActivity:render-document")  # the activity logs before it returns
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    request = next(s for s in observed.exported.get_finished_spans() if s.name == "POST /api/v1/cases")
    trace_id = format(request.context.trace_id, "032x")
    started = next(line for line in lines if line["event"] == "case workflow started")
    assert started["trace_id"] == trace_id and started["case_no"] == case_no and started["workflow_id"] == f"case/{case_no}"
    assert started["span_id"] == format(request.context.span_id, "016x")
    # In the document worker's activity: the same trace, with the workflow and the case bound.
    receipt = next(line for line in lines if line["event"] == "document ready" and line["doc_type"] == "case_receipt")
    assert receipt["trace_id"] == trace_id and receipt["case_no"] == case_no
    assert receipt["workflow_id"] == f"case/{case_no}" and len(receipt["span_id"]) == 16
