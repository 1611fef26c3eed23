"""A development certificate authority: a TEST root and one signing certificate per organisation.

It exists so that `make run` signs documents out of the box. Everything it makes says TEST ONLY in
its names, and its keys sit unencrypted (the CA key) or under a generated passphrase (the
organisations' PKCS#12 files) in the folder it is given: never use it for documents that leave a
test system. In production each organisation's key comes from its own PKCS#12 file or PKCS#11
token (see `keys.py`) and its certificate from a real CA.

Layout of the folder (e.g. `data/pki`), all written atomically under a file lock, so that the web
app and the worker may call `DevCertificateAuthority.ensure` at the same time:

    ca.json                 index: CRL URL and number, every certificate issued, revocations
    ca-key.pem              the root's private key (PKCS#8, mode 0600)
    ca.pem, ca.crt          the root certificate (PEM, DER) to trust when verifying
    dev-ca.crl              the certificate revocation list (DER), served at the CRL URL
    p12-passphrase.txt      passphrase of the organisations' PKCS#12 files (mode 0600)
    orgs/<code>/<serial>.pem, .p12   each organisation certificate, and it with its key

Rotation: `issue` makes a new certificate for an organisation and leaves its earlier ones valid
until `revoke`; `current` is the newest unrevoked one, which new signatures use.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeAlias

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from infrastructure.signing.keys import Pkcs12KeyConfig

TEST_MARK = "(TEST ONLY)"
ROOT_COMMON_NAME = f"labourflow 测试 CA {TEST_MARK}"
CRL_FILE = "dev-ca.crl"
CRL_VALIDITY = timedelta(days=30)  # republished by `ensure` once half of it has passed
ROOT_VALIDITY = timedelta(days=3650)
ORG_VALIDITY = timedelta(days=730)
RENEW_BEFORE = timedelta(days=30)  # `ensure_organisation` issues a successor this long before expiry
_NAME_MAX = 64  # ub-organization-name, ub-common-name (RFC 5280); `cryptography` counts UTF-8 bytes
_CLOCK_SKEW = timedelta(minutes=5)  # certificates start a little in the past: machines' clocks differ

_PrivateKey: TypeAlias = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


class KeyAlgorithm(StrEnum):
    """Key type of the organisations' certificates (the root is always RSA 3072)."""

    RSA2048 = "rsa2048"
    ECDSA_P256 = "ecdsa-p256"


@dataclass(frozen=True)
class OrgCertificate:
    """One certificate issued to an organisation, with where its files are."""

    org_code: str
    org_name: str
    serial: int
    not_before: datetime
    not_after: datetime
    crl_url: str
    certificate_path: Path  # PEM
    pkcs12_path: Path  # the certificate, its key and the root, under the CA's passphrase
    revoked_at: datetime | None = None
    revocation_reason: str | None = None

    @property
    def revoked(self) -> bool:
        """Whether this certificate is on the CRL."""
        return self.revoked_at is not None

    def certificate(self) -> x509.Certificate:
        """The certificate itself."""
        return x509.load_pem_x509_certificate(self.certificate_path.read_bytes())


class DevCertificateAuthority:
    """The development CA in one folder; create or open it with `DevCertificateAuthority.ensure`."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    # ---- paths -------------------------------------------------------------------------------

    @property
    def root_certificate_path(self) -> Path:
        """The root certificate (PEM): the trust anchor verifiers are given."""
        return self.folder / "ca.pem"

    @property
    def crl_path(self) -> Path:
        """The current CRL (DER), to be served at `crl_url`."""
        return self.folder / CRL_FILE

    @property
    def crl_url(self) -> str:
        """Where certificates say the CRL is published."""
        return str(self._index()["crl_url"])

    @property
    def passphrase(self) -> str:
        """Passphrase of the organisations' PKCS#12 files (development only)."""
        return (self.folder / "p12-passphrase.txt").read_text().strip()

    def root_certificate(self) -> x509.Certificate:
        """The root certificate."""
        return x509.load_pem_x509_certificate(self.root_certificate_path.read_bytes())

    def crl(self) -> bytes:
        """The current CRL (DER)."""
        return self.crl_path.read_bytes()

    # ---- creation ----------------------------------------------------------------------------

    @classmethod
    def ensure(
        cls, folder: Path | str, *, crl_url: str, key_algorithm: KeyAlgorithm = KeyAlgorithm.RSA2048, now: datetime | None = None
    ) -> DevCertificateAuthority:
        """Open the CA in `folder`, creating it first if needed; idempotent, safe across processes.

        `key_algorithm` applies to a CA created now; an existing CA keeps the one it was made with.
        """
        ca = cls(Path(folder))
        ca.folder.mkdir(parents=True, exist_ok=True)
        now = now or _now()
        with ca._locked():
            if not (ca.folder / "ca.json").exists():
                ca._create_root(crl_url=crl_url, key_algorithm=key_algorithm, now=now)
            index = ca._index()
            if index["crl_url"] != crl_url:
                # Later certificates point to the new URL; `ensure_organisation` reissues current ones.
                index["crl_url"] = crl_url
                ca._write_index(index)
            if ca._crl_due(now):
                ca._publish_crl(now)
        return ca

    def _create_root(self, *, crl_url: str, key_algorithm: KeyAlgorithm, now: datetime) -> None:
        key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
        name = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"labourflow {TEST_MARK}"),
                x509.NameAttribute(NameOID.COMMON_NAME, ROOT_COMMON_NAME),
            ]
        )
        ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - _CLOCK_SKEW)
            .not_valid_after(now + ROOT_VALIDITY)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=False,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(ski, critical=False)
            .sign(key, hashes.SHA256())
        )
        _write_private(self.folder / "ca-key.pem", _pkcs8(key))
        _write_private(self.folder / "p12-passphrase.txt", (secrets.token_urlsafe(18) + "\n").encode())
        _write_atomic(self.root_certificate_path, cert.public_bytes(serialization.Encoding.PEM))
        _write_atomic(self.folder / "ca.crt", cert.public_bytes(serialization.Encoding.DER))
        self._write_index({"crl_url": crl_url, "crl_number": 0, "key_algorithm": key_algorithm.value, "certificates": []})
        self._publish_crl(now)

    # ---- organisations -----------------------------------------------------------------------

    def ensure_organisation(self, org_code: str, org_name: str, *, now: datetime | None = None) -> OrgCertificate:
        """The organisation's current certificate, issuing one when it has none that fits.

        A new one is issued when the organisation has no unrevoked certificate, when its name or
        the CRL URL changed, or when the newest expires within `RENEW_BEFORE`.
        """
        now = now or _now()
        with self._locked():
            index = self._index()
            current = self._current(index, org_code)
            if (
                current is not None
                and current.org_name == org_name
                and current.crl_url == index["crl_url"]
                and current.not_after - RENEW_BEFORE > now
            ):
                return current
            return self._issue(index, org_code, org_name, now)

    def issue(self, org_code: str, org_name: str, *, now: datetime | None = None) -> OrgCertificate:
        """Issue a new certificate for the organisation (rotation); earlier ones stay valid until revoked."""
        with self._locked():
            return self._issue(self._index(), org_code, org_name, now or _now())

    def certificates(self, org_code: str | None = None) -> list[OrgCertificate]:
        """Every certificate issued (to `org_code` if given), oldest first."""
        return [c for c in _certificates(self.folder, self._index()) if org_code is None or c.org_code == org_code]

    def current(self, org_code: str) -> OrgCertificate | None:
        """The organisation's newest unrevoked certificate: the one new signatures use."""
        return self._current(self._index(), org_code)

    def key_config(self, org_code: str) -> Pkcs12KeyConfig:
        """Where `keys.open_signer` finds the organisation's current key."""
        current = self.current(org_code)
        if current is None:
            raise LookupError(f"the development CA has no valid certificate for {org_code!r}")
        return Pkcs12KeyConfig(path=current.pkcs12_path, passphrase=self.passphrase)

    def _current(self, index: dict[str, Any], org_code: str) -> OrgCertificate | None:
        valid = [c for c in _certificates(self.folder, index) if c.org_code == org_code and not c.revoked]
        return valid[-1] if valid else None  # the index keeps issue order: the last one is the newest

    def _issue(self, index: dict[str, Any], org_code: str, org_name: str, now: datetime) -> OrgCertificate:
        if not org_code or not org_code.replace("-", "").replace("_", "").isalnum() or not org_code.isascii():
            raise ValueError(f"organisation code must be ASCII letters, digits, '-' or '_': {org_code!r}")
        ca_key, ca_cert = self._root_key(), self.root_certificate()
        key = _new_key(KeyAlgorithm(index["key_algorithm"]))
        crl_url = str(index["crl_url"])
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                # X.520 bounds names to 64 characters; the seal prints the whole name, the certificate a cut.
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, _cut(org_name, _NAME_MAX)),
                x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, f"labourflow 测试证书 {TEST_MARK}"),
                # Organisation identifier (X.520 2.5.4.97): the code the product knows the organisation by.
                x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, org_code),
                x509.NameAttribute(NameOID.COMMON_NAME, f"{_cut(org_name, _NAME_MAX - len(TEST_MARK) - 1)} {TEST_MARK}"),
            ]
        )
        serial = x509.random_serial_number()
        cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(ca_cert.subject)
            .public_key(key.public_key())
            .serial_number(serial)
            .not_valid_before(now - _CLOCK_SKEW)
            .not_valid_after(min(now + ORG_VALIDITY, ca_cert.not_valid_after_utc))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                # Non-repudiation (content commitment) is what pyHanko's validator asks of a document
                # signer by default; digital signature is what NSS (pdfsig, Firefox) looks for.
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            # No extended key usage on purpose: NSS accepts a document signer without one, but with one
            # it insists on emailProtection, which would be misleading here.
            .add_extension(
                x509.CRLDistributionPoints(
                    [
                        x509.DistributionPoint(
                            full_name=[x509.UniformResourceIdentifier(crl_url)], relative_name=None, reasons=None, crl_issuer=None
                        )
                    ]
                ),
                critical=False,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        folder = self.folder / "orgs" / org_code
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{serial:x}"
        cert_path, p12_path = folder / f"{name}.pem", folder / f"{name}.p12"
        p12 = pkcs12.serialize_key_and_certificates(
            name=f"{org_code}-{name}".encode(),
            key=key,
            cert=cert,
            cas=[ca_cert],
            encryption_algorithm=serialization.BestAvailableEncryption(self.passphrase.encode()),
        )
        _write_private(p12_path, p12)
        _write_atomic(cert_path, cert.public_bytes(serialization.Encoding.PEM))
        entry = {
            "org_code": org_code,
            "org_name": org_name,
            "serial": str(serial),  # JSON numbers lose precision above 2**53 in many readers
            "not_before": cert.not_valid_before_utc.isoformat(),
            "not_after": cert.not_valid_after_utc.isoformat(),
            "crl_url": crl_url,
            "certificate": str(cert_path.relative_to(self.folder)),
            "pkcs12": str(p12_path.relative_to(self.folder)),
            "revoked_at": None,
            "revocation_reason": None,
        }
        index["certificates"].append(entry)
        self._write_index(index)
        return _certificate(self.folder, entry)

    # ---- revocation --------------------------------------------------------------------------

    def revoke(
        self,
        serial: int,
        *,
        reason: x509.ReasonFlags = x509.ReasonFlags.superseded,
        now: datetime | None = None,
    ) -> OrgCertificate:
        """Revoke a certificate by serial number and republish the CRL; revoking twice changes nothing."""
        now = now or _now()
        with self._locked():
            index = self._index()
            for entry in index["certificates"]:
                if int(entry["serial"]) == serial:
                    if entry["revoked_at"] is None:
                        entry["revoked_at"] = now.replace(microsecond=0).isoformat()  # CRL times have whole seconds
                        entry["revocation_reason"] = reason.value
                        self._write_index(index)
                        self._publish_crl(now)
                    return _certificate(self.folder, entry)
        raise LookupError(f"the development CA issued no certificate with serial {serial:x}")

    def publish_crl(self, *, now: datetime | None = None) -> Path:
        """Sign and write a fresh CRL (DER) listing every revoked certificate; returns its path."""
        with self._locked():
            return self._publish_crl(now or _now())

    def _publish_crl(self, now: datetime) -> Path:
        index = self._index()
        index["crl_number"] = int(index["crl_number"]) + 1
        ca_key, ca_cert = self._root_key(), self.root_certificate()
        this_update = now.replace(microsecond=0)
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(ca_cert.subject)
            .last_update(this_update)
            .next_update(this_update + CRL_VALIDITY)
            .add_extension(x509.CRLNumber(index["crl_number"]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        )
        for entry in index["certificates"]:
            if entry["revoked_at"] is None:
                continue
            revoked = (
                x509.RevokedCertificateBuilder()
                .serial_number(int(entry["serial"]))
                .revocation_date(datetime.fromisoformat(entry["revoked_at"]))
                .add_extension(x509.CRLReason(x509.ReasonFlags(entry["revocation_reason"])), critical=False)
                .build()
            )
            builder = builder.add_revoked_certificate(revoked)
        crl = builder.sign(ca_key, hashes.SHA256())
        _write_atomic(self.crl_path, crl.public_bytes(serialization.Encoding.DER))
        self._write_index(index)
        return self.crl_path

    def _crl_due(self, now: datetime) -> bool:
        if not self.crl_path.exists():
            return True
        crl = x509.load_der_x509_crl(self.crl_path.read_bytes())
        next_update = crl.next_update_utc
        return next_update is None or next_update - now < CRL_VALIDITY / 2

    # ---- storage -----------------------------------------------------------------------------

    def _root_key(self) -> _PrivateKey:
        key = serialization.load_pem_private_key((self.folder / "ca-key.pem").read_bytes(), password=None)
        if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
            raise TypeError("the development CA key must be RSA or EC")
        return key

    def _index(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.folder / "ca.json").read_text(encoding="utf-8"))
        return data

    def _write_index(self, index: dict[str, Any]) -> None:
        _write_atomic(self.folder / "ca.json", json.dumps(index, ensure_ascii=False, indent=2).encode())

    @contextmanager
    def _locked(self) -> Iterator[None]:
        # One writer at a time across processes: the web app and the worker both ensure the CA at start.
        with open(self.folder / ".lock", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_dev_pki(folder: Path | str, *, public_url: str, organisations: dict[str, str]) -> DevCertificateAuthority:
    """What `make run` needs: the CA (CRL at `{public_url}/pki/dev-ca.crl`) and a certificate per organisation code → name."""
    ca = DevCertificateAuthority.ensure(folder, crl_url=f"{public_url.rstrip('/')}/pki/{CRL_FILE}")
    for code, name in organisations.items():
        ca.ensure_organisation(code, name)
    return ca


def _certificates(folder: Path, index: dict[str, Any]) -> list[OrgCertificate]:
    return [_certificate(folder, entry) for entry in index["certificates"]]


def _certificate(base: Path, entry: dict[str, Any]) -> OrgCertificate:
    revoked_at = entry["revoked_at"]
    return OrgCertificate(
        org_code=entry["org_code"],
        org_name=entry["org_name"],
        serial=int(entry["serial"]),
        not_before=datetime.fromisoformat(entry["not_before"]),
        not_after=datetime.fromisoformat(entry["not_after"]),
        crl_url=entry["crl_url"],
        certificate_path=base / entry["certificate"],
        pkcs12_path=base / entry["pkcs12"],
        revoked_at=datetime.fromisoformat(revoked_at) if revoked_at else None,
        revocation_reason=entry["revocation_reason"],
    )


def _cut(text: str, max_bytes: int) -> str:
    """`text` cut to at most `max_bytes` of UTF-8, on a character boundary."""
    return text.encode()[:max_bytes].decode(errors="ignore")


def _new_key(algorithm: KeyAlgorithm) -> _PrivateKey:
    if algorithm is KeyAlgorithm.ECDSA_P256:
        return ec.generate_private_key(ec.SECP256R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _pkcs8(key: _PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def _now() -> datetime:
    return datetime.now(UTC)


def _write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    # Readers in other processes see the whole old file or the whole new one, never half.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_private(path: Path, data: bytes) -> None:
    _write_atomic(path, data, mode=0o600)
