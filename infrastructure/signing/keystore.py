"""The organisations' signing keys and the verifier's trust, as the settings name them.

Development and tests: the development CA (`ca.py`) under `Settings.resolved_pki_dir` issues a TEST
certificate to an organisation the first time it signs, and again after a rotation. Production:
`Settings.signing_keys` names a PKCS#12 file or a PKCS#11 token per organisation code; nothing
is generated and no private key is ever stored in the database or the image.

Signers are cached per process (one per key file or token, opened once): loading a PKCS#12 file
costs about 30 ms, opening a token a login. A rotation in the development CA (another process,
e.g. `labourflow signing rotate`) is picked up at the next signature, because the CA's index is
read each time (a small JSON file under a lock) and the cache is keyed by the certificate file.
"""

from __future__ import annotations

import threading
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from pydantic import SecretStr, TypeAdapter, ValidationError
from pyhanko.sign.signers import Signer

from infrastructure.settings import Settings
from infrastructure.signing.ca import CRL_VALIDITY, DevCertificateAuthority, OrgCertificate
from infrastructure.signing.keys import KeyConfig, KeyLoadError, Pkcs11KeyConfig, Pkcs12KeyConfig, load_pkcs12_signer, open_signer

_KEY_CONFIG: TypeAdapter[Pkcs12KeyConfig | Pkcs11KeyConfig] = TypeAdapter(KeyConfig)
_LOCK = threading.Lock()
_SIGNERS: dict[str, Signer] = {}
_CAS: dict[Path, DevCertificateAuthority] = {}
_SIGNING: dict[int, threading.Lock] = {}  # by id(): cached signers live as long as the process
_TOKENS = ExitStack()  # PKCS#11 sessions stay open for the life of the process


class NoSigningKeyError(RuntimeError):
    """The organisation has no signing key configured; the message names the setting to add."""


@dataclass(frozen=True)
class Trust:
    """What verification trusts: root certificates and the revocation lists to check against."""

    roots: tuple[x509.Certificate, ...]
    crls: tuple[bytes, ...]


def dev_ca(settings: Settings) -> DevCertificateAuthority:
    """The development CA of these settings, created on first use (once per process and folder)."""
    folder = settings.resolved_pki_dir.resolve()
    with _LOCK:
        ca = _CAS.get(folder)
        if ca is None:
            ca = DevCertificateAuthority.ensure(folder, crl_url=f"{settings.base_url.rstrip('/')}/pki/dev-ca.crl")
            _CAS[folder] = ca
        return ca


def signer_for(settings: Settings, org_code: str, org_name: str) -> Signer:
    """The signer of `org_code`: its configured key, else (outside production) a TEST certificate of the development CA."""
    raw = settings.signing_keys.get(org_code)
    if raw is not None:
        return _configured_signer(org_code, raw)
    if not settings.uses_dev_ca:
        raise NoSigningKeyError(
            f"组织 {org_code} 没有签章密钥 / organisation {org_code} has no signing key:"
            f" add it to LABOURFLOW_SIGNING_KEYS (a PKCS#12 file or a PKCS#11 token)"
        )
    return _dev_signer(dev_ca(settings).ensure_organisation(org_code, org_name), dev_ca(settings))


def signing_lock(signer: Signer) -> threading.Lock:
    """One signature at a time per signer: a PKCS#11 session allows one operation at a time, and
    the document worker runs several activities at once (the GIL would serialise the work anyway)."""
    with _LOCK:
        return _SIGNING.setdefault(id(signer), threading.Lock())


def _dev_signer(cert: OrgCertificate, ca: DevCertificateAuthority) -> Signer:
    key = str(cert.pkcs12_path)
    with _LOCK:
        signer = _SIGNERS.get(key)
        if signer is None:
            signer = load_pkcs12_signer(Pkcs12KeyConfig(path=cert.pkcs12_path, passphrase=SecretStr(ca.passphrase)))
            _SIGNERS[key] = signer
        return signer


def _configured_signer(org_code: str, raw: dict[str, object]) -> Signer:
    try:
        config = _KEY_CONFIG.validate_python(raw)
    except ValidationError as exc:
        fields = ", ".join(".".join(str(p) for p in error["loc"]) for error in exc.errors())
        raise KeyLoadError(f"LABOURFLOW_SIGNING_KEYS[{org_code}] is not a valid key setting ({fields})") from None
    key = f"{org_code}:{config.model_dump_json()}"
    with _LOCK:
        signer = _SIGNERS.get(key)
        if signer is None:
            signer = load_pkcs12_signer(config) if isinstance(config, Pkcs12KeyConfig) else _TOKENS.enter_context(open_signer(config))
            _SIGNERS[key] = signer
        return signer


def trust(settings: Settings) -> Trust:
    """The roots and CRLs verification uses: the configured ones, plus the development CA's when it is on."""
    roots = [_certificate(path) for path in settings.signing_trust_roots]
    crls = [path.read_bytes() for path in settings.signing_crls]
    if settings.uses_dev_ca:
        ca = dev_ca(settings)
        roots.append(ca.root_certificate())
        crls.append(_fresh_crl(ca))
    return Trust(tuple(roots), tuple(crls))


def _fresh_crl(ca: DevCertificateAuthority) -> bytes:
    """The development CA's CRL, read afresh (a revocation by another process shows at once) and
    republished once half its validity has passed, so a server that runs for months keeps answering."""
    data = ca.crl()
    next_update = x509.load_der_x509_crl(data).next_update_utc
    if next_update is None or next_update - datetime.now(UTC) < CRL_VALIDITY / 2:
        ca.publish_crl()
        data = ca.crl()
    return data


def _certificate(path: Path) -> x509.Certificate:
    data = path.read_bytes()
    return x509.load_pem_x509_certificate(data) if b"-----BEGIN" in data else x509.load_der_x509_certificate(data)
