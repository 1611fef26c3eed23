"""The employers' CSV of a bulk reminder-letter batch: every row checked before anything is issued,
each problem reported with its line and how to fix it."""

from __future__ import annotations

from domain.bulk_letters import holiday_wages_content, letter_facts, parse_employers_csv
from domain.documents import DocumentType, validate_facts
from domain.supervision import Issuer
from tests.stories import uscc

GOOD_A = uscc("91441900MA4UH1X2Y")
GOOD_B = uscc("91441900MA4UH1X3Y")
BAD = GOOD_A[:-1] + ("0" if GOOD_A[-1] != "0" else "1")


def employers_csv(rows: list[str], header: str = "单位名称,统一社会信用代码,地址") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def test_good_rows_are_read_with_their_lines() -> None:
    report = parse_employers_csv(
        employers_csv(
            [f"东莞锦绣制衣厂,{GOOD_A},虎门镇1号", "", f"东莞华美服装有限公司,{GOOD_B.lower()},"]
        )
    )
    assert report.ok and report.problems == ()
    assert [(r.line, r.name, r.uscc, r.address) for r in report.rows] == [
        (2, "东莞锦绣制衣厂", GOOD_A, "虎门镇1号"),
        (4, "东莞华美服装有限公司", GOOD_B, ""),
    ]


def test_bad_rows_are_reported_by_line_with_how_to_fix_them() -> None:
    report = parse_employers_csv(
        employers_csv(
            [
                f"东莞锦绣制衣厂,{GOOD_A}",
                f"东,{GOOD_B}",
                f"某某制衣厂,{BAD}",
                f"重复的厂,{GOOD_A}",
                "缺代码的厂,",
            ]
        )
    )
    assert not report.ok
    problems = [(p.line, p.column) for p in report.problems]
    assert problems == [(3, "name"), (4, "uscc"), (5, "uscc"), (6, "uscc")]
    by_line = {p.line: p for p in report.problems}
    assert "营业执照" in by_line[4].zh and "check character" in by_line[4].en
    assert "第2行" in by_line[5].zh and "line 2" in by_line[5].en
    assert "18位" in by_line[6].zh


def test_header_encoding_and_empty_files() -> None:
    english = parse_employers_csv(employers_csv([f"Jinxiu Garments,{GOOD_A}"], header="name,uscc"))
    assert english.ok
    gbk = parse_employers_csv(
        employers_csv([f"东莞锦绣制衣厂,{GOOD_A}"]).decode().encode("gb18030")
    )
    assert gbk.rows[0].name == "东莞锦绣制衣厂"
    bom = parse_employers_csv(b"\xef\xbb\xbf" + employers_csv([f"东莞锦绣制衣厂,{GOOD_A}"]))
    assert bom.ok
    missing = parse_employers_csv(employers_csv([f"x,{GOOD_A}"], header="公司,代码"))
    assert [(p.line, p.column) for p in missing.problems] == [(1, "name,uscc")]
    assert parse_employers_csv(b"").problems[0].en == "the file is empty"
    assert parse_employers_csv(employers_csv([])).problems[0].en == "no employers below the header"


def test_each_letter_has_valid_reminder_letter_facts() -> None:
    report = parse_employers_csv(employers_csv([f"东莞锦绣制衣厂,{GOOD_A},虎门镇1号"]))
    facts = letter_facts(
        holiday_wages_content(), Issuer(name="东莞市虎门镇总工会", abbr="虎"), report.rows[0]
    )
    validate_facts(DocumentType.reminder_letter, facts)
    assert facts["employer"] == {"name": "东莞锦绣制衣厂", "uscc": GOOD_A, "address": "虎门镇1号"}
