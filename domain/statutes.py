"""Texts of the cited articles, shipped with the product in `domain/data/statutes.json`.

The JSON is built from `shared/domain/statutes/` (LawRefBook/Laws snapshot; the commit is named
in the file) by `deploy/build_statutes.py`; nothing here reads outside the package.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict

_DIGITS = {
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_ZH_ARTICLE = re.compile(r"^第([零一二两三四五六七八九十百千]+)条(?:之([一二三四五六七八九十]+))?$")
_ARABIC_ARTICLE = re.compile(r"^(?:art\.?\s*|article\s*)?(\d+)(?:\s*-\s*(\d+))?$", re.IGNORECASE)


class UnknownArticle(LookupError):
    """The law or the article is not in the shipped statute texts."""


class Law(BaseModel):
    """One instrument: its names and the article texts shipped for it."""

    model_config = ConfigDict(frozen=True)

    code: str
    title_zh: str
    short_zh: str
    short_en: str
    shipped: bool
    articles: dict[str, str]


def _chinese_number(text: str) -> int:
    total, digit = 0, 0
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS[char]
        else:
            total += (digit or 1) * _UNITS[char]
            digit = 0
    return total + digit


def _zh_number(number: int) -> str:
    digits = "零一二三四五六七八九"
    if number < 10:
        return digits[number]
    parts: list[str] = []
    for value, unit in ((1000, "千"), (100, "百"), (10, "十")):
        count, number = divmod(number, value)
        if count:
            parts.append(("" if unit == "十" and not parts and count == 1 else digits[count]) + unit)
        elif parts and number and parts[-1] != "零":
            parts.append("零")
    if number:
        parts.append(digits[number])
    return "".join(parts)


def article_key(article: str) -> str:
    """Normalise '27', 'Art. 27', '第二十七条', '276-1', '第二百七十六条之一' to '27' / '276-1'."""
    text = article.strip()
    zh = _ZH_ARTICLE.match(text)
    if zh:
        number = str(_chinese_number(zh.group(1)))
        return f"{number}-{_chinese_number(zh.group(2))}" if zh.group(2) else number
    arabic = _ARABIC_ARTICLE.match(text)
    if arabic:
        return f"{int(arabic.group(1))}-{int(arabic.group(2))}" if arabic.group(2) else str(int(arabic.group(1)))
    raise UnknownArticle(f"'{article}' is not an article number; use e.g. 27, 276-1 or 第二十七条")


def article_label_zh(key: str) -> str:
    """'27' -> '第二十七条'; '276-1' -> '第二百七十六条之一'."""
    if not key:
        return "（条号未确认）"
    base, _, sub = key.partition("-")
    label = f"第{_zh_number(int(base))}条"
    return f"{label}之{_zh_number(int(sub))}" if sub else label


def article_label_en(key: str) -> str:
    """'27' -> 'Art. 27'; '' -> 'article not confirmed'."""
    return f"Art. {key}" if key else "article not confirmed"


@cache
def _data() -> dict[str, Any]:
    text = resources.files("domain").joinpath("data/statutes.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@cache
def _aliases() -> dict[str, str]:
    aliases: dict[str, str] = {}
    for code, law in _data()["laws"].items():
        for name in (code, law["short_zh"], law["title_zh"], law["short_en"]):
            aliases[name.strip("《》").lower()] = code
    return aliases


def source() -> dict[str, str]:
    """Where the texts come from (repository, commit, folder)."""
    return dict(_data()["source"])


def law_codes() -> list[str]:
    """Codes of every instrument the product knows (shipped or only cited)."""
    return list(_data()["laws"])


def get_law(law: str) -> Law:
    """An instrument by code ('LDMAL') or name ('劳动争议调解仲裁法', '《工会法》')."""
    code = _aliases().get(law.strip().strip("《》").lower())
    if code is None:
        raise UnknownArticle(f"unknown law '{law}'; known codes: {', '.join(law_codes())}")
    raw = _data()["laws"][code]
    return Law(
        code=code,
        title_zh=raw["title_zh"],
        short_zh=raw["short_zh"],
        short_en=raw["short_en"],
        shipped=raw["shipped"],
        articles=raw["articles"],
    )


def article_text(law: str, article: str) -> str:
    """The text (zh) of one article, e.g. article_text('LDMAL', '27'); raises UnknownArticle."""
    found = get_law(law)
    key = article_key(article)
    if key not in found.articles:
        if not found.shipped:
            raise UnknownArticle(f"《{found.short_zh}》 is cited but its text is not in the shipped statute set")
        raise UnknownArticle(f"《{found.short_zh}》 has no article {key} in the shipped text")
    return found.articles[key]


def citation(refs: list[tuple[str, str]] | tuple[tuple[str, str], ...]) -> tuple[str, str]:
    """(zh, en) citation of (law, article) pairs: 《劳动争议调解仲裁法》第十四条 / LDMAL Art. 14."""
    groups: list[tuple[Law, list[str]]] = []
    for code, key in refs:
        law = get_law(code)
        if groups and groups[-1][0].code == law.code:
            groups[-1][1].append(key)
        else:
            groups.append((law, [key]))
    zh = "；".join(f"《{law.short_zh}》" + "、".join(article_label_zh(k) for k in keys) for law, keys in groups)
    en = "; ".join(
        f"{law.short_en} " + (article_label_en(keys[0]) if len(keys) == 1 else "Art. " + ", ".join(keys)) for law, keys in groups
    )
    return zh, en


def cited_text(refs: list[tuple[str, str]] | tuple[tuple[str, str], ...]) -> str:
    """The cited articles' texts, each headed by its citation; unshipped sources say so."""
    parts: list[str] = []
    for code, key in refs:
        law = get_law(code)
        heading = f"《{law.short_zh}》{article_label_zh(key)}"
        try:
            parts.append(f"{heading}：{article_text(code, key)}")
        except UnknownArticle:
            parts.append(f"{heading}：（本产品未收录该条文；依据见《劳动争议规则参考》第16节，须核对原文）")
    return "\n".join(parts)
