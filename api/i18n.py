"""Chinese first, English one click away: the UI message catalogue and language choice."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from fastapi import Request

from domain.labels import ui_messages

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"


@lru_cache(maxsize=4)
def catalogue(templates_dir: Path) -> dict[str, dict[str, str]]:
    """`templates/pages/messages.json` plus the names of stages, channels, categories, claims and
    deadline statuses from their one home (`domain.labels`): {key: {"zh": ..., "en": ...}}."""
    data: dict[str, dict[str, str]] = json.loads((templates_dir / "pages" / "messages.json").read_text("utf-8"))
    clashes = data.keys() & ui_messages().keys()
    if clashes:  # one home each: a label in both places would let them drift apart again
        raise ValueError(f"messages.json repeats labels kept in domain/data/labels.json: {sorted(clashes)[:5]}")
    return data | ui_messages()


def request_language(request: Request) -> str:
    """`?lang=` wins, then the `lang` cookie, then Chinese."""
    chosen = request.query_params.get("lang") or request.cookies.get("lang") or DEFAULT_LANGUAGE
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


class Translator:
    def __init__(self, messages: dict[str, dict[str, str]], lang: str) -> None:
        self._messages = messages
        self.lang = lang

    def __call__(self, key: str, **values: object) -> str:
        entry = self._messages.get(key)
        if entry is None:
            raise KeyError(f"UI message '{key}' is missing from templates/pages/messages.json")
        text = entry[self.lang]
        return text.format(**values) if values else text
