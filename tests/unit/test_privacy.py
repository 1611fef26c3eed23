"""Redaction of ID numbers and mobile numbers in logs (PIPL), through structlog and stdlib."""

import json
import logging

import structlog

from domain.privacy import mask_id_number, mask_mobile, redact_text
from infrastructure.logs import configure_logging


def test_masks() -> None:
    assert mask_id_number("11010519491231002X") == "1101**********002X"
    assert mask_mobile("13812345678") == "138****5678"


def test_redact_text_finds_both_in_free_text() -> None:
    text = "李建国 身份证11010519491231002X 电话+86 138-1234-5678，案件LD-2026-000123，金额36000"
    redacted = redact_text(text)
    assert "11010519491231002X" not in redacted and "1101**********002X" in redacted
    assert "1234-5678" not in redacted and "138****5678" in redacted
    assert "LD-2026-000123" in redacted and "36000" in redacted


def test_logs_are_redacted_in_both_pipelines(capsys) -> None:  # type: ignore[no-untyped-def]
    configure_logging("INFO", "json")
    structlog.get_logger("t").info("intake", worker_id="11010519491231002X", note="call 13812345678")
    logging.getLogger("uvicorn.error").warning("phone %s id %s", "13812345678", "11010519491231002X")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    dumped = json.dumps(lines, ensure_ascii=False)
    assert "13812345678" not in dumped and "11010519491231002X" not in dumped
    assert "138****5678" in dumped and "1101**********002X" in dumped


def test_a_line_below_the_level_is_dropped_before_the_processors_run(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The level is checked first: the processors (trace ids, redaction, time stamp) cost CPU on
    every call, and a line nobody will see should not pay for them (README "Performance")."""
    from infrastructure import logs

    seen: list[str] = []

    def counting(logger: object, method: str, event_dict: dict[str, object]) -> dict[str, object]:
        seen.append(str(event_dict["event"]))
        return event_dict

    monkeypatch.setattr(logs, "add_trace_context", counting)
    try:
        configure_logging("WARNING", "json")
        log = structlog.get_logger("t.level")
        log.info("below the level")
        log.warning("at the level")
        assert seen == ["at the level"]
        assert "below the level" not in capsys.readouterr().err
    finally:
        monkeypatch.undo()
        configure_logging("INFO", "json")
