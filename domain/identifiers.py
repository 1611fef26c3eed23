"""Checksum validation of Chinese identifiers: resident ID (GB 11643-1999), unified social credit
code (GB 32100-2015) and mainland mobile numbers. Each returns a clear reason when invalid, with a
machine code and how to fix it.

The credit code check is our own: `stdnum.cn.uscc` refuses codes whose registration authority is
A, N or Y (GB 32100 allows them). The birthplace of an ID number (its first six digits, a GB/T 2260
division code) is checked against the county list python-stdnum ships for `stdnum.cn.ric`: the
code must be one that existed at some time since the person's birth. (`stdnum.cn.ric` also refuses
a code created after the birth year, but a code is the place of registration when the number was
issued, which can be years after birth: a Pudong number, 310115, of someone born in 1990 is real.)
The intake form's script applies the same table (`birthplace_table`)."""

from __future__ import annotations

import re
from datetime import date
from functools import cache

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")


class IdentifierError(ValueError):
    """The identifier is malformed; the message says what is wrong, in Chinese and English; `code`
    names the check that failed and `fix` says how to put it right."""

    def __init__(self, message: str, code: str = "identifier", fix: str = "") -> None:
        super().__init__(message)
        self.code, self.fix = code, fix or message


# Residence permits of Hong Kong, Macao and Taiwan residents (State Council, 2018) carry GB 11643
# numbers with these codes, which GB/T 2260 does not list as counties.
RESIDENCE_PERMIT_CODES = frozenset({"810000", "820000", "830000"})
ALWAYS = 9999  # a county code still in use


@cache
def birthplace_table() -> dict[str, int]:
    """Every GB/T 2260 county code python-stdnum knows, with the last year it was in use
    (`ALWAYS` while it still is): an ID number's first six digits must be one of them."""
    from stdnum import numdb

    table: dict[str, int] = {code: ALWAYS for code in RESIDENCE_PERMIT_CODES}
    for province, counties in _counties(numdb.get("cn/loc")):
        for county, names in counties:
            ends = [_last_year(name) for name in names.split(",")]
            table[province + county] = ALWAYS if ALWAYS in ends else max(ends)
    return table


def _counties(db: object) -> list[tuple[str, list[tuple[str, str]]]]:
    """(province prefix, [(county suffix, county names)]) from stdnum's number database, whose
    entries are (length, low, high, properties, children), one code each (low == high)."""
    found: list[tuple[str, list[tuple[str, str]]]] = []
    for _length, low, _high, _props, children in getattr(db, "prefixes", []):
        counties = [(c_low, c_props["county"]) for _l, c_low, _h, c_props, _c in children if "county" in c_props]
        found.append((low, counties))
    return found


def _last_year(name: str) -> int:
    """'[-2010]崇文区' -> 2010; '[1992-]浦东新区' and '朝阳区' -> ALWAYS."""
    if not name.startswith("["):
        return ALWAYS
    end = name[1:].split("]", 1)[0].split("-", 1)[1]
    return int(end) if end else ALWAYS


def birthplace_ok(id_number: str) -> bool:
    """The first six digits are a division code in use at some time since the birth year."""
    last = birthplace_table().get(id_number[:6])
    return last is not None and last >= int(id_number[6:10])


def id_number_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def normalise_id_number(value: str) -> str:
    """Validate an 18-character resident ID number and return it upper-cased."""
    text = value.strip().upper()
    if not re.fullmatch(r"[0-9]{17}[0-9X]", text):
        raise IdentifierError(
            "身份证号码应为18位，前17位为数字，最后一位为数字或X / an ID number has 18 characters: 17 digits, then a digit or X",
            "id_number.format", "照身份证填写全部18位 / copy all 18 characters from the ID card",
        )
    try:
        date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise IdentifierError(
            "身份证号码中的出生日期不存在，请核对第7至14位 / the birth date inside the ID number (characters 7-14) does not exist",
            "id_number.birth_date", "核对第7至14位的出生日期（年月日） / check characters 7-14: the birth date as YYYYMMDD",
        ) from None
    if id_number_check_char(text[:17]) != text[17]:
        raise IdentifierError(
            "身份证号码校验位不正确，请逐位核对 / the ID number's check character does not match; please check each digit",
            "id_number.check_char", "对照身份证逐位核对；最后一位由前17位算出 / compare each digit with the card; "
            "the last one is computed from the first 17",
        )
    if not birthplace_ok(text):
        raise IdentifierError(
            "身份证号码前6位不是有效的行政区划代码（GB/T 2260） / the first 6 digits of the ID number are not a valid "
            "administrative division code (GB/T 2260)",
            "id_number.birthplace", "核对前6位（户籍登记地的行政区划代码） / check the first 6 digits: the division code of "
            "the place of registration",
        )
    return text


def uscc_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters of a credit code."""
    total = sum(_USCC_CHARS.index(char) * weight for char, weight in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def normalise_uscc(value: str) -> str:
    """Validate an 18-character unified social credit code and return it upper-cased."""
    text = value.strip().upper()
    if len(text) != 18 or any(char not in _USCC_CHARS for char in text):
        raise IdentifierError(
            "统一社会信用代码应为18位，由数字和大写字母组成（不含I、O、S、V、Z） / "
            "a unified social credit code has 18 characters: digits and capital letters except I, O, S, V, Z",
            "uscc.format", "照营业执照填写全部18位，或留空 / copy all 18 characters from the business licence, or leave it out",
        )
    if uscc_check_char(text[:17]) != text[17]:
        raise IdentifierError(
            "统一社会信用代码校验位不正确，请对照营业执照核对 / "
            "the credit code's check character does not match; compare it with the business licence",
            "uscc.check_char", "对照营业执照逐位核对，或留空 / compare each character with the business licence, or leave it out",
        )
    return text


def normalise_mobile(value: str) -> str:
    """Validate a mainland mobile number (11 digits starting 13-19); +86 and spaces are dropped."""
    text = re.sub(r"[\s-]", "", value.strip())
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("86") and len(text) == 13:
        text = text[2:]
    if not _MOBILE.match(text):
        raise IdentifierError("手机号码应为11位数字，以13至19开头 / a mobile number has 11 digits and starts with 13-19",
                              "mobile.format", "填写11位大陆手机号码，如 13812345678 / give an 11-digit mainland mobile number, "
                              "e.g. 13812345678")
    return text


def id_number_birth_date(id_number: str) -> date:
    """The birth date encoded in characters 7-14 of a resident ID number."""
    text = normalise_id_number(id_number)
    return date(int(text[6:10]), int(text[10:12]), int(text[12:14]))


def id_number_gender(id_number: str) -> str:
    """'male' or 'female' from the 17th character (odd: male), as GB 11643 defines it."""
    return "male" if int(normalise_id_number(id_number)[16]) % 2 else "female"


def age_on(birth_date: date, day: date) -> int:
    """Age in full years on `day` (LDMAL Art. 28 asks for the worker's age)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


@cache
def division_names() -> dict[str, str]:
    """GB/T 2260 division codes (province, city, county) with their current Chinese name, from the
    same stdnum table; provinces as NN0000."""
    from stdnum import numdb

    names: dict[str, str] = {}
    for _length, low, _high, props, children in getattr(numdb.get("cn/loc"), "prefixes", []):
        if "province" in props:
            names[low + "0000"] = props["province"]
        for _l, c_low, _h, c_props, _c in children:
            current = [n for n in c_props.get("county", "").split(",") if _last_year(n) == ALWAYS]
            if current:
                names.setdefault(low + c_low, current[-1].split("]", 1)[-1])
    return names
