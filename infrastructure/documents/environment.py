"""The one Jinja2 environment for legal documents: autoescape, StrictUndefined, and a finalizer that
refuses to print None or an empty string, so a missing fact fails loudly instead of leaving a gap.

Each template starts with `{# version: N #}`. Its fingerprint (SHA-256 over the template and every
template it extends, includes or imports, the stylesheet among them) is stored with each document,
so `documents verify` can tell an unversioned template edit from a renderer change.
"""

from __future__ import annotations

import hashlib
import re
import sys
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    meta,
    select_autoescape,
)
from markupsafe import Markup

from domain.chinese_format import chinese_date, chinese_small_number, rmb_capital, to_amount, yuan
from domain.labels import Kind, formal_zh
from domain.privacy import mask_id_number, mask_mobile

_VERSION = re.compile(r"\A\{#\s*version:\s*(\d+)\s*#\}")
FILL_LINE = Markup('<span class="fill"></span>')


class DocumentTemplateError(ValueError):
    """A template could not render these inputs; the message names the template and line."""


def _finalize(value: Any) -> Any:
    # A legal document must never show "None" or silently skip a field: optional fields are
    # printed through `or_fill` (a visible line to complete by hand) or guarded by `if`.
    if isinstance(value, Markup):
        return value
    if value is None or (isinstance(value, str) and not value.strip()):
        raise DocumentTemplateError(
            "a field is empty (None or blank); guard it with `if` or `or_fill`"
        )
    return value


def _as_date(value: date | str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _as_datetime(value: datetime | str) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def cn_date(value: date | str) -> str:
    """二〇二六年十一月二十五日 (落款 and formal dates)."""
    return chinese_date(_as_date(value))


def ymd(value: date | str) -> str:
    """2026年11月25日 (dates inside running text)."""
    day = _as_date(value)
    return f"{day.year}年{day.month}月{day.day}日"


def hm(value: datetime | str) -> str:
    """2026年3月17日9时30分 (times in records)."""
    moment = _as_datetime(value)
    return f"{ymd(moment.date())}{moment.hour}时{moment.minute:02d}分"


def or_fill(value: Any) -> Any:
    """The value, or a line to complete by hand when the intake did not collect it."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return FILL_LINE
    return value


def require(condition: Any, message: str) -> Markup:
    """Stop rendering with `message` unless `condition` holds (e.g. a list must not be empty)."""
    if not condition:
        raise DocumentTemplateError(message)
    return Markup("")


def css_string(value: str) -> Markup:
    """A value quoted for a CSS `content:` string (page margin boxes)."""
    escaped = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return Markup(f'"{escaped}"')  # noqa: S704 (escaped for CSS above; lands inside <style>)


def money_sum(values: list[Any]) -> Decimal:
    """Exact sum of amounts given as strings or numbers."""
    return sum((Decimal(str(v)) for v in values if v is not None), Decimal(0))


def _formal(kind: Kind) -> Any:
    """A filter printing the formal Chinese name of a stage, channel, category... (domain.labels)."""

    def translate(key: str) -> str:
        try:
            return formal_zh(kind, str(key))
        except KeyError:
            raise DocumentTemplateError(f"no Chinese label for {key!r}") from None

    return translate


def _lookup(table: dict[str, str]) -> Any:
    def translate(key: str) -> str:
        if key not in table:
            raise DocumentTemplateError(f"no Chinese label for {key!r}")
        return table[key]

    return translate


GENDER_ZH = {"male": "男", "female": "女"}


class _DocumentEnvironment(Environment):
    """Looks `a.b` up as a key first for dicts: a fact named `items` or `values` must never
    resolve to a dict method (and print nonsense) instead of failing when it is missing."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, dict):
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


@lru_cache(maxsize=4)
def document_environment(templates_dir: Path) -> Environment:
    """The document environment for `templates_dir/documents` (one per process and folder)."""
    env = _DocumentEnvironment(
        loader=FileSystemLoader(str(templates_dir / "documents")),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["require"] = require
    env.filters.update(
        cn_date=cn_date,
        ymd=ymd,
        hm=hm,
        yuan=yuan,
        rmb=rmb_capital,
        or_fill=or_fill,
        css_string=css_string,
        money_sum=money_sum,
        mask_id=mask_id_number,
        mask_phone=mask_mobile,
        category_zh=_formal("category"),
        claim_kind_zh=_formal("claim"),
        gender_zh=_lookup(GENDER_ZH),
        deadline_status_zh=_formal("deadline.status"),
        stage_zh=_formal("stage"),
        channel_zh=_formal("channel"),
        amount=to_amount,
        cn_num=chinese_small_number,
    )
    return env


@dataclass(frozen=True)
class TemplateInfo:
    name: str
    version: int
    sha256: str


def _source(env: Environment, name: str) -> str:
    assert env.loader is not None
    source, _, _ = env.loader.get_source(env, name)
    return source


@lru_cache(maxsize=256)
def _references(env: Environment, source: str) -> tuple[str | None, ...]:
    """The templates `source` extends, includes or imports (None for a computed name). Keyed by
    the source text, so an edited template is parsed afresh: parsing every source of a document
    for each document issued was 8 % of the document worker's time (py-spy, 2026-12-06)."""
    return tuple(meta.find_referenced_templates(env.parse(source)))


def _dependencies(env: Environment, name: str) -> list[str]:
    """`name` and every template it extends, includes or imports, recursively, sorted."""
    seen: set[str] = set()
    pending = [name]
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        for ref in _references(env, _source(env, current)):
            if ref is None:
                raise DocumentTemplateError(f"{current}: template names must be literal strings")
            pending.append(ref)
    return sorted(seen)


def template_info(templates_dir: Path, name: str) -> TemplateInfo:
    """The template's declared version and the fingerprint of its sources."""
    env = document_environment(templates_dir)
    match = _VERSION.match(_source(env, name))
    if match is None:
        raise DocumentTemplateError(f"{name}: the first line must be '{{# version: N #}}'")
    digest = hashlib.sha256()
    for dependency in _dependencies(env, name):
        digest.update(dependency.encode() + b"\0" + _source(env, dependency).encode() + b"\0")
    return TemplateInfo(name, int(match.group(1)), digest.hexdigest())


SHARED_STYLESHEET = "_style.css"


def shared_stylesheet(templates_dir: Path) -> str:
    """The stylesheet every document's `<style>` starts with, as it comes out in the HTML (the
    renderer parses it once: `infrastructure.documents.stylesheet`); empty if there is none."""
    env = document_environment(templates_dir)
    try:
        return env.get_template(SHARED_STYLESHEET).render({})
    except (TemplateError, OSError):
        return ""


def render_html(templates_dir: Path, name: str, context: dict[str, Any]) -> str:
    """Render a document template; any missing or empty field raises DocumentTemplateError."""
    env = document_environment(templates_dir)
    try:
        return env.get_template(name).render(context)
    except (TemplateError, DocumentTemplateError, ValueError, TypeError, KeyError) as exc:
        raise DocumentTemplateError(f"{name}{_template_line(name)}: {exc}") from None


def _template_line(name: str) -> str:
    """The template line being rendered when the error happened (Jinja maps tracebacks to it)."""
    tb = sys.exc_info()[2]
    line = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".html") or filename.endswith(".css"):
            line = f" ({Path(filename).name} line {tb.tb_lineno})"
        tb = tb.tb_next
    return line or ""
