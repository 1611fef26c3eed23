"""Where an organisation's signing key lives: a PKCS#12 file or a PKCS#11 token, named by settings.

Private keys are never stored in the database or the image: settings name a file (mounted secret)
or a token (hardware key, HSM) and the passphrase or PIN comes from the environment. With a token
the key never leaves it; pyHanko's own PKCS#11 support asks the token to sign the digest.

    config = Pkcs11KeyConfig(module="/usr/lib/softhsm/libsofthsm2.so", token_label="union",
                             key_label="seal-2026", pin=os.environ["UNION_PIN"])
    with open_signer(config) as signer:
        signed = sign_pdf(pdf, signer, org_name=..., document_no=..., signing_time=...)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Literal, TypeAlias

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from pydantic import BaseModel, ConfigDict, Field, SecretStr
from pyhanko.keys.internal import translate_pyca_cryptography_cert_to_asn1
from pyhanko.sign.signers import Signer, SimpleSigner
from pyhanko_certvalidator.util import get_pyca_cryptography_hash


class KeyLoadError(RuntimeError):
    """The configured key could not be opened; the message says which and why (never the secret)."""


class Pkcs12KeyConfig(BaseModel):
    """An organisation's key and certificate chain in a PKCS#12 (.p12/.pfx) file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["pkcs12"] = "pkcs12"
    path: Path
    passphrase: SecretStr | None = None
    chain: tuple[Path, ...] = ()  # CA certificates (PEM/DER) to embed that the file lacks


class Pkcs11KeyConfig(BaseModel):
    """An organisation's key on a PKCS#11 token; its certificate on the token or in a file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["pkcs11"] = "pkcs11"
    module: Path  # the vendor's PKCS#11 library, e.g. /usr/lib/softhsm/libsofthsm2.so
    token_label: str
    key_label: str
    pin: SecretStr
    cert_label: str | None = None  # certificate object on the token; defaults to key_label
    certificate: Path | None = None  # or the certificate in a PEM/DER file, when the token holds only the key
    chain: tuple[Path, ...] = ()  # CA certificates (PEM/DER) to embed
    # ECDSA only: hash here and let the token sign the digest (CKM_ECDSA), for tokens without the
    # combined mechanisms such as CKM_ECDSA_SHA256 (SoftHSM 2.6 among them).
    raw_ecdsa: bool = False


KeyConfig: TypeAlias = Annotated[Pkcs12KeyConfig | Pkcs11KeyConfig, Field(discriminator="kind")]


@contextmanager
def open_signer(config: Pkcs12KeyConfig | Pkcs11KeyConfig) -> Iterator[Signer]:
    """A pyHanko signer for the configured key, open for the duration of the `with` block.

    A PKCS#11 session (and its login) lasts as long as the block: a worker that signs many
    documents may keep one open rather than log in to the token per document.
    """
    if isinstance(config, Pkcs12KeyConfig):
        yield load_pkcs12_signer(config)
        return
    with _pkcs11_signer(config) as signer:
        yield signer


def load_pkcs12_signer(config: Pkcs12KeyConfig) -> SimpleSigner:
    """A signer from a PKCS#12 file (no resources to release)."""
    try:
        data = config.path.read_bytes()
    except OSError as exc:
        raise KeyLoadError(f"cannot read the PKCS#12 file {config.path}: {exc.strerror}") from exc
    passphrase = config.passphrase.get_secret_value().encode() if config.passphrase is not None else None
    try:
        chain = _load_certificates(config.chain)
    except (OSError, ValueError) as exc:
        raise KeyLoadError(f"cannot read the certificate chain {[str(p) for p in config.chain]}: {exc}") from exc
    try:
        loaded = SimpleSigner.load_pkcs12_data(data, other_certs=chain, passphrase=passphrase)
    except ValueError as exc:
        raise KeyLoadError(f"cannot open the PKCS#12 file {config.path} (wrong passphrase or not PKCS#12)") from exc
    return _ParsedKeySigner(signing_cert=loaded.signing_cert, signing_key=loaded.signing_key, cert_registry=loaded.cert_registry)


class _ParsedKeySigner(SimpleSigner):
    """SimpleSigner that parses its private key once.

    pyHanko's parses it from DER for every raw signature (twice for a PDF whose container size it
    estimates), and for RSA that includes OpenSSL's key check: about 25 ms each, as much as the
    rest of the signature.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._private_key = serialization.load_der_private_key(self.signing_key.dump(), password=None)

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        key = self._private_key
        algorithm = self.get_signature_mechanism_for_digest(digest_algorithm)
        try:
            mechanism = algorithm.signature_algo  # "sha256_rsa" -> "rsassa_pkcs1v15"
        except ValueError:
            mechanism = algorithm["algorithm"].native
        hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
        if mechanism == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, padding.PKCS1v15(), hash_algorithm)
        if mechanism == "ecdsa" and isinstance(key, ec.EllipticCurvePrivateKey):
            return key.sign(data, ec.ECDSA(hash_algorithm))
        return super().sign_raw(data, digest_algorithm)  # other mechanisms (PSS, EdDSA): pyHanko's way


@contextmanager
def _pkcs11_signer(config: Pkcs11KeyConfig) -> Iterator[Signer]:
    # Imported here: python-pkcs11 loads a C extension that PKCS#12-only deployments never need.
    from pkcs11 import PKCS11Error
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

    where = f"key {config.key_label!r} on PKCS#11 token {config.token_label!r} ({config.module})"
    try:
        session = open_pkcs11_session(
            str(config.module), token_criteria=TokenCriteria(label=config.token_label), user_pin=config.pin.get_secret_value()
        )
    except PKCS11Error as exc:
        raise KeyLoadError(f"cannot open {where}: {type(exc).__name__} {exc}") from exc
    try:
        signer = PKCS11Signer(
            session,
            key_label=config.key_label,
            cert_label=None if config.certificate is not None else (config.cert_label or config.key_label),
            signing_cert=_load_certificates((config.certificate,))[0] if config.certificate is not None else None,
            ca_chain=_load_certificates(config.chain),
            use_raw_mechanism=config.raw_ecdsa,
        )
        try:
            # Fetch the key and certificate now, so that a wrong label fails here and not mid-signature.
            _ = signer.signing_cert
        except PKCS11Error as exc:
            raise KeyLoadError(f"cannot use {where}: {type(exc).__name__} {exc}") from exc
        yield signer
    finally:
        session.close()


def _load_certificates(paths: tuple[Path, ...]) -> list[Any]:
    """asn1crypto certificates (what pyHanko takes) from PEM or DER files; a PEM file may hold several."""
    certs: list[x509.Certificate] = []
    for path in paths:
        data = path.read_bytes()
        certs.extend(x509.load_pem_x509_certificates(data) if b"-----BEGIN" in data else [x509.load_der_x509_certificate(data)])
    return [translate_pyca_cryptography_cert_to_asn1(cert) for cert in certs]
