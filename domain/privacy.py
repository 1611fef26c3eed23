"""Recognising and masking personal identifiers (PIPL): resident ID numbers and mobile numbers."""

from __future__ import annotations

import re

# 18-digit ID (GB 11643) or the old 15-digit form; not part of a longer run of digits.
ID_NUMBER_PATTERN = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
# Mainland mobile numbers, optionally written with +86 / 86.
MOBILE_PATTERN = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?![0-9])")


def mask_id_number(value: str) -> str:
    """Show an ID number as 1101**********1234 (first 4 and last 4 kept)."""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_mobile(value: str) -> str:
    """Show a mobile number as 138****5678."""
    digits = re.sub(r"\D", "", value)[-11:]
    if len(digits) != 11:
        return "*" * len(value)
    return digits[:3] + "****" + digits[-4:]


def redact_text(text: str) -> str:
    """Mask every ID number and mobile number found in free text (logs, failure messages)."""
    text = ID_NUMBER_PATTERN.sub(lambda m: mask_id_number(m.group(1)), text)
    return MOBILE_PATTERN.sub(lambda m: m.group(1) + "****" + m.group(3), text)


def contains_personal_identifier(text: str) -> bool:
    """True when text holds something that looks like an ID number or a mobile number."""
    return bool(ID_NUMBER_PATTERN.search(text) or MOBILE_PATTERN.search(text))
