"""Dates in what people record: a fact that happened (received, served, held, signed, decided, paid)
cannot lie in the future, while a date that is planned (a hearing, a day to pay by) may.

Every date field of an action payload says which it is, by its type: `PastDate` (or
`OptionalPastDate`) for a fact, `PlannedDate` for a plan. `future_facts` then checks any payload
generically, nested models and tuples included, and a test walks every payload model of the
catalogue so a new date field cannot be left undeclared."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import BaseModel


class PastFact:
    """Marks a date that states a past fact: it may be today at the latest."""

    def __repr__(self) -> str:
        return "PastFact()"


class Planned:
    """Marks a date that may lie ahead (a hearing, a due date, an instalment)."""

    def __repr__(self) -> str:
        return "Planned()"


PastDate = Annotated[date, PastFact()]
OptionalPastDate = Annotated[date | None, PastFact()]
PlannedDate = Annotated[date, Planned()]
OptionalPlannedDate = Annotated[date | None, Planned()]

DateKind = Literal["past", "planned", "undeclared"]


def _kind(metadata: list[Any]) -> DateKind:
    if any(isinstance(item, PastFact) for item in metadata):
        return "past"
    if any(isinstance(item, Planned) for item in metadata):
        return "planned"
    return "undeclared"


def _nested_models(annotation: Any) -> Iterator[type[BaseModel]]:
    """Models inside an annotation (`X`, `X | None`, `tuple[X, ...]`)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    if get_origin(annotation) is Annotated:
        yield from _nested_models(get_args(annotation)[0])
        return
    for arg in get_args(annotation):
        yield from _nested_models(arg)


def _is_date(annotation: Any) -> bool:
    if annotation is date:
        return True
    if get_origin(annotation) is Annotated:
        return _is_date(get_args(annotation)[0])
    return any(arg is date for arg in get_args(annotation))


def date_fields(model: type[BaseModel], prefix: str = "") -> Iterator[tuple[str, DateKind]]:
    """Every date field of `model` and of the models inside it, with its declared kind ('items[].due_on')."""
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        if _is_date(field.annotation):
            yield path, _kind(list(field.metadata))
            continue
        many = get_origin(field.annotation) in (tuple, list) or any(get_origin(a) in (tuple, list) for a in get_args(field.annotation))
        for nested in _nested_models(field.annotation):
            yield from date_fields(nested, f"{path}[]." if many else f"{path}.")


def _walk(value: Any, path: str, today: date) -> Iterator[str]:
    if isinstance(value, BaseModel):
        for name, field in type(value).model_fields.items():
            child = getattr(value, name, None)
            where = f"{path}{name}"
            if isinstance(child, date) and _kind(list(field.metadata)) == "past" and child > today:
                yield f"{where} {child}"
            else:
                yield from _walk(child, f"{where}.", today)
    elif isinstance(value, tuple | list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path.removesuffix('.')}[{index}].", today)


def future_facts(payload: object, today: date) -> list[str]:
    """The past-fact dates of `payload` that lie after `today`, each as 'field date'."""
    return list(_walk(payload, "", today))


def future_fact_problem(payload: object, today: date) -> str | None:
    """The refusal message for a payload dating a fact in the future, naming the field; None if none does."""
    found = future_facts(payload, today)
    if not found:
        return None
    return f"日期不能晚于今天 / {'; '.join(found)} is in the future (today is {today}): a fact cannot be dated after it happened"
