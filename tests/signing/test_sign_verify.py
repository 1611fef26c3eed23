"""Signing a real WeasyPrint PDF and the distinct answers verification gives (issue 20)."""

from __future__ import annotations

import hashlib
import io
import re
import statistics
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pyhanko.keys.internal import translate_pyca_cryptography_cert_to_asn1
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.signers import SimpleSigner
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from infrastructure.signing import sign as signing
from infrastructure.signing.ca import DevCertificateAuthority
from infrastructure.signing.keys import load_pkcs12_signer
from infrastructure.signing.sign import SealBox, sign_pdf
from infrastructure.signing.verify import Verification, VerificationStatus, unsigned_original, verify_pdf
from tests.signing.conftest import CENTRE, UNION, render_document


def sign(pdf: bytes, signer: SimpleSigner, when: datetime, *, seal: SealBox | None = SealBox()) -> bytes:
    return sign_pdf(pdf, signer, org_name=UNION[1], document_no="海工调〔2026〕第17号", signing_time=when, seal=seal)


def verify(pdf: bytes, ca: DevCertificateAuthority, *, at: datetime | None = None) -> Verification:
    return verify_pdf(pdf, [ca.root_certificate()], [ca.crl()], at=at)


def test_signed_pdf_is_genuine_and_keeps_the_unsigned_render_as_prefix(
    unsigned_pdf: bytes, union_signer: SimpleSigner, dev_ca: DevCertificateAuthority, now: datetime
) -> None:
    signed = sign(unsigned_pdf, union_signer, now)

    assert signed.startswith(unsigned_pdf)  # the stored content hash still names the unsigned render
    result = verify(signed, dev_ca)
    assert result.status is VerificationStatus.GENUINE and result.genuine
    assert result.org_name == UNION[1]
    assert result.deciding is not None and result.deciding.org_code == UNION[0]
    assert result.signing_time == now
    assert result.revocation_checked
    assert result.deciding.test_certificate
    assert result.message_zh.startswith("文件真实") and UNION[1] in result.message_zh and "测试证书" in result.message_zh
    assert result.message_en.startswith("Genuine and unaltered")
    assert result.message.index(result.message_zh) < result.message.index(result.message_en)
    # The verifier can name the unsigned render the document store hashed.
    assert result.unsigned_sha256 == hashlib.sha256(unsigned_pdf).hexdigest()
    assert unsigned_original(signed) == unsigned_pdf


def test_pyhanko_validator_accepts_it_against_the_dev_ca(
    unsigned_pdf: bytes, union_signer: SimpleSigner, dev_ca: DevCertificateAuthority, now: datetime
) -> None:
    """pyHanko's own validator, not through verify_pdf: PAdES, whole file covered, trusted, CRL checked strictly."""
    signed = sign(unsigned_pdf, union_signer, now)
    reader = PdfFileReader(io.BytesIO(signed))
    (embedded,) = reader.embedded_signatures
    context = ValidationContext(
        trust_roots=[translate_pyca_cryptography_cert_to_asn1(dev_ca.root_certificate())], crls=[dev_ca.crl()], revocation_mode="hard-fail"
    )
    status = validate_pdf_signature(embedded, context)

    assert status.bottom_line, status.summary()
    assert status.trusted and status.intact and status.valid and not status.revoked
    assert status.coverage is SignatureCoverageLevel.ENTIRE_FILE
    assert embedded.sig_object["/SubFilter"] == SigSeedSubFilter.PADES.value  # /ETSI.CAdES.detached
    assert status.signer_reported_dt == now
    # PAdES B-B: the signing certificate is bound by a signed attribute (ESS signing-certificate-v2).
    signed_attrs = embedded.signer_info["signed_attrs"]
    assert "signing_certificate_v2" in {attr["type"].native for attr in signed_attrs}


def _flip(data: bytes, offset: int) -> bytes:
    return data[:offset] + bytes([data[offset] ^ 0x01]) + data[offset + 1 :]


def _replace_hex_digit(data: bytes, offset: int) -> bytes:
    return data[:offset] + (b"1" if data[offset : offset + 1] == b"0" else b"0") + data[offset + 1 :]


@pytest.mark.parametrize("where", ["original content stream", "seal appearance", "signing time", "signature value"])
def test_a_changed_byte_in_the_signed_file_reports_altered(
    where: str, unsigned_pdf: bytes, union_signer: SimpleSigner, dev_ca: DevCertificateAuthority, now: datetime
) -> None:
    signed = sign(unsigned_pdf, union_signer, now)
    match where:
        case "original content stream":
            offset = unsigned_pdf.index(b"stream\n", len(unsigned_pdf) // 3) + 40  # inside the rendered page's compressed data
        case "seal appearance":
            offset = signed.index(b"stream", len(unsigned_pdf)) + 20  # first stream of the signature's update
        case "signing time":
            offset = signed.index(b"/M (D", len(unsigned_pdf)) + 12  # /M (D:20261125083005Z): a digit of the year
        case _:
            # The RSA signature value itself, as hex in /Contents (not the embedded certificates: CMS
            # does not sign those, and the validator takes the CA's from the trust roots anyway).
            (embedded,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
            offset = signed.lower().index(embedded.signer_info["signature"].native.hex().encode()) + 10
    tampered = _replace_hex_digit(signed, offset) if where == "signature value" else _flip(signed, offset)

    result = verify(tampered, dev_ca)

    assert result.status is VerificationStatus.ALTERED, (where, result.signatures)
    assert result.message_zh.startswith("文件在签章后被改动")


def test_content_added_after_signing_reports_altered(
    unsigned_pdf: bytes, union_signer: SimpleSigner, dev_ca: DevCertificateAuthority, now: datetime
) -> None:
    """An incremental update that draws on the page: the signed bytes are intact, the document is not."""
    signed = sign(unsigned_pdf, union_signer, now)
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    extra = writer.add_object(generic.StreamObject(stream_data=b"BT /F1 12 Tf 100 700 Td (paid in full) Tj ET"))
    contents = page["/Contents"]
    page["/Contents"] = generic.ArrayObject([*(contents if isinstance(contents, generic.ArrayObject) else [contents]), extra])
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]

    result = verify(out.getvalue(), dev_ca)

    assert result.status is VerificationStatus.ALTERED
    assert "ENTIRE_REVISION" in result.signatures[0].detail


@pytest.mark.parametrize("foreign", ["same-named CA", "our document, other roots"])
def test_another_cas_key_reports_unknown_signer(
    foreign: str, tmp_path: Path, unsigned_pdf: bytes, union_signer: SimpleSigner, dev_ca: DevCertificateAuthority, now: datetime
) -> None:
    # A forger's CA may copy our root's name and our organisation's name: only the keys differ.
    other = DevCertificateAuthority.ensure(tmp_path / "other", crl_url="http://forger.example/crl")
    other.ensure_organisation(*UNION)
    if foreign == "same-named CA":
        signed = sign(unsigned_pdf, load_pkcs12_signer(other.key_config(UNION[0])), now)
        result = verify(signed, dev_ca)
    else:
        result = verify(sign(unsigned_pdf, union_signer, now), other)

    assert result.status is VerificationStatus.UNKNOWN_SIGNER, result.signatures
    assert result.message_zh.startswith("签章证书") and "无法确认签发者" in result.message_zh


def test_a_revoked_certificate_reports_revoked(unsigned_pdf: bytes, fresh_ca: DevCertificateAuthority, now: datetime) -> None:
    cert = fresh_ca.current(UNION[0])
    assert cert is not None
    signed = sign(unsigned_pdf, load_pkcs12_signer(fresh_ca.key_config(UNION[0])), now)
    assert verify(signed, fresh_ca).status is VerificationStatus.GENUINE

    fresh_ca.revoke(cert.serial)
    result = verify(signed, fresh_ca)

    assert result.status is VerificationStatus.REVOKED, result.signatures
    assert result.deciding is not None and result.deciding.revoked_at is not None
    assert "被吊销" in result.message_zh and "revoked" in result.message_en
    # Without the CRL nobody can know: the answer says revocation was not checked.
    unchecked = verify_pdf(signed, [fresh_ca.root_certificate()])
    assert unchecked.status is VerificationStatus.GENUINE and not unchecked.revocation_checked


def test_an_unsigned_pdf_reports_not_signed(unsigned_pdf: bytes, dev_ca: DevCertificateAuthority) -> None:
    result = verify(unsigned_pdf, dev_ca)
    assert result.status is VerificationStatus.NOT_SIGNED
    assert result.signatures == () and result.org_name is None and result.unsigned_sha256 is None
    assert unsigned_original(unsigned_pdf) is None
    assert result.message_zh == "该文件没有电子签章，无法证明其来源。"


def test_a_file_that_is_not_a_pdf_reports_unreadable(dev_ca: DevCertificateAuthority) -> None:
    assert verify(b"%PDF-1.7\nnot really", dev_ca).status is VerificationStatus.UNREADABLE
    assert verify("劳动争议调解申请书".encode(), dev_ca).status is VerificationStatus.UNREADABLE


def test_a_stale_crl_makes_the_answer_unverifiable_not_genuine(
    unsigned_pdf: bytes, union_signer: SimpleSigner, dev_ca: DevCertificateAuthority, now: datetime
) -> None:
    """Verified 40 days on with the CRL published today (valid 30 days): revocation status is unknown."""
    signed = sign(unsigned_pdf, union_signer, now)
    result = verify(signed, dev_ca, at=now + timedelta(days=40))
    assert result.status is VerificationStatus.UNVERIFIABLE, result.signatures
    assert result.deciding is not None and result.deciding.problem == "revocation_unknown"
    assert result.message_zh.startswith("暂时无法确认该签章有效：无法取得签章证书的最新吊销信息")


def test_an_expired_certificate_makes_the_answer_unverifiable(
    unsigned_pdf: bytes, union_signer: SimpleSigner, dev_ca: DevCertificateAuthority, now: datetime
) -> None:
    signed = sign(unsigned_pdf, union_signer, now)
    result = verify_pdf(signed, [dev_ca.root_certificate()], at=now + timedelta(days=800))  # certificates last 730 days
    assert result.status is VerificationStatus.UNVERIFIABLE
    assert result.deciding is not None and result.deciding.problem == "expired"
    assert "已过期" in result.message_zh and "expired" in result.message_en


def test_rotation_keeps_earlier_documents_genuine_until_the_old_certificate_is_revoked(
    unsigned_pdf: bytes, fresh_ca: DevCertificateAuthority, now: datetime
) -> None:
    old = fresh_ca.current(UNION[0])
    assert old is not None
    by_old = sign(unsigned_pdf, load_pkcs12_signer(fresh_ca.key_config(UNION[0])), now)
    new = fresh_ca.issue(*UNION)
    assert fresh_ca.current(UNION[0]) == new != old
    by_new = sign(unsigned_pdf, load_pkcs12_signer(fresh_ca.key_config(UNION[0])), now)

    assert verify(by_old, fresh_ca).status is VerificationStatus.GENUINE
    assert verify(by_new, fresh_ca).status is VerificationStatus.GENUINE
    deciding = verify(by_new, fresh_ca).deciding
    assert deciding is not None and deciding.certificate_serial == new.serial

    fresh_ca.revoke(old.serial)
    assert verify(by_old, fresh_ca).status is VerificationStatus.REVOKED
    assert verify(by_new, fresh_ca).status is VerificationStatus.GENUINE


def test_two_organisations_can_sign_one_document(
    unsigned_pdf: bytes, union_signer: SimpleSigner, dev_ca: DevCertificateAuthority, now: datetime
) -> None:
    """A second signature (e.g. the mediation centre co-issuing) is a further update; both stay valid."""
    first = sign(unsigned_pdf, union_signer, now)
    centre = load_pkcs12_signer(dev_ca.key_config(CENTRE[0]))
    second = sign_pdf(first, centre, org_name=CENTRE[1], document_no="海调〔2026〕第3号", signing_time=now, seal=SealBox(x1=60, x2=230))

    result = verify(second, dev_ca)

    assert result.status is VerificationStatus.GENUINE, result.signatures
    assert [r.org_name for r in result.signatures] == [UNION[1], CENTRE[1]]
    assert [r.field_name for r in result.signatures] == ["labourflow-seal-1", "labourflow-seal-2"]
    assert unsigned_original(second) == unsigned_pdf  # still the render, before the first signature


def test_the_seal_shows_organisation_document_number_and_beijing_time(
    tmp_path: Path, unsigned_pdf: bytes, union_signer: SimpleSigner
) -> None:
    when = datetime(2026, 11, 25, 8, 30, 5, tzinfo=UTC)  # 16:30:05 in Beijing
    path = tmp_path / "signed.pdf"
    path.write_bytes(sign(unsigned_pdf, union_signer, when))

    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout

    assert UNION[1] in text
    assert "文书编号 海工调〔2026〕第17号" in text
    assert "签章时间 2026-11-25 16:30:05 北京时间" in text
    assert "TEST ONLY" in text


def test_without_a_seal_the_signature_is_invisible_and_still_genuine(
    unsigned_pdf: bytes, union_signer: SimpleSigner, dev_ca: DevCertificateAuthority, now: datetime
) -> None:
    signed = sign(unsigned_pdf, union_signer, now, seal=None)
    assert verify(signed, dev_ca).status is VerificationStatus.GENUINE
    (embedded,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    assert [int(x) for x in embedded.sig_field["/Rect"]] == [0, 0, 0, 0]


def test_signing_refuses_a_time_without_zone_and_a_page_outside_the_document(unsigned_pdf: bytes, union_signer: SimpleSigner) -> None:
    with pytest.raises(ValueError, match="timezone"):
        sign(unsigned_pdf, union_signer, datetime(2026, 11, 25, 8, 30))
    with pytest.raises(ValueError, match="outside"):
        sign(unsigned_pdf, union_signer, datetime.now(UTC), seal=SealBox(page=3))


def test_a_reservation_that_turns_out_too_small_is_measured_afresh(
    unsigned_pdf: bytes, union_signer: SimpleSigner, dev_ca: DevCertificateAuthority, now: datetime
) -> None:
    """The container size is measured once per certificate and reused; should it no longer fit, signing still succeeds."""
    sign(unsigned_pdf, union_signer, now)
    assert union_signer.signing_cert is not None
    key = (hashlib.sha256(union_signer.signing_cert.dump()).digest(), None)
    measured = signing._RESERVED[key]
    signing._RESERVED[key] = 64
    try:
        signed = sign(unsigned_pdf, union_signer, now)
    finally:
        signing._RESERVED[key] = measured
    assert verify(signed, dev_ca).status is VerificationStatus.GENUINE


def test_signing_cost_against_the_unsigned_render(union_signer: SimpleSigner) -> None:
    """Prints the median cost of a signature (visible seal, PKCS#12 key, B-B) next to the render's; no assertion on time."""
    render_document()  # warm up fonts, as a running worker is
    sign(render_document(), union_signer, datetime.now(UTC))
    renders, signatures = [], []
    for _ in range(5):
        started = time.perf_counter()
        pdf = render_document()
        renders.append(time.perf_counter() - started)
        started = time.perf_counter()
        sign(pdf, union_signer, datetime.now(UTC))
        signatures.append(time.perf_counter() - started)
    render_ms, sign_ms = statistics.median(renders) * 1000, statistics.median(signatures) * 1000
    line = (
        f"signing cost: render {render_ms:.0f} ms, sign {sign_ms:.0f} ms (+{sign_ms / render_ms:.0%});"
        f" signed PDF = {(render_ms + sign_ms) / render_ms:.2f} x the unsigned render"
    )
    print(f"\n{line}")  # shown with -s; also in the test report
    assert re.search(r"\d", line)
