"""The monitoring report as files: CSV (UTF-8 with a byte-order mark, so spreadsheet programs read
the Chinese) and XLSX (infrastructure.xlsx, one sheet per table). Each file opens with the filters, the moment
the figures were read and the suppression rule; a suppressed figure is written as its marker."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from infrastructure.xlsx import workbook
from services.monitoring_report import Cell, Report

HIDDEN = "<{threshold}"  # what a suppressed figure shows, in files and on the page


def _value(cell: Cell, threshold: int) -> Any:
    if cell.hidden:
        return HIDDEN.format(threshold=threshold)
    if isinstance(cell.value, Decimal):
        return float(cell.value) if cell.value != cell.value.to_integral_value() else int(cell.value)
    return "" if cell.value is None else cell.value


def header_rows(report: Report, label: Callable[[str], str]) -> list[list[Any]]:
    """The filters, the date of the data and the suppression rule, as label/value rows."""
    f = report.filters
    return [
        [label("monitoring.period"), f"{f.start} – {f.end}"],
        [label("monitoring.region"), label(f"region:{f.region}")],
        [label("monitoring.agency"), label(f"org:{f.agency}") if f.agency else label("monitoring.all_agencies")],
        [label("monitoring.as_of"), report.as_of.strftime("%Y-%m-%d %H:%M UTC")],
        [label("monitoring.suppression_rule"), HIDDEN.format(threshold=report.threshold)],
    ]


def table_rows(report: Report, label: Callable[[str], str]) -> list[tuple[str, list[list[Any]]]]:
    """Each table's title and its rows (the header row first)."""
    out = []
    for table in report.tables:
        rows = [[label(f"monitoring.{table.key}.label"), *(label(f"monitoring.col.{c}") for c in table.columns)]]
        rows += [[label(name), *(_value(c, report.threshold) for c in cells)] for name, cells in table.rows]
        out.append((label(f"monitoring.{table.key}.title"), rows))
    return out


def to_csv(report: Report, label: Callable[[str], str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(header_rows(report, label))
    for title, rows in table_rows(report, label):
        writer.writerow([])
        writer.writerow([title])
        writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(report: Report, label: Callable[[str], str]) -> bytes:
    sheets: list[tuple[str, list[list[Any]]]] = [(label("monitoring.sheet_about")[:31], header_rows(report, label))]
    for index, (title, rows) in enumerate(table_rows(report, label), start=1):
        sheets.append((re.sub(r"[\\/?*\[\]:]", "-", f"{index:02d} {title}")[:31], [[title], *rows]))
    return workbook(sheets)
