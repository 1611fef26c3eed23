"""AES-256-GCM encryption with key ids (for rotation) and keyed hashes for lookups.

One `Keyring` serves the Temporal payload codec, encrypted database columns and stored documents.
Old keys stay in `LABOURFLOW_ENCRYPTION_KEYS` to decrypt; new data uses the active key id.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from infrastructure.settings import Settings

_NONCE = 12


class DecryptionError(RuntimeError):
    """Data could not be decrypted: unknown key id or tampered ciphertext."""


class Keyring:
    """Encrypts with the active key, decrypts with any configured key."""

    def __init__(self, keys: dict[str, bytes], active: str, lookup_key: bytes) -> None:
        self._ciphers = {kid: AESGCM(key) for kid, key in keys.items()}
        self.active = active
        self._lookup_key = lookup_key

    @classmethod
    def from_settings(cls, settings: Settings) -> Keyring:
        return cls(settings.key_bytes(), settings.encryption_key_id, settings.lookup_hash_key.encode())

    def encrypt(self, plaintext: bytes, associated: bytes = b"", key_id: str | None = None) -> tuple[str, bytes]:
        """Return (key id, nonce + ciphertext); with the active key unless `key_id` names another."""
        kid = key_id or self.active
        nonce = os.urandom(_NONCE)
        return kid, nonce + self._ciphers[kid].encrypt(nonce, plaintext, associated)

    def decrypt(self, key_id: str, blob: bytes, associated: bytes = b"") -> bytes:
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise DecryptionError(f"unknown encryption key id '{key_id}'; add it to LABOURFLOW_ENCRYPTION_KEYS")
        try:
            return cipher.decrypt(blob[:_NONCE], blob[_NONCE:], associated)
        except Exception as exc:
            raise DecryptionError("ciphertext was altered or the key is wrong") from exc

    def encrypt_text(self, text: str) -> str:
        """Encrypt a string for a database column: 'kid:base64(nonce+ciphertext)'."""
        kid, blob = self.encrypt(text.encode())
        return f"{kid}:{base64.b64encode(blob).decode()}"

    def decrypt_text(self, stored: str) -> str:
        kid, _, data = stored.partition(":")
        return self.decrypt(kid, base64.b64decode(data)).decode()

    def lookup_hash(self, value: str) -> str:
        """Keyed hash (HMAC-SHA256) to find a row by an encrypted value without decrypting."""
        return hmac.new(self._lookup_key, value.encode(), hashlib.sha256).hexdigest()
