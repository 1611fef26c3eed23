"""Chinese first, English one click away: the UI message catalogue and language choice."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from fastapi import Request

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"


@lru_cache(maxsize=4)
def catalogue(templates_dir: Path) -> dict[str, dict[str, str]]:
    """`templates/pages/messages.json`: {key: {"zh": ..., "en": ...}}; both languages complete."""
    data: dict[str, dict[str, str]] = json.loads((templates_dir / "pages" / "messages.json").read_text("utf-8"))
    return data


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
