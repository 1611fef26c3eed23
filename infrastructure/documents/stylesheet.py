"""The documents' shared stylesheet parsed once per process, not once per document.

Every document template includes `_style.css` in its `<style>` element, followed by an `@page`
rule that carries the document's number (`_base.html`), so no two documents' stylesheets are the
same text and WeasyPrint parsed all of it for each one: tokenising, validating the declarations
and compiling the selectors were about 6 % of the document worker's CPU.

WeasyPrint 70 turns a `<style>` element into `CSS(string=..., ...)`, which parses the text and adds
each selector to a cssselect2 `Matcher` in source order (their `order` breaks ties of specificity)
and each `@page` rule to the document's list of page rules. Here the shared part is parsed once
(per text, base URL and media type) and kept; for each document the `CSS` object is made from the
rest of the text only, with a copy of the kept matcher to add to (so the selectors' order goes on
from where the shared part left it) and the shared part's page rules put first in the document's
list: the same object, field for field, as parsing the whole text. The HTML is unchanged, and the
PDFs come out byte for byte the same (`tests/documents/test_stylesheet.py` renders every catalogue
sample both ways), so the documents' fingerprints stay what they were.

A shared text whose parsing would touch anything else of the document (`@font-face`, `@import`,
`@layer`, `@counter-style`, `@color-profile`) is not kept, and a `<style>` that does not start with
the shared text is parsed whole, as before.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

_UNSHAREABLE = ("@font-face", "@import", "@layer", "@counter-style", "@color-profile")


@dataclass(frozen=True)
class _Parsed:
    matcher: Any  # cssselect2.Matcher
    page_rules: tuple[Any, ...]


class _State(threading.local):
    shared = ""  # the shared text of the document being rendered (set under the render lock)


_STATE = _State()
_KEPT: dict[tuple[str, str | None, str], _Parsed] = {}
_ORIGINAL: dict[str, Any] = {}


def _copy_matcher(matcher: Any) -> Any:
    import cssselect2

    copy = cssselect2.Matcher()
    copy.id_selectors = {key: list(entries) for key, entries in matcher.id_selectors.items()}
    copy.class_selectors = {key: list(entries) for key, entries in matcher.class_selectors.items()}
    copy.lower_local_name_selectors = {key: list(entries) for key, entries in matcher.lower_local_name_selectors.items()}
    copy.namespace_selectors = {key: list(entries) for key, entries in matcher.namespace_selectors.items()}
    copy.lang_attr_selectors = list(matcher.lang_attr_selectors)
    copy.other_selectors = list(matcher.other_selectors)
    copy.order = matcher.order
    return copy


def _parsed(css_class: Any, shared: str, kwargs: dict[str, Any]) -> _Parsed:
    key = (shared, kwargs.get("base_url"), kwargs.get("media_type", "print"))
    kept = _KEPT.get(key)
    if kept is None:
        fresh = {**kwargs, "page_rules": [], "layers": []}
        sheet = css_class(string=shared, **fresh)
        kept = _KEPT[key] = _Parsed(sheet.matcher, tuple(sheet.page_rules))
    return kept


def _css(*args: Any, **kwargs: Any) -> Any:
    """What WeasyPrint's stylesheet finder calls for `CSS(...)`: the shared part from the kept parse."""
    css_class = _ORIGINAL["CSS"]
    text, shared = kwargs.get("string"), _STATE.shared
    page_rules = kwargs.get("page_rules")
    if args or not shared or not isinstance(text, str) or kwargs.get("matcher") is not None or page_rules is None:
        return css_class(*args, **kwargs)
    start = text.find(shared)
    if start < 0 or text[:start].strip():
        return css_class(*args, **kwargs)
    kept = _parsed(css_class, shared, {k: v for k, v in kwargs.items() if k not in ("string", "page_rules")})
    page_rules.extend(kept.page_rules)
    rest = text[start + len(shared):]
    return css_class(**{**kwargs, "string": rest, "matcher": _copy_matcher(kept.matcher)})


def shareable(shared: str) -> bool:
    """Whether `shared` may be parsed once for every document (see the module's note)."""
    lowered = shared.lower()
    return not any(rule in lowered for rule in _UNSHAREABLE)


def install() -> None:
    """Route WeasyPrint's `<style>` parsing through `_css` (idempotent)."""
    import weasyprint.css

    if "CSS" not in _ORIGINAL:
        _ORIGINAL["CSS"] = weasyprint.css.CSS
        weasyprint.css.CSS = _css


class sharing:
    """`with sharing(text):` the documents rendered inside parse `text` once (empty: parse everything)."""

    def __init__(self, shared: str) -> None:
        self.shared = shared if shareable(shared) else ""

    def __enter__(self) -> None:
        install()
        _STATE.shared = self.shared

    def __exit__(self, *exc: object) -> None:
        _STATE.shared = ""
