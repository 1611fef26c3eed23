"""The development CA: idempotent, clearly TEST, signing key usage, CRL distribution point, revocation, rotation."""

from __future__ import annotations

import stat
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from infrastructure.signing.ca import CRL_VALIDITY, ROOT_COMMON_NAME, DevCertificateAuthority, KeyAlgorithm, ensure_dev_pki
from infrastructure.signing.keys import KeyLoadError, Pkcs12KeyConfig, load_pkcs12_signer
from tests.signing.conftest import CRL_URL, UNION


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() and p.name != ".lock"}


def test_ensure_is_idempotent(tmp_path: Path) -> None:
    first = ensure_dev_pki(tmp_path / "pki", public_url="http://127.0.0.1:8000/", organisations=dict([UNION]))
    files = _snapshot(first.folder)
    again = ensure_dev_pki(tmp_path / "pki", public_url="http://127.0.0.1:8000", organisations=dict([UNION]))

    assert _snapshot(again.folder) == files  # nothing reissued, nothing rewritten (not even the CRL)
    assert again.crl_url == CRL_URL
    assert len(again.certificates(UNION[0])) == 1


def test_certificates_are_named_test_and_made_for_signing(dev_ca: DevCertificateAuthority) -> None:
    root = dev_ca.root_certificate()
    assert root.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == ROOT_COMMON_NAME == "labourflow 测试 CA (TEST ONLY)"
    assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca

    current = dev_ca.current(UNION[0])
    assert current is not None
    cert = current.certificate()
    assert cert.issuer == root.subject
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == f"{UNION[1]} (TEST ONLY)"
    assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == UNION[1]
    assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_IDENTIFIER)[0].value == UNION[0]
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical and usage.value.digital_signature and usage.value.content_commitment
    assert not usage.value.key_cert_sign and not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    (point,) = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    assert [name.value for name in point.full_name or []] == [CRL_URL]


def test_keys_are_kept_private_and_the_pkcs12_needs_its_passphrase(dev_ca: DevCertificateAuthority) -> None:
    current = dev_ca.current(UNION[0])
    assert current is not None
    for path in (dev_ca.folder / "ca-key.pem", dev_ca.folder / "p12-passphrase.txt", current.pkcs12_path):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    signer = load_pkcs12_signer(dev_ca.key_config(UNION[0]))
    assert signer.signing_cert is not None and signer.signing_cert.serial_number == current.serial
    with pytest.raises(KeyLoadError, match="wrong passphrase"):
        load_pkcs12_signer(Pkcs12KeyConfig(path=current.pkcs12_path, passphrase="not-it"))
    with pytest.raises(KeyLoadError, match="cannot read"):
        load_pkcs12_signer(Pkcs12KeyConfig(path=dev_ca.folder / "missing.p12"))


def test_revocation_publishes_a_signed_crl(fresh_ca: DevCertificateAuthority) -> None:
    before = x509.load_der_x509_crl(fresh_ca.crl())
    current = fresh_ca.current(UNION[0])
    assert current is not None and len(before) == 0

    revoked = fresh_ca.revoke(current.serial, reason=x509.ReasonFlags.key_compromise)
    assert fresh_ca.revoke(current.serial) == revoked  # twice changes nothing

    crl = x509.load_der_x509_crl(fresh_ca.crl())
    root_key = fresh_ca.root_certificate().public_key()
    assert isinstance(root_key, rsa.RSAPublicKey) and crl.is_signature_valid(root_key)
    entry = crl.get_revoked_certificate_by_serial_number(current.serial)
    assert entry is not None
    assert entry.extensions.get_extension_for_class(x509.CRLReason).value.reason is x509.ReasonFlags.key_compromise
    number = crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
    assert number > before.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
    assert crl.next_update_utc is not None and crl.next_update_utc - crl.last_update_utc == CRL_VALIDITY
    assert revoked.revoked and fresh_ca.current(UNION[0]) is None
    with pytest.raises(LookupError):
        fresh_ca.key_config(UNION[0])
    with pytest.raises(LookupError):
        fresh_ca.revoke(12345)

    # An organisation without a valid certificate gets a new one on the next ensure.
    assert fresh_ca.ensure_organisation(*UNION).serial != current.serial


def test_rotation_and_changes_that_call_for_a_new_certificate(fresh_ca: DevCertificateAuthority) -> None:
    first = fresh_ca.current(UNION[0])
    assert first is not None
    assert fresh_ca.ensure_organisation(*UNION) == first

    renamed = fresh_ca.ensure_organisation(UNION[0], "北京市海淀区总工会（新）")  # the organisation's name changed
    assert renamed.serial != first.serial and renamed.org_name.endswith("（新）")

    moved = DevCertificateAuthority.ensure(fresh_ca.folder, crl_url="https://labourflow.example/pki/dev-ca.crl")
    reissued = moved.ensure_organisation(UNION[0], "北京市海淀区总工会（新）")  # the public URL changed
    assert reissued.crl_url == "https://labourflow.example/pki/dev-ca.crl" != renamed.crl_url

    expiring = moved.ensure_organisation(UNION[0], reissued.org_name, now=reissued.not_after - timedelta(days=10))
    assert expiring.serial != reissued.serial  # renewed before it expires

    # Every earlier certificate is still listed and unrevoked: rotation never revokes by itself.
    assert [c.serial for c in moved.certificates(UNION[0])] == [first.serial, renamed.serial, reissued.serial, expiring.serial]
    assert not any(c.revoked for c in moved.certificates(UNION[0]))


def test_the_crl_is_republished_when_half_its_validity_has_passed(fresh_ca: DevCertificateAuthority) -> None:
    before = fresh_ca.crl()
    DevCertificateAuthority.ensure(fresh_ca.folder, crl_url=CRL_URL, now=datetime.now(UTC) + CRL_VALIDITY / 2 + timedelta(hours=1))
    assert fresh_ca.crl() != before


def test_concurrent_ensures_issue_one_certificate(tmp_path: Path) -> None:
    ca = DevCertificateAuthority.ensure(tmp_path / "pki", crl_url=CRL_URL)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: ca.ensure_organisation(*UNION), range(8)))
    assert len({r.serial for r in results}) == 1
    assert len(ca.certificates()) == 1


def test_ecdsa_keys_and_bad_codes(tmp_path: Path) -> None:
    ca = DevCertificateAuthority.ensure(tmp_path / "pki", crl_url=CRL_URL, key_algorithm=KeyAlgorithm.ECDSA_P256)
    cert = ca.ensure_organisation(*UNION).certificate()
    public_key = cert.public_key()
    assert isinstance(public_key, ec.EllipticCurvePublicKey) and public_key.key_size == 256
    with pytest.raises(ValueError, match="organisation code"):
        ca.ensure_organisation("../etc", "坏")
