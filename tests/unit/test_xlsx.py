"""infrastructure.xlsx: what it writes opens in openpyxl with every value, type and sheet name as given."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from infrastructure.xlsx import column_letters, workbook


@pytest.mark.parametrize(
    ("index", "letters"), [(0, "A"), (1, "B"), (25, "Z"), (26, "AA"), (27, "AB"), (51, "AZ"), (52, "BA"), (701, "ZZ"), (702, "AAA")]
)
def test_column_letters(index: int, letters: str) -> None:
    assert column_letters(index) == letters


def test_values_types_and_sheets_read_back() -> None:
    rows = [
        ["期间", "2026-01 – 2026-12", "<5", "a & b <c> \"q\" 'x'"],
        [1, 2.5, -3, 0, 12345678901234],
        [True, False, None, "", "after blanks"],
        ["  leading and trailing  ", "line\nbreak", "bell\x07gone"],
        list(range(30)),  # past column Z
    ]
    data = workbook([("关于 & <about>", rows), ("01 收案 \"quoted\"", [["title"]]), ("empty", [])])
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["关于 & <about>", "01 收案 \"quoted\"", "empty"]
    sheet = book.worksheets[0]
    got = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert got[0] == ["期间", "2026-01 – 2026-12", "<5", "a & b <c> \"q\" 'x'", None] + [None] * 25
    assert got[1][:5] == [1, 2.5, -3, 0, 12345678901234]
    assert got[2][:5] == [True, False, None, None, "after blanks"]
    assert got[3][:3] == ["  leading and trailing  ", "line\nbreak", "bellgone"]
    assert got[4] == list(range(30)) and sheet["AD5"].value == 29
    assert book.worksheets[1]["A1"].value == "title"
    assert book.worksheets[2].max_row == 1 and book.worksheets[2]["A1"].value is None
