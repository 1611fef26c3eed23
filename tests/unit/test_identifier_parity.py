"""The intake form's own checks (templates/static/checks.js, run here under Node.js) and the
server's (domain/identifiers.py, domain/intake.py) give the same verdict, with the same code, on the
same cases; and the birthplace check agrees with python-stdnum's `stdnum.cn.ric` where its rule is
right, and differs where it is not (a code is the place of registration, which can come after birth)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from pydantic import ValidationError
from stdnum.cn import ric
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import ValidationError as StdnumError

from domain.identifiers import (
    ALWAYS,
    IdentifierError,
    birthplace_table,
    id_number_check_char,
    normalise_id_number,
    normalise_mobile,
    normalise_uscc,
    uscc_check_char,
)
from domain.intake import ClaimIn

CHECKS_JS = Path(__file__).resolve().parents[2] / "templates" / "static" / "checks.js"


def _id(first17: str) -> str:
    return first17 + id_number_check_char(first17)


def _uscc(first17: str) -> str:
    return first17 + uscc_check_char(first17)


CASES: list[tuple[str, str, str]] = [  # (kind, value, the code both must give; "" = accepted)
    ("id_number", _id("34122119800312003"), ""),  # Li Jianguo, Anhui
    ("id_number", _id("31011519900706002"), ""),  # Pudong code (1992-) of someone born 1990
    ("id_number", _id("33010619950421002").lower(), ""),
    ("id_number", f"  {_id('44190019880101001')} ", ""),
    ("id_number", _id("11010319990101001"), ""),  # 崇文区 until 2010, born 1999
    ("id_number", _id("83000019900101001"), ""),  # Taiwan residents' residence permit
    ("id_number", _id("11010320150101001"), "id_number.birthplace"),  # born after 崇文区 was merged
    ("id_number", _id("99999919900101001"), "id_number.birthplace"),
    ("id_number", _id("11999919900101001"), "id_number.birthplace"),
    ("id_number", _id("34122119800230003"), "id_number.birth_date"),  # 30 February
    ("id_number", _id("34122100000312003"), "id_number.birth_date"),  # year 0
    ("id_number", "341221198003120032", "id_number.check_char"),
    ("id_number", "34122119800312003", "id_number.format"),
    ("id_number", "34122119800312003Y", "id_number.format"),
    ("id_number", "3412211980031200３1", "id_number.format"),  # a full-width digit
    ("uscc", _uscc("91310115MA1K4B2C3"), ""),
    ("uscc", _uscc("A1310115MA1K4B2C3"), ""),  # registration authorities A, N, Y exist (GB 32100)
    ("uscc", _uscc("N2310115MA1K4B2C3"), ""),
    ("uscc", _uscc("Y1310115MA1K4B2C3").lower(), ""),
    ("uscc", "91310115MA1K4B2C3A", "uscc.check_char"),
    ("uscc", "91310115MA1K4B2CIO", "uscc.format"),
    ("uscc", "91310115MA1K4B2C", "uscc.format"),
    ("mobile", "13812345678", ""),
    ("mobile", "+86 138 1234 5678", ""),
    ("mobile", "86-138-1234-5678", ""),
    ("mobile", "12812345678", "mobile.format"),
    ("mobile", "1381234567", "mobile.format"),
    ("mobile", "+8612", "mobile.format"),
    ("mobile", "phone", "mobile.format"),
    ("amount", "12000.50", ""),
    ("amount", "0", ""),
    ("amount", "999999999.99", ""),
    ("amount", "12.345", "amount.format"),
    ("amount", "-1", "amount.format"),
    ("amount", "1e3", "amount.format"),
    ("amount", "12,000", "amount.format"),
    ("amount", "1000000000", "amount.format"),
]


def _server(kind: str, value: str) -> str:
    """The code the server gives (its field error's `code`), or "" when it accepts the value."""
    if kind == "amount":
        try:
            ClaimIn(kind="wages", amount=value)  # type: ignore[arg-type]
        except ValidationError as exc:
            return str((exc.errors()[0].get("ctx") or {}).get("code", exc.errors()[0]["type"]))
        return ""
    check = {"id_number": normalise_id_number, "uscc": normalise_uscc, "mobile": normalise_mobile}[kind]
    try:
        check(value)
    except IdentifierError as exc:
        return exc.code
    return ""


BROWSER = """
const checks = require(process.argv[1]);  // node -e: the first argument follows node
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
checks.setBirthplaces(input.birthplaces);
const names = {id_number: "idNumber", uscc: "uscc", mobile: "mobile", amount: "amount"};
console.log(JSON.stringify(input.cases.map(([kind, value]) => checks[names[kind]](value))));
"""


def _browser(cases: list[tuple[str, str, str]]) -> list[str]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed (Debian package nodejs, installed by deploy/system-packages.sh --test)")
    payload = json.dumps({"birthplaces": birthplace_table(), "cases": [[k, v] for k, v, _ in cases]})
    result = subprocess.run([node, "-e", BROWSER, str(CHECKS_JS)], input=payload, capture_output=True, text=True, check=True, timeout=30)
    return list(json.loads(result.stdout))


def test_the_form_and_the_server_give_the_same_verdicts() -> None:
    expected = [code for _, _, code in CASES]
    assert [_server(kind, value) for kind, value, _ in CASES] == expected
    assert _browser(CASES) == expected


def test_the_credit_code_check_is_ours_because_stdnum_refuses_a_n_and_y() -> None:
    for code in (_uscc("A1310115MA1K4B2C3"), _uscc("N2310115MA1K4B2C3"), _uscc("Y1310115MA1K4B2C3")):
        assert normalise_uscc(code) == code
        with pytest.raises(StdnumError):
            stdnum_uscc.validate(code)
    assert stdnum_uscc.validate(_uscc("91310115MA1K4B2C3"))  # and agrees on the ordinary ones


def test_birthplaces_agree_with_stdnum_for_people_born_now_and_differ_only_before_a_code_began() -> None:
    table = birthplace_table()
    assert len(table) > 6000 and table["310115"] == ALWAYS and table["110103"] == 2010
    for code, last in table.items():
        if code in ("810000", "820000", "830000"):
            continue  # residence permits: not counties in GB/T 2260, so stdnum refuses them
        number = _id(f"{code}20250101001")  # born 2025: stdnum's rule and ours are the same test
        assert (_stdnum_ok(number), normalise_ok(number)) == (last >= 2025, last >= 2025), code
    chen_mei = _id("31011519900706002")  # registered in Pudong (code from 1992), born 1990
    assert normalise_ok(chen_mei) and not _stdnum_ok(chen_mei)


def _stdnum_ok(number: str) -> bool:
    try:
        ric.validate(number)
    except StdnumError:
        return False
    return True


def normalise_ok(number: str) -> bool:
    try:
        normalise_id_number(number)
    except IdentifierError:
        return False
    return True
