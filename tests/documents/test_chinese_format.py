"""Chinese dates and amounts as legal documents write them (capitals: 《支付结算办法》 annex)."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.chinese_format import chinese_date, rmb_capital, yuan

_DIGITS = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
_UNITS = {"拾": 10, "佰": 100, "仟": 1000}


def _parse_capital(text: str) -> Decimal:
    """Read a capital amount back (test oracle): sections split by 亿 and 万, then 元/角/分."""
    assert text.startswith("人民币")
    body = text.removeprefix("人民币").removesuffix("整")
    yuan_part, _, cents_part = body.partition("元") if "元" in body else ("", "", body)

    def section(chunk: str) -> int:
        total, digit = 0, 0
        for char in chunk:
            if char in _DIGITS:
                digit = _DIGITS[char]
            else:
                total += digit * _UNITS[char]
                digit = 0
        return total + digit

    integer = 0
    rest = yuan_part
    for marker, factor in (("亿", 10**8), ("万", 10**4)):
        if marker in rest:
            head, rest = rest.split(marker, 1)
            integer += section(head) * factor
    integer += section(rest)
    fen = 0
    if "角" in cents_part:
        jiao, cents_part = cents_part.split("角", 1)
        fen += _DIGITS[jiao[-1]] * 10
    if "分" in cents_part:
        fen += _DIGITS[cents_part.removesuffix("分")[-1]]
    return Decimal(integer) + Decimal(fen) / 100


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 25), "二〇二六年十一月二十五日"),  # the issue date of the README's example
        (date(2026, 10, 10), "二〇二六年十月十日"),
        (date(2026, 3, 2), "二〇二六年三月二日"),
        (date(2026, 7, 31), "二〇二六年七月三十一日"),
        (date(2000, 1, 1), "二〇〇〇年一月一日"),
        (date(2026, 12, 20), "二〇二六年十二月二十日"),
    ],
)
def test_chinese_date(day: date, expected: str) -> None:
    assert chinese_date(day) == expected


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("0", "人民币零元整"),
        ("0.00", "人民币零元整"),
        ("0.05", "人民币伍分"),
        ("0.50", "人民币伍角整"),
        ("1", "人民币壹元整"),
        ("10", "人民币壹拾元整"),
        ("100", "人民币壹佰元整"),
        ("1005", "人民币壹仟零伍元整"),
        ("9999", "人民币玖仟玖佰玖拾玖元整"),
        ("10000", "人民币壹万元整"),  # the 万 boundary
        ("10010", "人民币壹万零壹拾元整"),
        ("36000", "人民币叁万陆仟元整"),  # story 1: 李建国's unpaid wages
        ("84000", "人民币捌万肆仟元整"),  # story 2: 王芳's compensation
        ("1680.32", "人民币壹仟陆佰捌拾元叁角贰分"),  # 支付结算办法 example
        ("107000.53", "人民币壹拾万零柒仟元伍角叁分"),  # 支付结算办法 example
        ("16409.02", "人民币壹万陆仟肆佰零玖元零贰分"),  # 角 zero, 分 not: 元零贰分
        ("1409.50", "人民币壹仟肆佰零玖元伍角整"),
        ("6007.14", "人民币陆仟零柒元壹角肆分"),
        ("99999999.99", "人民币玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
        ("100000000", "人民币壹亿元整"),  # the 亿 boundary
        ("100000001", "人民币壹亿零壹元整"),
        ("100001000", "人民币壹亿零壹仟元整"),  # an empty 万 section still needs its 零
        ("110000000.10", "人民币壹亿壹仟万元壹角整"),
        ("999999999999.99", "人民币玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    ],
)
def test_rmb_capital(amount: str, expected: str) -> None:
    assert rmb_capital(Decimal(amount)) == expected


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("0", "0.00"),
        ("36000", "36,000.00"),
        ("1680.3", "1,680.30"),
        ("100000000", "100,000,000.00"),
    ],
)
def test_yuan_figures(amount: str, expected: str) -> None:
    assert yuan(Decimal(amount)) == expected


@pytest.mark.parametrize("bad", ["-1", "12.345", "NaN", "1000000000000", "abc"])
def test_amounts_that_cannot_be_written_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        rmb_capital(bad)


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError):
        rmb_capital(36000.0)  # type: ignore[arg-type]


@given(st.integers(min_value=0, max_value=999_999_999_999_99))
def test_capitals_read_back_to_the_same_amount(fen: int) -> None:
    amount = Decimal(fen) / 100
    text = rmb_capital(amount)
    assert _parse_capital(text) == amount
    assert amount == 0 or ("零零" not in text and not text.removeprefix("人民币").startswith("零"))
    assert text.endswith("分") or text.endswith("整")
