"""Action forms are generated from the payload models, and posted forms turn back into payloads the
same models accept; validation errors come back next to the field that caused them."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from api.forms import (
    FormField,
    FormGroup,
    drop_blanks,
    errors_by_field,
    form_fields,
    nest,
)
from api.i18n import Translator, catalogue
from domain.actions import AgreementTerms, Ruling, SessionRecord
from domain.catalogue import GROUPS, STAFF_PAYLOADS, actions_of
from infrastructure.settings import PROJECT_ROOT
from workflows.registry import ALL_WORKFLOWS

ZH = Translator(catalogue(PROJECT_ROOT / "templates"), "zh")
EN = Translator(catalogue(PROJECT_ROOT / "templates"), "en")


def test_fields_follow_the_model() -> None:
    fields = {f.key: f for f in form_fields(SessionRecord, prefix="payload.")}
    assert list(fields) == ["held_on", "attendees", "summary"]
    held, summary = fields["held_on"], fields["summary"]
    assert (
        isinstance(held, FormField)
        and held.kind == "date"
        and held.required
        and held.name == "payload.held_on"
    )
    assert (
        isinstance(summary, FormField) and summary.kind == "textarea" and summary.max_length == 4000
    )
    ruling = {f.key: f for f in form_fields(Ruling)}
    assert ruling["granted"].kind == "boolean" and ruling["granted"].required  # type: ignore[union-attr]
    assert not ruling["received_on"].required and not ruling["reason"].required  # type: ignore[union-attr]


def test_repeated_items_become_rows_and_blank_rows_are_dropped() -> None:
    items = next(f for f in form_fields(AgreementTerms, prefix="payload.") if f.key == "items")
    assert isinstance(items, FormGroup) and items.required and len(items.rows) == 3
    kind = items.rows[0][0]
    assert kind.name == "payload.items.0.kind" and kind.kind == "select" and "wages" in kind.choices
    posted = [
        ("payload.signed_on", "2026-03-10"),
        ("payload.terms", "分两期支付"),
        ("payload.items.0.kind", "wages"),
        ("payload.items.0.amount", "36000.00"),
        ("payload.items.1.kind", ""),
        ("payload.items.1.amount", ""),
        ("payload.instalments.0.due_on", ""),
        ("payload.instalments.0.amount", ""),
        ("csrf_token", "x"),
    ]
    payload = drop_blanks(nest(posted, prefix="payload."))
    terms = AgreementTerms.model_validate(payload)
    assert terms.total == 36000 and terms.instalments == () and terms.signed_on == date(2026, 3, 10)


def test_errors_are_keyed_by_posted_name_in_the_visitors_language() -> None:
    posted = [
        ("payload.signed_on", "2026-13-01"),
        ("payload.items.0.kind", "wages"),
        ("payload.items.0.amount", "12.345"),
    ]
    with pytest.raises(ValidationError) as caught:
        AgreementTerms.model_validate(drop_blanks(nest(posted, prefix="payload.")))
    zh = errors_by_field(ZH, caught.value, prefix="payload.")
    en = errors_by_field(EN, caught.value, prefix="payload.")
    assert (
        zh["payload.signed_on"] == "请填写日期，格式 YYYY-MM-DD。"
        and en["payload.signed_on"] == "Give a date as YYYY-MM-DD."
    )
    assert (
        "两位小数" in zh["payload.items.0.amount"]
        and "two decimals" in en["payload.items.0.amount"]
    )
    assert zh["payload.terms"] == "此项必填。"


def test_every_workflow_handles_exactly_its_catalogue_actions() -> None:
    """Forms are built from the catalogue by action name; the workflow that offers a group's tasks
    has a handler for every action of the group and no other (same payload model, same roles)."""
    by_type = {definition.__temporal_workflow_definition.name: definition for definition in ALL_WORKFLOWS}  # type: ignore[attr-defined]
    handled: set[str] = set()
    for workflow_type, group in GROUPS.items():
        declared = {entry.name: entry for entry in actions_of(group)}
        specs = by_type[workflow_type].ACTIONS  # type: ignore[attr-defined]
        assert specs.keys() == declared.keys(), workflow_type
        for name, spec in specs.items():
            assert (spec.payload, spec.roles, spec.closes) == (declared[name].payload, declared[name].roles, declared[name].closes)
        handled |= specs.keys()
    assert handled == STAFF_PAYLOADS.keys()
    undeclared = [d for d in ALL_WORKFLOWS if getattr(d, "ACTIONS", {}) and d.__temporal_workflow_definition.name not in GROUPS]  # type: ignore[attr-defined]
    assert undeclared == []
