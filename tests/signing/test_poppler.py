"""Another implementation's view: Poppler's pdfsig (NSS) validates the signature, pdffonts still sees embedded CJK fonts."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from pyhanko.sign.signers import SimpleSigner

from infrastructure.signing.ca import DevCertificateAuthority
from infrastructure.signing.sign import sign_pdf
from tests.signing.conftest import UNION

pytestmark = pytest.mark.skipif(shutil.which("pdfsig") is None, reason="Poppler's pdfsig is missing (Debian: poppler-utils)")


def run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, timeout=60, check=False).stdout


@pytest.fixture
def signed_file(tmp_path: Path, unsigned_pdf: bytes, union_signer: SimpleSigner, now: datetime) -> Path:
    path = tmp_path / "signed.pdf"
    path.write_bytes(sign_pdf(unsigned_pdf, union_signer, org_name=UNION[1], document_no="海工调〔2026〕第17号", signing_time=now))
    return path


@pytest.fixture
def nss_db(tmp_path: Path, dev_ca: DevCertificateAuthority) -> str:
    """An NSS certificate database trusting the development root for signatures (what pdfsig reads)."""
    if shutil.which("certutil") is None:
        pytest.skip("NSS certutil is missing (Debian: libnss3-tools)")
    folder = tmp_path / "nss"
    folder.mkdir()
    subprocess.run(["certutil", "-N", "-d", f"sql:{folder}", "--empty-password"], check=True, capture_output=True)
    # Trust flags "SSL,S/MIME,code signing": C = trusted CA; pdfsig checks the S/MIME (e-mail signer) one.
    subprocess.run(
        ["certutil", "-A", "-d", f"sql:{folder}", "-n", "labourflow-dev-ca", "-t", "C,C,", "-i", str(dev_ca.root_certificate_path)],
        check=True,
        capture_output=True,
    )
    return f"sql:{folder}"


def test_pdfsig_reports_a_valid_signature_from_a_trusted_certificate(signed_file: Path, nss_db: str) -> None:
    out = run("pdfsig", "-nssdir", nss_db, str(signed_file))

    assert "Signature Validation: Signature is Valid." in out, out
    assert "Certificate Validation: Certificate is Trusted." in out, out
    assert "Total document signed" in out
    assert "Signature Type: ETSI.CAdES.detached" in out  # PAdES
    assert f"Signer Certificate Common Name: {UNION[1]} (TEST ONLY)" in out


def test_pdfsig_without_the_ca_sees_a_valid_signature_from_an_untrusted_issuer(signed_file: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty-nss"
    empty.mkdir()
    subprocess.run(["certutil", "-N", "-d", f"sql:{empty}", "--empty-password"], check=True, capture_output=True)
    out = run("pdfsig", "-nssdir", f"sql:{empty}", str(signed_file))
    assert "Signature Validation: Signature is Valid." in out, out
    assert "Certificate issuer isn't Trusted" in out, out


def test_pdfsig_rejects_a_changed_byte(signed_file: Path, unsigned_pdf: bytes, nss_db: str) -> None:
    data = signed_file.read_bytes()
    offset = unsigned_pdf.index(b"stream\n", len(unsigned_pdf) // 3) + 40
    signed_file.write_bytes(data[:offset] + bytes([data[offset] ^ 1]) + data[offset + 1 :])

    out = run("pdfsig", "-nssdir", nss_db, str(signed_file))

    assert "Signature Validation: Digest Mismatch." in out or "Signature is Invalid" in out, out


def test_pdffonts_lists_embedded_cjk_fonts_for_the_page_and_the_seal(signed_file: Path) -> None:
    lines = run("pdffonts", str(signed_file)).splitlines()[2:]
    fonts = [line.split() for line in lines if line.strip()]

    assert len(fonts) >= 2, lines
    assert all("CJK" in f[0] or "CJKsc" in f[0] for f in fonts), lines
    # Columns after the name and type: encoding, emb, sub, uni. Every font embedded, subset, with a ToUnicode map.
    assert all(f[-5:-2] == ["yes", "yes", "yes"] for f in fonts), lines
    assert any(f[0].split("+")[1].startswith("NotoSansCJKsc") for f in fonts), lines  # the seal's face
