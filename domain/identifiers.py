"""Checksum validation of Chinese identifiers: resident ID (GB 11643-1999), unified social credit
code (GB 32100-2015) and mainland mobile numbers. Each returns a clear reason when invalid."""

from __future__ import annotations

import re
from datetime import date

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


class IdentifierError(ValueError):
    """The identifier is malformed; the message says what is wrong, in Chinese and English."""


def id_number_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def normalise_id_number(value: str) -> str:
    """Validate an 18-character resident ID number and return it upper-cased."""
    text = value.strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", text):
        raise IdentifierError(
            "身份证号码应为18位，前17位为数字，最后一位为数字或X / an ID number has 18 characters: 17 digits, then a digit or X"
        )
    try:
        date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise IdentifierError(
            "身份证号码中的出生日期不存在，请核对第7至14位 / the birth date inside the ID number (characters 7-14) does not exist"
        ) from None
    if id_number_check_char(text[:17]) != text[17]:
        raise IdentifierError(
            "身份证号码校验位不正确，请逐位核对 / the ID number's check character does not match; please check each digit"
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
            "a unified social credit code has 18 characters: digits and capital letters except I, O, S, V, Z"
        )
    if uscc_check_char(text[:17]) != text[17]:
        raise IdentifierError(
            "统一社会信用代码校验位不正确，请对照营业执照核对 / "
            "the credit code's check character does not match; compare it with the business licence"
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
        raise IdentifierError("手机号码应为11位数字，以13至19开头 / a mobile number has 11 digits and starts with 13-19")
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
