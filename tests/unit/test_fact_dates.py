"""Every date a person records on an action says whether it is a fact (received, served, held,
signed, decided, paid: never after today) or a plan (a hearing, a day to pay by). The table below
is every payload model of the action catalogue and every date field in it, nested ones included,
so a new field that is not declared fails here before it reaches a workflow."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, get_args, get_origin

import pytest
from pydantic import BaseModel

from domain.catalogue import STAFF_PAYLOADS, WORKER_PAYLOADS
from domain.fact_dates import date_fields, future_fact_problem, future_facts
from domain.supervision import EmployerReply

TODAY = date(2026, 12, 5)
MODELS: dict[str, type[BaseModel]] = {
    **{f"staff:{name}": model for name, model in STAFF_PAYLOADS.items()},
    **{f"worker:{kind.value}": model for kind, model in WORKER_PAYLOADS.items()},
    "employer-reply": EmployerReply,
}
FIELDS = [(label, path, kind) for label, model in MODELS.items() for path, kind in date_fields(model)]
PAST = [(label, path) for label, path, kind in FIELDS if kind == "past"]


def test_the_table_covers_the_fields_the_workflows_check() -> None:
    """The facts whose dates start statutory clocks are among the checked ones (no field is missed)."""
    past = {(label, path) for label, path in PAST}
    for expected in [
        ("staff:record_award", "awarded_on"),
        ("staff:record_award", "received_on"),  # starts D25 and D26 (LDMAL Art. 48-50)
        ("staff:record_judgment", "served_on"),  # starts the appeal period (CPL Art. 171)
        ("staff:schedule_hearing", "notice_served_on"),  # LDMAL Art. 35: the notice precedes the hearing
        ("staff:record_agreement", "signed_on"),
        ("staff:draft_notice", "transfer.order_issued_on"),
        ("worker:sue", "filed_on"),
    ]:
        assert expected in past, expected
    assert len(FIELDS) >= 40


@pytest.mark.parametrize(("label", "path", "kind"), FIELDS, ids=[f"{label}.{path}" for label, path, _ in FIELDS])
def test_every_date_field_is_declared_a_fact_or_a_plan(label: str, path: str, kind: str) -> None:
    assert kind in ("past", "planned"), f"{label}: declare {path} as PastDate or PlannedDate (domain.fact_dates)"


def _with_date(model: type[BaseModel], path: str, day: date) -> BaseModel:
    """An instance of `model` holding `day` at `path` ('items[].due_on', 'transfer.order_issued_on')."""
    head, _, rest = path.partition(".")
    many = head.endswith("[]")
    name = head.removesuffix("[]")
    if not rest:
        return model.model_construct(**{name: day})
    nested = _nested(model.model_fields[name].annotation)
    inner = _with_date(nested, rest, day)
    return model.model_construct(**{name: (inner,) if many else inner})


def _nested(annotation: Any) -> type[BaseModel]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        if arg is not type(None) and get_origin(arg) is not type(...):
            try:
                return _nested(arg)
            except LookupError:
                continue
    raise LookupError(annotation)


@pytest.mark.parametrize(("label", "path"), PAST, ids=[f"{label}.{path}" for label, path in PAST])
def test_a_fact_dated_tomorrow_is_refused_naming_the_field(label: str, path: str) -> None:
    model = MODELS[label]
    tomorrow = _with_date(model, path, TODAY + timedelta(days=1))
    problem = future_fact_problem(tomorrow, TODAY)
    shown = path.replace("[]", "[0]")
    assert problem is not None and shown in problem and "2026-12-06" in problem and "future" in problem
    assert future_facts(_with_date(model, path, TODAY), TODAY) == []


def test_a_plan_may_lie_ahead() -> None:
    from domain.actions import AgreementTerms, HearingSchedule

    hearing = HearingSchedule(hearing_on=TODAY + timedelta(days=10), notice_served_on=TODAY)
    assert future_facts(hearing, TODAY) == []
    agreement = AgreementTerms.model_validate(
        {
            "signed_on": TODAY,
            "terms": "分两期支付",
            "items": [{"kind": "wages", "amount": "2000"}],
            "instalments": [
                {"due_on": TODAY + timedelta(days=30), "amount": "1000"},
                {"due_on": TODAY + timedelta(days=60), "amount": "1000"},
            ],
        }
    )
    assert future_facts(agreement, TODAY) == []
    late = agreement.model_copy(update={"signed_on": TODAY + timedelta(days=1)})
    assert future_facts(late, TODAY) == ["signed_on 2026-12-06"]
