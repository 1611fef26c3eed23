"""The names people read for stages, channels, categories, claim kinds, deadline statuses and kinds of referral, in one
table (`domain/data/labels.json`): `zh` and `en` on pages, in messages and the API, `formal_zh` in
generated documents where the formal register differs (e.g. 工伤待遇 for the page's 工伤)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Literal

Kind = Literal["stage", "channel", "category", "claim", "deadline.status", "referral", "action"]
# `action` holds the criminal-referral actions only; the other actions' names are in templates/pages/messages.json
# (a name in both places fails api.i18n.catalogue, so neither can drift from the other).
KINDS: tuple[Kind, ...] = ("stage", "channel", "category", "claim", "deadline.status", "referral", "action")


@cache
def _table() -> dict[str, dict[str, dict[str, str]]]:
    text = resources.files("domain").joinpath("data/labels.json").read_text(encoding="utf-8")
    data: dict[str, dict[str, dict[str, str]]] = json.loads(text)
    return {kind: data[kind] for kind in KINDS}


def label(kind: Kind, value: str, lang: str = "zh") -> str:
    """The plain name of `value` (a stage, channel...) in `lang` ('zh' or 'en')."""
    return _table()[kind][value]["en" if lang == "en" else "zh"]


def formal_zh(kind: Kind, value: str) -> str:
    """The name printed on formal documents: the formal register where it differs, else the plain one."""
    row = _table()[kind][value]
    return row.get("formal_zh", row["zh"])


def ui_messages() -> dict[str, dict[str, str]]:
    """Every label as a UI message (`stage.mediation` -> {'zh': ..., 'en': ...})."""
    return {f"{kind}.{value}": {"zh": row["zh"], "en": row["en"]} for kind, rows in _table().items() for value, row in rows.items()}


def values(kind: Kind) -> tuple[str, ...]:
    """The values that have a label (tests check every enum member is among them)."""
    return tuple(_table()[kind])
