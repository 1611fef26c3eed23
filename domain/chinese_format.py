"""Chinese formatting for legal documents: dates in Chinese numerals, amounts in figures and in
Chinese capitals (大写金额), as written on contracts, awards and bank instruments.

The capital-amount rules follow the People's Bank of China 《支付结算办法》 annex (正确填写票据和
结算凭证的基本规定): 零 for a run of zeros inside the number, 整 after 元 or 角 but never after 分,
and 零 between 元 and 分 when the 角 digit is zero.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

_DATE_DIGITS = "〇一二三四五六七八九"
_SMALL = ("", "一", "二", "三", "四", "五", "六", "七", "八", "九")
_CAPITAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_POSITION_UNITS = ("", "拾", "佰", "仟")
_SECTION_UNITS = {4: "万", 8: "亿"}
# Numeric(14, 2) columns hold at most 999,999,999,999.99; beyond that the 万亿 naming is ambiguous.
_MAX_AMOUNT = Decimal("1000000000000")


def chinese_small_number(value: int) -> str:
    """1..99 in Chinese numerals as used in dates and ordinals: 十一, 二十, 三十一."""
    if not 0 < value < 100:
        raise ValueError(f"expected 1..99, got {value}")
    tens, units = divmod(value, 10)
    if tens == 0:
        return _SMALL[units]
    prefix = "" if tens == 1 else _SMALL[tens]
    return f"{prefix}十{_SMALL[units]}"


def chinese_date(day: date) -> str:
    """The date as written at the foot of a legal document: 二〇二六年十一月二十五日."""
    if isinstance(day, datetime):
        day = day.date()
    year = "".join(_DATE_DIGITS[int(digit)] for digit in f"{day.year:04d}")
    return f"{year}年{chinese_small_number(day.month)}月{chinese_small_number(day.day)}日"


def to_amount(value: Decimal | int | str) -> Decimal:
    """An exact yuan amount with at most two decimals (fen); floats are refused."""
    if isinstance(value, float):
        raise TypeError("amounts must be Decimal, int or str, never float")
    try:
        amount = Decimal(value)
    except (InvalidOperation, ValueError):
        raise ValueError(f"not an amount: {value!r}") from None
    if not amount.is_finite():
        raise ValueError(f"not an amount: {value!r}")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"amount {value} has more than two decimals (fen)")
    return amount


def yuan(value: Decimal | int | str) -> str:
    """Figures with thousands separators and two decimals: 36,000.00."""
    return f"{to_amount(value):,.2f}"


def _capital_integer(integer: int) -> str:
    """The integer part in capitals, with one 零 for each run of zeros followed by a digit."""
    digits = str(integer)
    out: list[str] = []
    pending_zero = False
    section_has_value = False
    for index, char in enumerate(digits):
        power = len(digits) - 1 - index
        digit = int(char)
        if digit == 0:
            pending_zero = True
        else:
            if pending_zero and out:
                out.append("零")
            pending_zero = False
            out.append(_CAPITAL_DIGITS[digit] + _POSITION_UNITS[power % 4])
            section_has_value = True
        if power in _SECTION_UNITS:
            if section_has_value:
                out.append(_SECTION_UNITS[power])
            section_has_value = False
    return "".join(out)


def rmb_capital(value: Decimal | int | str) -> str:
    """The amount in Chinese capitals: 人民币叁万陆仟元整, 人民币壹万零捌拾元零伍分."""
    amount = to_amount(value)
    if amount < 0:
        raise ValueError("a negative amount cannot be written in capitals")
    if amount >= _MAX_AMOUNT:
        raise ValueError("amounts of one trillion yuan or more are not supported")
    fen_total = int(amount * 100)
    integer, cents = divmod(fen_total, 100)
    jiao, fen = divmod(cents, 10)
    if integer == 0 and cents == 0:
        return "人民币零元整"
    text = ""
    if integer:
        text = _capital_integer(integer) + "元"
    if jiao:
        text += _CAPITAL_DIGITS[jiao] + "角"
    elif fen and integer:
        text += "零"  # 角 is zero but 分 is not: write 元零X分 (支付结算办法)
    if fen:
        text += _CAPITAL_DIGITS[fen] + "分"
    else:
        text += "整"
    return "人民币" + text
