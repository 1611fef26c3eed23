"""GB 11643 (resident ID), GB 32100 (unified social credit code) and mobile numbers."""

import pytest

from domain.identifiers import (
    IdentifierError,
    id_number_check_char,
    normalise_id_number,
    normalise_mobile,
    normalise_uscc,
    uscc_check_char,
)

# GB 11643-1999 Annex example: 11010519491231002X.
VALID_IDS = ["11010519491231002X", "110105194912310029"[:17] + id_number_check_char("11010519491231002")]
# Credit codes built with the GB 32100 check algorithm; 91350100M000100Y43 is a published example.
VALID_USCC = ["91350100M000100Y43", "91310000" + "MA1FL0A2" + "X" + uscc_check_char("91310000MA1FL0A2X")]


@pytest.mark.parametrize("value", VALID_IDS)
def test_valid_id_numbers(value: str) -> None:
    assert normalise_id_number(value.lower()) == value.upper()


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("11010519491231002", "18"),  # too short
        ("110105194912310021", "校验位"),  # wrong check character
        ("110105194902300021", "出生日期"),  # 30 February
    ],
)
def test_invalid_id_numbers_say_why(value: str, reason: str) -> None:
    with pytest.raises(IdentifierError, match=reason):
        normalise_id_number(value)


@pytest.mark.parametrize("value", VALID_USCC)
def test_valid_uscc(value: str) -> None:
    assert normalise_uscc(value) == value


def test_uscc_rejects_wrong_check_and_forbidden_letters() -> None:
    with pytest.raises(IdentifierError, match="校验位"):
        normalise_uscc("91350100M000100Y44")
    with pytest.raises(IdentifierError, match="I、O、S、V、Z"):
        normalise_uscc("91350100M000100YO3")


@pytest.mark.parametrize(("raw", "clean"), [("13812345678", "13812345678"), ("+86 138 1234 5678", "13812345678")])
def test_mobile(raw: str, clean: str) -> None:
    assert normalise_mobile(raw) == clean


@pytest.mark.parametrize("raw", ["12812345678", "1381234567", "phone"])
def test_mobile_invalid(raw: str) -> None:
    with pytest.raises(IdentifierError, match="11"):
        normalise_mobile(raw)
