"""Bulk reminder letters (批量提示函): before holidays a union reminds many employers at once about
paying wages and overtime (rules 7.3: a 提示函 may go "to all relevant employers in the region").

The employers come from a CSV file. Every row is checked before anything is issued; a bad row is
reported with its line number and how to fix it. Pure: parsing and the workflow's payloads.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from domain.identifiers import IdentifierError, normalise_uscc
from domain.supervision import Issuer

MAX_ROWS = 5000
NAME_MAX = 200
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
HEADERS = {
    "name": ("name", "employer", "单位名称", "用人单位", "用人单位名称", "企业名称"),
    "uscc": ("uscc", "credit_code", "统一社会信用代码", "信用代码"),
    "address": ("address", "地址", "住所", "住所地", "单位地址"),
}


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class BulkEmployer(Frozen):
    """One valid row: the employer a letter goes to, by the CSV line it came from."""

    line: int = Field(ge=2)
    name: str = Field(min_length=2, max_length=NAME_MAX)
    uscc: str = Field(min_length=18, max_length=18)
    address: str = Field(default="", max_length=300)


class RowProblem(Frozen):
    """What is wrong with one line of the file, and how to fix it (Chinese and English)."""

    line: int
    column: str
    zh: str
    en: str


class CsvReport(Frozen):
    rows: tuple[BulkEmployer, ...] = ()
    problems: tuple[RowProblem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)


class LetterContent(Frozen):
    """What every letter of the batch says (the facts of a reminder letter, minus the employer)."""

    topic: str = Field(min_length=1, max_length=100)
    findings: tuple[Line, ...] = Field(min_length=1, max_length=10)
    requests: tuple[Line, ...] = Field(min_length=1, max_length=10)
    legal_basis: tuple[Line, ...] = Field(min_length=1, max_length=10)


def holiday_wages_content() -> LetterContent:
    """The standard pre-holiday letter on paying wages and overtime (Labour Contract Law Art. 30,
    31; Regulation on Migrant Workers' Wage Payment Art. 51)."""
    return LetterContent(
        topic="节前工资支付和加班提示",
        findings=(
            "元旦、春节将至，部分用人单位存在拖欠、克扣劳动者工资和违法延长工作时间的风险；",
            "农民工集中的行业和单位是节前欠薪问题的易发领域。",
        ),
        requests=(
            "按照劳动合同约定和国家规定，及时足额支付劳动者工资，不得克扣或者无故拖欠；",
            "依法安排加班，并按规定支付加班费，保障劳动者休息休假的权利；",
            "使用农民工的单位应当在节前结清农民工工资，不得以任何理由拖欠。",
        ),
        legal_basis=(
            "《中华人民共和国工会法》第二十三条",
            "《中华人民共和国劳动合同法》第三十条、第三十一条",
            "《保障农民工工资支付条例》第五十一条",
        ),
    )


class BulkLettersInput(Frozen):
    """The batch to issue; rows are read from the database in chunks (not carried in history)."""

    batch_no: str
    team_code: str
    region: str
    issuer: Issuer
    content: LetterContent
    issued_by: str
    issued_on: date  # printed on every letter, so a letter issued after a restart carries the same date
    total: int = Field(ge=0)
    chunk: int = Field(default=25, ge=1, le=500)
    letters_per_run: int = Field(default=50, ge=1)  # continue-as-new after this many letters
    issued_before: int = 0  # letters issued by earlier runs of this batch
    failed_before: int = 0
    last_document_no: str | None = None
    seq: int = 0


class LoadRows(Frozen):
    batch_no: str
    limit: int


class LetterIssued(Frozen):
    batch_no: str
    line: int
    document_id: str | None = None
    document_no: str | None = None
    error: str | None = None


class BatchStatus(StrEnum):
    running = "running"
    done = "done"
    failed = "failed"


class BatchStatusRecord(Frozen):
    batch_no: str
    status: BatchStatus


class BulkProgress(Frozen):
    """Live progress (query `progress`)."""

    batch_no: str
    total: int
    issued: int
    failed: int
    status: BatchStatus
    last_document_no: str | None = None


class BulkResult(Frozen):
    batch_no: str
    issued: int
    failed: int


def letter_facts(content: LetterContent, issuer: Issuer, employer: BulkEmployer) -> dict[str, object]:
    """The facts of one reminder letter (the employer's particulars travel in the facts)."""
    return {
        "issuer": {"name": issuer.name, "abbr": issuer.abbr},
        "employer": {
            "name": employer.name,
            "uscc": employer.uscc,
            "address": employer.address or None,
        },
        "findings": list(content.findings),
        "legal_basis": list(content.legal_basis),
        "requests": list(content.requests),
    }


def letter_key(batch_no: str, line: int) -> str:
    """The idempotency key of one employer row's letter: a restart never numbers it twice."""
    return f"bulk-letters/{batch_no}/line/{line}"


# ---- the CSV ------------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (what Excel writes on Chinese Windows)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def _columns(header: list[str]) -> dict[str, int] | RowProblem:
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        for field, names in HEADERS.items():
            if title.strip().lower() in names:
                found[field] = index
    missing = [field for field in ("name", "uscc") if field not in found]
    if missing:
        return RowProblem(
            line=1,
            column=",".join(missing),
            zh="第一行须为表头，至少包含“单位名称”和“统一社会信用代码”两列（可另加“地址”）",
            en="the first line must be a header with the columns name and uscc (address optional)",
        )
    return found


def _row(line: int, cells: list[str], columns: dict[str, int]) -> BulkEmployer | list[RowProblem]:
    def cell(field: str) -> str:
        index = columns.get(field)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    problems: list[RowProblem] = []
    name, code = cell("name"), cell("uscc")
    if not 2 <= len(name) <= NAME_MAX:
        problems.append(
            RowProblem(
                line=line,
                column="name",
                zh="单位名称应为2至200个字，请填写营业执照上的全称",
                en="the name must have 2 to 200 characters: use the full name on the licence",
            )
        )
    try:
        code = normalise_uscc(code)
    except IdentifierError as exc:
        zh, _, en = str(exc).partition(" / ")
        problems.append(RowProblem(line=line, column="uscc", zh=zh, en=en or zh))
    if problems:
        return problems
    return BulkEmployer(line=line, name=name, uscc=code, address=cell("address")[:300])


def _lines(text: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text))
    for cells in reader:
        if any(cell.strip() for cell in cells):
            yield reader.line_num, cells


def parse_employers_csv(data: bytes) -> CsvReport:
    """Every row checked: names, credit-code checksums (GB 32100), duplicates; problems by line."""
    try:
        rows = list(_lines(decode(data)))
    except (UnicodeDecodeError, csv.Error) as exc:
        return CsvReport(
            problems=(
                RowProblem(
                    line=1,
                    column="file",
                    zh=f"无法读取CSV文件：{exc}，请另存为UTF-8编码的CSV",
                    en=f"cannot read the CSV file ({exc}): save it as UTF-8 CSV",
                ),
            )
        )
    if not rows:
        return CsvReport(problems=(RowProblem(line=1, column="file", zh="文件为空", en="the file is empty"),))
    columns = _columns(rows[0][1])
    if isinstance(columns, RowProblem):
        return CsvReport(problems=(columns,))
    if len(rows) - 1 > MAX_ROWS:
        return CsvReport(
            problems=(
                RowProblem(
                    line=rows[MAX_ROWS + 1][0],
                    column="file",
                    zh=f"一次最多{MAX_ROWS}家单位，请拆分文件",
                    en=f"at most {MAX_ROWS} employers per file: split it",
                ),
            )
        )
    return _check_rows(rows[1:], columns)


def _check_rows(rows: list[tuple[int, list[str]]], columns: dict[str, int]) -> CsvReport:
    good: list[BulkEmployer] = []
    problems: list[RowProblem] = []
    first_line: dict[str, int] = {}
    for line, cells in rows:
        checked = _row(line, cells, columns)
        earlier = first_line.get(checked.uscc) if isinstance(checked, BulkEmployer) else None
        if isinstance(checked, list):
            problems += checked
        elif earlier is not None:
            problems.append(
                RowProblem(
                    line=line,
                    column="uscc",
                    zh=f"与第{earlier}行的统一社会信用代码重复，请删除重复行",
                    en=f"same credit code as line {earlier}: delete the duplicate row",
                )
            )
        else:
            first_line[checked.uscc] = line
            good.append(checked)
    if not good and not problems:
        problems.append(RowProblem(line=2, column="file", zh="表头以下没有单位", en="no employers below the header"))
    return CsvReport(rows=tuple(good), problems=tuple(problems))
