"""A key on a PKCS#11 token (SoftHSM2 standing in for a hardware key or HSM) signs through pyHanko's PKCS#11 support."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from infrastructure.signing.ca import DevCertificateAuthority, KeyAlgorithm
from infrastructure.signing.keys import KeyLoadError, Pkcs11KeyConfig, open_signer
from infrastructure.signing.sign import sign_pdf
from infrastructure.signing.verify import VerificationStatus, verify_pdf
from tests.signing.conftest import CRL_URL, UNION

SOFTHSM_MODULES = ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so")
MODULE = next((m for m in SOFTHSM_MODULES if Path(m).exists()), None)
TOKEN, PIN, SO_PIN = "labourflow-test", "123456", "65432100"

pytestmark = pytest.mark.skipif(MODULE is None or shutil.which("softhsm2-util") is None, reason="SoftHSM2 is missing (Debian: softhsm2)")


@dataclass(frozen=True)
class Token:
    module: Path
    ca: DevCertificateAuthority
    cert_file: Path  # the RSA key's certificate, also stored on the token


@pytest.fixture(scope="module")
def token(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Token]:
    """A SoftHSM token with two keys from the development CA: RSA (certificate on the token too) and ECDSA (key only)."""
    assert MODULE is not None
    base = tmp_path_factory.mktemp("softhsm")
    (base / "tokens").mkdir()
    conf = base / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {base / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    # SoftHSM reads its configuration when the module is initialised: before python-pkcs11 loads it in this process.
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    util = ["softhsm2-util"]
    subprocess.run([*util, "--init-token", "--free", "--label", TOKEN, "--pin", PIN, "--so-pin", SO_PIN], check=True, capture_output=True)

    rsa_ca = DevCertificateAuthority.ensure(base / "pki", crl_url=CRL_URL)
    ec_ca = DevCertificateAuthority.ensure(base / "pki-ec", crl_url=CRL_URL, key_algorithm=KeyAlgorithm.ECDSA_P256)
    cert_file = base / "seal-rsa.pem"
    for ca, label, key_id in ((rsa_ca, "seal-rsa", "01"), (ec_ca, "seal-ec", "02")):
        issued = ca.ensure_organisation(*UNION)
        key, cert, _ = pkcs12.load_key_and_certificates(issued.pkcs12_path.read_bytes(), ca.passphrase.encode())
        assert key is not None and cert is not None
        pem = base / f"{label}.key.pem"
        pem.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        subprocess.run(
            [*util, "--import", str(pem), "--token", TOKEN, "--label", label, "--id", key_id, "--pin", PIN], check=True, capture_output=True
        )
        pem.unlink()  # from here on the key exists only in the token
        (base / f"{label}.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        if label == "seal-rsa":
            _store_certificate(MODULE, cert.public_bytes(serialization.Encoding.DER), label, bytes.fromhex(key_id))
    yield Token(Path(MODULE), rsa_ca, cert_file)
    if previous is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = previous


def _store_certificate(module: str, der: bytes, label: str, key_id: bytes) -> None:
    """Put a certificate object on the token next to its key, as a CA's enrolment tool would."""
    import pkcs11
    from pkcs11.util.x509 import decode_x509_certificate

    token = pkcs11.lib(module).get_token(token_label=TOKEN)
    with token.open(rw=True, user_pin=PIN) as session:
        attrs = decode_x509_certificate(der)
        attrs.update({pkcs11.Attribute.TOKEN: True, pkcs11.Attribute.LABEL: label, pkcs11.Attribute.ID: key_id})
        session.create_object(attrs)


def test_a_token_key_with_its_certificate_on_the_token_signs(token: Token, unsigned_pdf: bytes, now: datetime) -> None:
    config = Pkcs11KeyConfig(module=token.module, token_label=TOKEN, key_label="seal-rsa", pin=PIN)
    with open_signer(config) as signer:
        signed = sign_pdf(unsigned_pdf, signer, org_name=UNION[1], document_no="P11-1", signing_time=now)

    result = verify_pdf(signed, [token.ca.root_certificate()], [token.ca.crl()])
    assert result.status is VerificationStatus.GENUINE, result.signatures
    assert result.org_name == UNION[1]


def test_a_token_holding_only_the_key_signs_with_the_certificate_from_a_file(token: Token, unsigned_pdf: bytes, now: datetime) -> None:
    ec_ca = DevCertificateAuthority(token.cert_file.parent / "pki-ec")
    config = Pkcs11KeyConfig(
        module=token.module,
        token_label=TOKEN,
        key_label="seal-ec",
        pin=PIN,
        certificate=token.cert_file.parent / "seal-ec.pem",
        chain=(ec_ca.root_certificate_path,),
        raw_ecdsa=True,  # SoftHSM 2.6 has CKM_ECDSA but not CKM_ECDSA_SHA256
    )
    with open_signer(config) as signer:
        signed = sign_pdf(unsigned_pdf, signer, org_name=UNION[1], document_no="P11-2", signing_time=now)

    assert verify_pdf(signed, [ec_ca.root_certificate()], [ec_ca.crl()]).status is VerificationStatus.GENUINE


def test_a_wrong_label_or_pin_fails_when_opening_not_when_signing(token: Token) -> None:
    with (
        pytest.raises(KeyLoadError, match="no-such-key"),
        open_signer(Pkcs11KeyConfig(module=token.module, token_label=TOKEN, key_label="no-such-key", pin=PIN)),
    ):
        pass
    with (
        pytest.raises(KeyLoadError, match="PKCS#11"),
        open_signer(Pkcs11KeyConfig(module=token.module, token_label=TOKEN, key_label="seal-rsa", pin="000000")),
    ):
        pass
    # The PIN never appears in the configuration's text (logs, error pages).
    assert PIN not in repr(Pkcs11KeyConfig(module=token.module, token_label=TOKEN, key_label="k", pin=PIN))


def test_production_settings_name_a_token_and_documents_are_signed_and_verified_with_it(
    token: Token, unsigned_pdf: bytes, now: datetime, tmp_path: Path
) -> None:
    """The whole production path: `LABOURFLOW_SIGNING_KEYS` names the token, the worker opens it once
    and keeps it, the issued document verifies against the configured root and CRL files."""
    from infrastructure.documents.sealing import Issuer, sign_issued
    from infrastructure.settings import Environment
    from infrastructure.signing import keystore
    from tests.conftest import make_settings

    crl = tmp_path / "ca.crl"
    crl.write_bytes(token.ca.crl())
    settings = make_settings(
        tmp_path,
        env=Environment.production,
        signing_keys={UNION[0]: {"kind": "pkcs11", "module": str(token.module), "token_label": TOKEN, "key_label": "seal-rsa", "pin": PIN}},
        signing_trust_roots=[token.ca.root_certificate_path],
        signing_crls=[crl],
    )
    issuer = Issuer(*UNION)
    assert keystore.signer_for(settings, *UNION) is keystore.signer_for(settings, *UNION)  # one login per process
    signed = sign_issued(settings, issuer, unsigned_pdf, document_no="P11-3", signing_time=now, qr_url="https://example.cn/verify/x?c=0")

    trust = keystore.trust(settings)
    assert len(trust.roots) == 1  # production: only the configured roots, no development CA
    result = verify_pdf(signed.pdf, trust.roots, trust.crls)
    assert result.status is VerificationStatus.GENUINE, result.signatures
    assert result.org_name == UNION[1]
