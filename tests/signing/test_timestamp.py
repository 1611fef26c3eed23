"""PAdES B-T: an RFC 3161 timestamp from a time-stamping authority, fetched over HTTP by pyHanko."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from pathlib import Path

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.signers import SimpleSigner

from infrastructure.signing.ca import DevCertificateAuthority
from infrastructure.signing.sign import sign_pdf
from infrastructure.signing.verify import VerificationStatus, verify_pdf
from tests.signing.conftest import UNION, LocalTsa


def test_with_a_tsa_the_signature_carries_a_trusted_timestamp(
    unsigned_pdf: bytes, union_signer: SimpleSigner, dev_ca: DevCertificateAuthority, local_tsa: LocalTsa, now: datetime
) -> None:
    before = local_tsa.requests
    signed = sign_pdf(unsigned_pdf, union_signer, org_name=UNION[1], document_no="T-1", signing_time=now, tsa_url=local_tsa.url)

    assert local_tsa.requests > before  # really went over HTTP (pyHanko also asks once to size the reservation)
    assert signed.startswith(unsigned_pdf)
    (embedded,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    unsigned_attrs = embedded.signer_info["unsigned_attrs"]
    assert "signature_time_stamp_token" in {attr["type"].native for attr in unsigned_attrs}  # what makes it B-T

    result = verify_pdf(signed, [dev_ca.root_certificate(), local_tsa.root], [dev_ca.crl()])
    assert result.status is VerificationStatus.GENUINE, result.signatures
    report = result.deciding
    assert report is not None and report.timestamp_time is not None
    assert abs(report.timestamp_time - datetime.now(report.timestamp_time.tzinfo)) < timedelta(minutes=1)
    assert result.signing_time == report.timestamp_time  # the TSA's time is preferred over the claim
    assert "时间戳" in result.message_zh and "time-stamping authority" in result.message_en


def test_a_timestamp_from_an_untrusted_tsa_is_not_genuine(
    unsigned_pdf: bytes, union_signer: SimpleSigner, dev_ca: DevCertificateAuthority, local_tsa: LocalTsa, now: datetime
) -> None:
    signed = sign_pdf(unsigned_pdf, union_signer, org_name=UNION[1], document_no="T-2", signing_time=now, tsa_url=local_tsa.url)

    result = verify_pdf(signed, [dev_ca.root_certificate()], [dev_ca.crl()])  # the TSA's root is not trusted

    assert result.status is VerificationStatus.UNVERIFIABLE, result.signatures
    assert result.signatures[0].problem == "timestamp_untrusted"
    assert "时间戳" in result.message_zh and "timestamp" in result.message_en


def test_the_tsa_setting_makes_issued_documents_b_t_and_the_service_trusts_the_configured_tsa_root(
    unsigned_pdf: bytes, local_tsa: LocalTsa, now: datetime, tmp_path: Path
) -> None:
    """`LABOURFLOW_TSA_URL` and the TSA's root in `LABOURFLOW_SIGNING_TRUST_ROOTS`: what issuing and the verification page use."""
    from cryptography.hazmat.primitives.serialization import Encoding

    from infrastructure.documents.sealing import Issuer, sign_issued
    from infrastructure.signing import keystore
    from tests.conftest import make_settings

    root = tmp_path / "tsa-root.pem"
    root.write_bytes(local_tsa.root.public_bytes(Encoding.PEM))
    settings = make_settings(tmp_path, tsa_url=local_tsa.url, signing_trust_roots=[root])
    signed = sign_issued(settings, Issuer(*UNION), unsigned_pdf, document_no="T-9", signing_time=now, qr_url=None)

    trust = keystore.trust(settings)
    result = verify_pdf(signed.pdf, trust.roots, trust.crls)
    assert result.status is VerificationStatus.GENUINE, result.signatures
    assert result.deciding is not None and result.deciding.timestamp_time is not None
