"""One-time links for people without an account (an employer replying to a union notice, a
respondent answering an invitation): a random token handed over once, of which only a keyed hash is
stored, so a database dump cannot be turned back into working links."""

from __future__ import annotations

import secrets

from infrastructure.crypto import Keyring


def new_link_token() -> str:
    """A fresh token (192 random bits, URL-safe)."""
    return secrets.token_urlsafe(24)


def link_hash(keyring: Keyring, purpose: str, token: str) -> str:
    """The keyed hash stored for a token; `purpose` keeps the links of different uses apart."""
    return keyring.lookup_hash(f"{purpose}:{token}")
