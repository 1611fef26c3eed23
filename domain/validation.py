"""Validation errors that say how to fix them: a bilingual message (Chinese first, then English),
a stable machine code and the fix, carried in the error's context so the JSON API can answer each
field with all three (`api/errors.py`) while the pages keep showing the message as before."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from domain.identifiers import IdentifierError, normalise_uscc

# What the identifier checks accept, as JSON Schema patterns. They document the checks of
# domain/identifiers.py (surrounding spaces and lower case are forgiven; mobiles may carry spaces,
# dashes and +86) and are not enforced on their own: the checks say what is wrong and how to fix it.
ID_NUMBER_PATTERN = r"^\s*[0-9]{17}[0-9Xx]\s*$"
USCC_PATTERN = r"^\s*[0-9A-HJ-NP-RTUWXYa-hj-np-rtuwxy]{18}\s*$"
_SEP = r"[\s-]*"
MOBILE_PATTERN = rf"^{_SEP}(?:\+{_SEP}8{_SEP}6{_SEP}|8{_SEP}6{_SEP})?1{_SEP}[3-9](?:{_SEP}[0-9]){{9}}{_SEP}$"


def invalid(code: str, message: str, fix: str) -> PydanticCustomError:
    """A `value_error` with `code` and `fix` in its context (raise it from a validator)."""
    return PydanticCustomError("value_error", message, {"code": code, "fix": fix})


def identifier_check(check: Callable[[str], str]) -> Callable[[str], str]:
    """A validator running an identifier check, its refusal as an `invalid` error."""

    def run(value: str) -> str:
        try:
            return check(value)
        except IdentifierError as exc:
            raise invalid(exc.code, str(exc), exc.fix) from None

    return run


UsccCode = Annotated[
    str,
    AfterValidator(identifier_check(normalise_uscc)),
    Field(json_schema_extra={"pattern": USCC_PATTERN}, description="unified social credit code (GB 32100, check character checked)"),
]
