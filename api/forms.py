"""HTML forms from pydantic payload models, and posted forms back to payloads.

A staff action's form is generated from its payload model in `domain/actions.py` (one field per
model field, the right input type and limits), so a new action needs no hand-written form.
Posted forms use dotted names (`items.0.amount`) that `nest` turns back into the nested payload;
errors come back keyed by the same names, in the visitor's language.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any, Literal, Union, get_args, get_origin

import annotated_types
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from api.i18n import Translator

GROUP_ROWS = 3  # rows offered for a repeated item (agreement items, instalments, award items)
LONG_TEXT = 300  # strings allowed beyond this many characters get a textarea


@dataclass
class FormField:
    """One input: its posted name, the label key (the model field name), type and limits."""

    name: str
    key: str
    kind: str  # text | textarea | date | number | decimal | boolean | select | checkbox
    required: bool
    choices: tuple[str, ...] = ()
    max_length: int | None = None
    minimum: str | None = None
    maximum: str | None = None
    value: str = ""
    error: str | None = None

    @property
    def is_group(self) -> bool:
        return False


@dataclass
class FormGroup:
    """A repeated sub-model (tuple of items): a few rows of fields; blank rows are ignored."""

    name: str
    key: str
    required: bool
    rows: list[list[FormField]] = field(default_factory=list)
    error: str | None = None

    @property
    def is_group(self) -> bool:
        return True


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """(inner type, optional) for `X | None`."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def _limits(info: FieldInfo) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for item in info.metadata:
        if isinstance(item, annotated_types.MaxLen):
            found["max_length"] = item.max_length
        elif isinstance(item, annotated_types.Ge | annotated_types.Gt):
            found["minimum"] = str(
                getattr(item, "ge", None) if isinstance(item, annotated_types.Ge) else item.gt
            )
        elif isinstance(item, annotated_types.Le | annotated_types.Lt):
            found["maximum"] = str(
                getattr(item, "le", None) if isinstance(item, annotated_types.Le) else item.lt
            )
    return found


def _is_model(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, BaseModel)


def _field(
    name: str, key: str, annotation: Any, info: FieldInfo, values: Mapping[str, str]
) -> FormField:
    kind, optional = _unwrap(annotation)
    required = info.is_required() and not optional
    limits = _limits(info)
    value = values.get(name, "")
    if isinstance(kind, type) and issubclass(kind, Enum):
        return FormField(
            name, key, "select", required, tuple(str(m.value) for m in kind), value=value
        )
    if get_origin(kind) is Literal:
        return FormField(
            name, key, "select", required, tuple(str(a) for a in get_args(kind)), value=value
        )
    if kind is bool:
        return FormField(name, key, "boolean", required, ("true", "false"), value=value)
    if kind is date:
        return FormField(name, key, "date", required, value=value)
    if kind is int:
        return FormField(name, key, "number", required, value=value, **limits)
    if kind is Decimal:
        return FormField(name, key, "decimal", required, value=value, **limits)
    text_kind = "textarea" if (limits.get("max_length") or 0) > LONG_TEXT else "text"
    return FormField(
        name, key, text_kind, required, max_length=limits.get("max_length"), value=value
    )


def form_fields(
    model: type[BaseModel],
    values: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
    prefix: str = "",
) -> list[FormField | FormGroup]:
    """The inputs of `model`, filled with `values` and `errors` (both keyed by posted name)."""
    values, errors = values or {}, errors or {}
    out: list[FormField | FormGroup] = []
    for key, info in model.model_fields.items():
        name = f"{prefix}{key}"
        inner, _ = _unwrap(info.annotation)
        if get_origin(inner) is tuple and _is_model(get_args(inner)[0]):
            item_model = get_args(inner)[0]
            rows = [
                typing.cast(
                    list[FormField], form_fields(item_model, values, errors, f"{name}.{i}.")
                )
                for i in range(GROUP_ROWS)
            ]
            min_rows = next(
                (m.min_length for m in info.metadata if isinstance(m, annotated_types.MinLen)), 0
            )
            out.append(FormGroup(name, key, bool(min_rows), rows, errors.get(name)))
            continue
        item = _field(name, key, info.annotation, info, values)
        item.error = errors.get(name)
        out.append(item)
    return out


def field_keys(model: type[BaseModel]) -> set[str]:
    """Every field name a form for `model` labels (nested item models included)."""
    keys: set[str] = set()
    for key, info in model.model_fields.items():
        keys.add(key)
        inner, _ = _unwrap(info.annotation)
        if get_origin(inner) is tuple and _is_model(get_args(inner)[0]):
            keys |= field_keys(get_args(inner)[0])
    return keys


def choice_values(model: type[BaseModel]) -> set[str]:
    """Every enum or literal value a form for `model` offers (each needs a label)."""
    found: set[str] = set()
    for info in model.model_fields.values():
        inner, _ = _unwrap(info.annotation)
        if get_origin(inner) is tuple and _is_model(get_args(inner)[0]):
            found |= choice_values(get_args(inner)[0])
        elif isinstance(inner, type) and issubclass(inner, Enum):
            found |= {str(m.value) for m in inner}
        elif get_origin(inner) is Literal:
            found |= {str(a) for a in get_args(inner)}
    return found


def _set(tree: dict[str, Any], parts: list[str], value: Any) -> None:
    head, rest = parts[0], parts[1:]
    if not rest:
        tree[head] = value
        return
    _set(tree.setdefault(head, {}), rest, value)


def _lists(node: Any) -> Any:
    """Turn {"0": {...}, "1": {...}} into a list, dropping rows left blank."""
    if not isinstance(node, dict):
        return node
    if node and all(k.isdigit() for k in node):
        rows = [_lists(node[k]) for k in sorted(node, key=int)]
        return [
            row
            for row in rows
            if not (isinstance(row, dict) and all(v in ("", None) for v in row.values()))
        ]
    return {k: _lists(v) for k, v in node.items()}


def nest(items: Iterable[tuple[str, str]], prefix: str = "") -> dict[str, Any]:
    """Posted `a.b.0.c` names (under `prefix`) into a nested payload; blank optional values
    dropped."""
    tree: dict[str, Any] = {}
    for name, value in items:
        if not name.startswith(prefix) or not isinstance(value, str):
            continue
        _set(tree, name[len(prefix) :].split("."), value.strip())
    return typing.cast(dict[str, Any], _lists(tree))


def drop_blanks(payload: Any) -> Any:
    """Leave out blank answers, so optional fields take their defaults and required ones say so."""
    if isinstance(payload, dict):
        return {k: drop_blanks(v) for k, v in payload.items() if v not in ("", None)}
    if isinstance(payload, list):
        return [drop_blanks(v) for v in payload]
    return payload


def split_bilingual(text: str) -> tuple[str, str]:
    """'中文 / English' messages of the domain, split; a one-language text serves both."""
    zh, sep, en = text.partition(" / ")
    return (zh, en) if sep else (text, text)


def message_in(t: Translator, text: str) -> str:
    zh, en = split_bilingual(text)
    return zh if t.lang == "zh" else en


def _error_text(t: Translator, error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    message = str(error.get("msg", "")).removeprefix("Value error, ")
    if kind in ("value_error", "assertion_error"):
        return message_in(t, message)
    ctx = {
        k: v
        for k, v in (error.get("ctx") or {}).items()
        if isinstance(v, str | int | float | Decimal)
    }
    try:
        return t(f"form.error.{kind}", **ctx)
    except (KeyError, IndexError):
        return t("form.error.other", detail=message)


def errors_by_field(
    t: Translator, exc: ValidationError, prefix: str = "", fallback: str = "_form"
) -> dict[str, str]:
    """Validation errors keyed by posted field name; a model-wide error that starts with a field
    name ('knew_on: ...') goes next to that field, any other to `fallback`."""
    found: dict[str, str] = {}
    for error in exc.errors():
        loc = [str(part) for part in error.get("loc", ())]
        text = _error_text(t, error)
        if not loc:
            head, sep, rest = (
                str(error.get("msg", "")).removeprefix("Value error, ").partition(": ")
            )
            if sep and head.replace("_", "").isalnum() and head.isascii():
                loc, text = [head], message_in(t, rest)
            else:
                loc = [fallback]
        found.setdefault(prefix + ".".join(loc) if loc != [fallback] else fallback, text)
    return found


def flat_values(items: Iterable[tuple[str, Any]]) -> dict[str, str]:
    """The posted values to refill a form (files and the CSRF token left out)."""
    return {k: v for k, v in items if isinstance(v, str) and k != "csrf_token"}
