"""The shipped article texts: every cited article resolves; the texts match shared/ statutes."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.deadlines import rule_table
from domain.statutes import (
    UnknownArticle,
    article_key,
    article_label_zh,
    article_text,
    cited_text,
    source,
)

REPO = Path(__file__).resolve().parents[2]
SHARED = next(
    (
        folder / "shared" / "domain" / "statutes"
        for folder in (REPO.parent, REPO.parent.parent)
        if (folder / "shared" / "domain" / "statutes").is_dir()
    ),
    REPO / "missing-shared",
)

# Articles other parts of the product cite (union supervision notices, intake, referrals).
CITED_ELSEWHERE = (
    [("TUL", n) for n in ("22", "23")]
    + [("LCL", n) for n in ("30", "38", "43", "82", "85")]
    + [("LDMAL", n) for n in ("2", "5", "14", "16", "27", "29", "43", "44", "47", "48", "49", "50")]
    + [("CRIM", "276-1")]
    + [("ZJ-SUP", str(n)) for n in range(17, 25)]
    + [("RLSS", "17"), ("RLSS", "26")]
    + [("CPL", "85"), ("CIVIL-CODE", "201"), ("CIVIL-CODE", "202"), ("CIVIL-CODE", "203")]
)


@pytest.mark.parametrize(
    ("law", "article"), CITED_ELSEWHERE, ids=[f"{a}-{b}" for a, b in CITED_ELSEWHERE]
)
def test_cited_articles_are_shipped(law: str, article: str) -> None:
    assert len(article_text(law, article)) > 10


def test_article_numbers_and_names_in_any_form() -> None:
    assert article_key("第二百七十六条之一") == "276-1"
    assert article_key("Art. 27") == "27"
    assert article_label_zh("205") == "第二百零五条" and article_label_zh("10") == "第十条"
    assert article_text("《劳动争议调解仲裁法》", "第二十七条") == article_text("LDMAL", "27")
    assert article_text("工会法", "22").startswith("企业、事业单位、社会组织处分职工")
    assert "十五个工作日" in article_text("ZJ-SUP", "22")
    assert "期间开始的时和日，不计算在期间内" in article_text("CPL", "85")


def test_unknown_law_or_article_is_a_clear_error() -> None:
    with pytest.raises(UnknownArticle, match="unknown law 'XYZ'"):
        article_text("XYZ", "1")
    with pytest.raises(UnknownArticle, match="no article 999"):
        article_text("LDMAL", "999")
    with pytest.raises(UnknownArticle, match="not in the shipped statute set"):
        article_text("ARB-RULES", "74")


def test_every_rule_carries_its_article_text() -> None:
    for rule in rule_table("zhejiang"):
        text = cited_text(rule.refs)
        for code, article in rule.refs:
            if code in {
                "ARB-RULES",
                "LCL-REG",
                "RLSS-RULES",
                "SPP-TRANSFER",
                "PM-WORK",
                "ACFTU-SUP",
                "W16",
                "W17",
            }:
                assert "未收录" in text
            else:
                assert article_text(code, article) in text


def test_source_names_the_lawrefbook_commit() -> None:
    assert source()["commit"] == "2f4c5c23716267af9dbebbbbd6cbbf732b101981"


@pytest.mark.skipif(
    not SHARED.is_dir(), reason="shared/domain/statutes is not beside the repository"
)
def test_shipped_texts_match_shared_statutes() -> None:
    """The shipped JSON is what deploy/build_statutes.py makes from shared/ (else rebuild it)."""
    import importlib.util
    import json

    spec = importlib.util.spec_from_file_location(
        "build_statutes", Path(__file__).parents[2] / "deploy/build_statutes.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    shipped = json.loads(
        (Path(__file__).parents[2] / "domain/data/statutes.json").read_text(encoding="utf-8")
    )
    assert module.build(SHARED) == shipped
