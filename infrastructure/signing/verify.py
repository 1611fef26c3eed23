"""Check a signed PDF: genuine and unaltered, altered, unknown signer, revoked, or not signed at all.

`verify_pdf` runs pyHanko's validator (PAdES/CMS signature, chain to the given roots, revocation
against the given CRLs, and difference analysis of anything appended after a signature) and
turns its findings into one answer per file, with messages in Chinese and English for the public
page, the CLI and the API. Nothing is fetched from the network: the caller supplies the roots and
CRLs it trusts (for the development CA: `ca.root_certificate()` and `ca.crl()`).

Call from async code through a thread (`await asyncio.to_thread(verify_pdf, ...)`).
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.keys.internal import translate_pyca_cryptography_cert_to_asn1
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate, AdESSubIndic
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko_certvalidator import ValidationContext

from domain.china_time import CHINA_TZ
from infrastructure.signing.ca import TEST_MARK

log = logging.getLogger(__name__)

# Updates after a signature that leave it standing: none, or long-term validation data (DSS, document timestamps).
_HARMLESS_UPDATES = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES)
# No path to our roots, or one that breaks (a foreign CA may well copy our root's name: the
# path is then built but the root's signature on the certificate does not verify).
_NOT_OUR_CHAIN = (AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND, AdESIndeterminate.CERTIFICATE_CHAIN_GENERAL_FAILURE)
# Why a signature is UNVERIFIABLE, for the messages (Chinese, English).
_PROBLEMS = {
    "expired": ("签章证书已过期或尚未生效", "the signing certificate has expired or is not yet valid"),
    "revocation_unknown": ("无法取得签章证书的最新吊销信息", "there is no current revocation list for the signing certificate"),
    "timestamp_untrusted": (
        "签章时间戳无效或来自不受信任的时间戳机构",
        "its timestamp is invalid or from an untrusted authority",
    ),
    "other": ("签章不满足核验要求", "it does not meet the verification requirements"),
}
_EXPIRED = (
    AdESIndeterminate.OUT_OF_BOUNDS_NO_POE,
    AdESIndeterminate.OUT_OF_BOUNDS_NOT_REVOKED,
    AdESIndeterminate.EXPIRED,
    AdESIndeterminate.NOT_YET_VALID,
    AdESFailure.NOT_YET_VALID,
)
_REVOCATION_UNKNOWN = (AdESIndeterminate.TRY_LATER, AdESIndeterminate.REVOCATION_OUT_OF_BOUNDS_NO_POE)
# A document signer's certificate needs one of these (pyHanko's default demands non-repudiation).
_KEY_USAGE = KeyUsageConstraints(key_usage={"non_repudiation", "digital_signature"}, match_all_key_usages=False)


class VerificationStatus(StrEnum):
    """The one answer a file gets; the values are stable (API, logs)."""

    GENUINE = "genuine"  # every signature intact, trusted, not revoked, nothing changed after signing
    ALTERED = "altered"  # signed bytes changed, or content changed after signing
    UNKNOWN_SIGNER = "unknown_signer"  # the certificate does not chain to our trust roots
    REVOKED = "revoked"  # the signer's certificate (or its CA) is on the CRL
    NOT_SIGNED = "not_signed"  # a readable PDF without signatures
    UNVERIFIABLE = "unverifiable"  # e.g. expired certificate, no fresh CRL, untrusted timestamp
    UNREADABLE = "unreadable"  # not a PDF at all


# Which answer wins when a file carries several signatures: the worst.
_SEVERITY = [
    VerificationStatus.ALTERED,
    VerificationStatus.REVOKED,
    VerificationStatus.UNKNOWN_SIGNER,
    VerificationStatus.UNVERIFIABLE,
    VerificationStatus.GENUINE,
]


@dataclass(frozen=True)
class SignatureReport:
    """What one signature in the file says and how it fared."""

    field_name: str
    status: VerificationStatus
    org_name: str | None  # subject O of the signer's certificate
    org_code: str | None  # subject organizationIdentifier (2.5.4.97), as the development CA writes it
    signer: str  # the certificate's subject, readable
    certificate_serial: int
    test_certificate: bool  # issued by the development CA: not legally effective
    signing_time: datetime | None  # claimed by the signer (/M)
    timestamp_time: datetime | None  # vouched for by a time-stamping authority (PAdES B-T)
    revoked_at: datetime | None
    problem: str | None  # why UNVERIFIABLE: a key of _PROBLEMS
    detail: str  # technical summary from pyHanko, English, for logs and support


@dataclass(frozen=True)
class Verification:
    """The answer for a file: status, messages (Chinese first, then English) and each signature's report."""

    status: VerificationStatus
    message_zh: str
    message_en: str
    signatures: tuple[SignatureReport, ...] = ()
    revocation_checked: bool = False  # CRLs were given: a revoked certificate would have been found
    # SHA-256 (hex) of the file as it was before it was first signed: the unsigned render, whose
    # hash the document store keeps. Lets the verification page find the document a file claims to be.
    unsigned_sha256: str | None = None

    @property
    def genuine(self) -> bool:
        """Whether the file is genuine and unaltered."""
        return self.status is VerificationStatus.GENUINE

    @property
    def deciding(self) -> SignatureReport | None:
        """The signature the answer is about: the first with the file's status, else the last."""
        for report in self.signatures:
            if report.status is self.status:
                return report
        return self.signatures[-1] if self.signatures else None

    @property
    def org_name(self) -> str | None:
        """The organisation that signed (of the deciding signature)."""
        return self.deciding.org_name if self.deciding else None

    @property
    def signing_time(self) -> datetime | None:
        """When it was signed: the time-stamping authority's time if any, else the signer's claim."""
        report = self.deciding
        return (report.timestamp_time or report.signing_time) if report else None

    @property
    def message(self) -> str:
        """Both messages, Chinese first."""
        return f"{self.message_zh}\n{self.message_en}"


def verify_pdf(
    pdf_bytes: bytes,
    trust_roots: Sequence[x509.Certificate | bytes],
    crls: Sequence[bytes] = (),
    *,
    at: datetime | None = None,
) -> Verification:
    """Verify every signature in `pdf_bytes` against `trust_roots` (certificates, or PEM/DER bytes) and `crls` (DER or PEM).

    With CRLs, revocation is checked strictly (a certificate the CRLs do not cover makes the
    answer UNVERIFIABLE); without, it is not checked. `at` is the validation time (default now).
    """
    roots = [_asn1_certificate(root) for root in trust_roots]
    if not roots:
        # pyHanko would fall back to the operating system's TLS roots: never what a verifier means.
        raise ValueError("verify_pdf needs at least one trust root")
    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        signatures = list(reader.embedded_regular_signatures)
    except (PdfError, ValueError, KeyError, TypeError, IndexError) as exc:
        # A damaged file that still shows a signature dictionary was a signed PDF once: treat as altered.
        if b"/ByteRange" in pdf_bytes:
            return _answer(VerificationStatus.ALTERED, (), reason=f"unreadable signed PDF: {exc}")
        return _answer(VerificationStatus.UNREADABLE, (), reason=str(exc))
    if not signatures:
        return _answer(VerificationStatus.NOT_SIGNED, ())

    try:
        original = _unsigned_original(reader, pdf_bytes, signatures)
    except (PdfError, ValueError, KeyError, TypeError, IndexError):
        original = None  # the answer below says what is wrong with the file
    unsigned_sha256 = hashlib.sha256(original).hexdigest() if original is not None else None
    reports = tuple(_check(signature, roots, crls, at, later_signatures=i < len(signatures) - 1) for i, signature in enumerate(signatures))
    status = min((r.status for r in reports), key=_SEVERITY.index)
    return _answer(status, reports, revocation_checked=bool(crls), unsigned_sha256=unsigned_sha256)


def unsigned_original(pdf_bytes: bytes) -> bytes | None:
    """The file as it was before its first signature (the unsigned render), or None if that cannot be told."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        return _unsigned_original(reader, pdf_bytes, list(reader.embedded_regular_signatures))
    except (PdfError, ValueError, KeyError, TypeError, IndexError):
        return None


def _unsigned_original(reader: PdfFileReader, pdf_bytes: bytes, signatures: list[EmbeddedPdfSignature]) -> bytes | None:
    # Signing appends an incremental update, so the unsigned file ends where the revision before the
    # first signature's ends: after its cross-reference section, "startxref", "%%EOF" and one line end.
    first = min((signature.signed_revision for signature in signatures), default=0)
    if first == 0:
        return None  # not signed, or signed in the file's very first revision: no unsigned original inside
    end_of_xref = reader.xrefs.get_xref_container_info(first - 1).end_location
    eof = pdf_bytes.find(b"%%EOF", end_of_xref)
    if eof < 0:
        return None
    end = eof + len(b"%%EOF")
    end += 2 if pdf_bytes[end : end + 2] == b"\r\n" else 1 if pdf_bytes[end : end + 1] in (b"\n", b"\r") else 0
    return pdf_bytes[:end]


def _check(
    signature: EmbeddedPdfSignature,
    roots: list[Any],
    crls: Sequence[bytes],
    at: datetime | None,
    *,
    later_signatures: bool,
) -> SignatureReport:
    # A fresh context per signature: pyHanko's contexts cache paths and revocation results.
    context = ValidationContext(
        trust_roots=roots,
        crls=[_der_crl(c) for c in crls],
        allow_fetching=False,
        revocation_mode="hard-fail" if crls else "soft-fail",
        moment=at,
    )
    field_name = str(signature.field_name)
    try:
        status = validate_pdf_signature(signature, signer_validation_context=context, key_usage_settings=_KEY_USAGE)
    except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError) as exc:
        # The signature container itself is damaged (e.g. a byte changed inside /Contents).
        log.info("signature %s could not be evaluated: %s", field_name, exc)
        cert = _embedded_certificate(signature)
        return _report(field_name, VerificationStatus.ALTERED, cert, detail=f"signature could not be evaluated: {exc}")
    verdict = _verdict(status, later_signatures=later_signatures)
    return _report(
        field_name,
        verdict,
        status.signing_cert,
        signing_time=status.signer_reported_dt,
        timestamp_time=status.timestamp_validity.timestamp if status.timestamp_validity is not None else None,
        revoked_at=status.revocation_details.revocation_date if status.revocation_details is not None else None,
        problem=_problem(status) if verdict is VerificationStatus.UNVERIFIABLE else None,
        detail=_detail(status),
    )


def _problem(status: PdfSignatureStatus) -> str:
    indic = status.trust_problem_indic
    if indic in _EXPIRED:
        return "expired"
    if indic in _REVOCATION_UNKNOWN:
        return "revocation_unknown"
    if indic is None and status.timestamp_validity is not None and not status.timestamp_validity.trusted:
        return "timestamp_untrusted"
    return "other"


def _verdict(status: PdfSignatureStatus, *, later_signatures: bool) -> VerificationStatus:
    """pyHanko's findings, in the order that matters to a reader of the document.

    A later signature shows up in the earlier one's difference analysis as form filling (a
    signature field filled in). Our documents have no other form fields, so form filling is
    harmless only when a later signature accounts for it; that signature is checked in its turn.
    """
    if not (status.intact and status.valid):
        return VerificationStatus.ALTERED
    harmless = _HARMLESS_UPDATES + ((ModificationLevel.FORM_FILLING,) if later_signatures else ())
    if status.modification_level not in harmless or status.docmdp_ok is False:
        return VerificationStatus.ALTERED
    if status.revoked or status.trust_problem_indic in (AdESFailure.REVOKED, AdESIndeterminate.REVOKED_NO_POE):
        return VerificationStatus.REVOKED
    if status.trust_problem_indic is AdESIndeterminate.REVOKED_CA_NO_POE:
        return VerificationStatus.REVOKED
    if status.trust_problem_indic in _NOT_OUR_CHAIN:
        return VerificationStatus.UNKNOWN_SIGNER
    if not status.bottom_line:
        return VerificationStatus.UNVERIFIABLE  # expired, no fresh CRL, untrusted timestamp, wrong key usage
    return VerificationStatus.GENUINE


def _detail(status: PdfSignatureStatus) -> str:
    parts = [status.summary(), f"coverage={status.coverage.name if status.coverage else None}"]
    if status.modification_level is not None:
        parts.append(f"modifications={status.modification_level.name}")
    if status.trust_problem_indic is not None:
        parts.append(f"trust={_indic_name(status.trust_problem_indic)}")
    if status.timestamp_validity is not None:
        parts.append(f"timestamp={status.timestamp_validity.summary()}")
    return " ".join(parts)


def _indic_name(indic: AdESSubIndic) -> str:
    return str(getattr(indic, "name", indic))


def _report(
    field_name: str,
    status: VerificationStatus,
    cert: Any,
    *,
    signing_time: datetime | None = None,
    timestamp_time: datetime | None = None,
    revoked_at: datetime | None = None,
    problem: str | None = None,
    detail: str = "",
) -> SignatureReport:
    subject = cert.subject.native if cert is not None else {}
    return SignatureReport(
        field_name=field_name,
        status=status,
        org_name=_first(subject.get("organization_name")),
        org_code=_first(subject.get("organization_identifier")),
        signer=cert.subject.human_friendly if cert is not None else "",
        certificate_serial=int(cert.serial_number) if cert is not None else 0,
        test_certificate=cert is not None and TEST_MARK in cert.subject.human_friendly,
        signing_time=signing_time,
        timestamp_time=timestamp_time,
        revoked_at=revoked_at,
        problem=problem,
        detail=detail,
    )


def _answer(
    status: VerificationStatus,
    reports: tuple[SignatureReport, ...],
    *,
    reason: str = "",
    revocation_checked: bool = False,
    unsigned_sha256: str | None = None,
) -> Verification:
    zh, en = _messages(status, reports, reason)
    return Verification(
        status=status,
        message_zh=zh,
        message_en=en,
        signatures=reports,
        revocation_checked=revocation_checked,
        unsigned_sha256=unsigned_sha256,
    )


def _messages(status: VerificationStatus, reports: tuple[SignatureReport, ...], reason: str) -> tuple[str, str]:
    deciding = next((r for r in reports if r.status is status), reports[-1] if reports else None)
    org = (deciding.org_name if deciding else None) or "（未知机构）"
    org_en = (deciding.org_name if deciding else None) or "(unknown organisation)"
    when = (deciding.timestamp_time or deciding.signing_time) if deciding else None
    when_zh = f"{when.astimezone(CHINA_TZ):%Y-%m-%d %H:%M:%S}（北京时间）" if when else "（时间不详）"
    when_en = f"{when.astimezone(CHINA_TZ):%Y-%m-%d %H:%M:%S} (Beijing time)" if when else "(time unknown)"
    test_zh = "注意：签章使用的是测试证书，不具法律效力。" if deciding and deciding.test_certificate else ""
    test_en = " Note: it was signed with a TEST certificate and has no legal effect." if deciding and deciding.test_certificate else ""
    match status:
        case VerificationStatus.GENUINE:
            stamped = "，另有可信时间戳证明签章时间" if deciding and deciding.timestamp_time else ""
            stamped_en = ", the time vouched for by a time-stamping authority" if deciding and deciding.timestamp_time else ""
            return (
                f"文件真实，签章后未被改动：由{org}于{when_zh}签章{stamped}。{test_zh}",
                f"Genuine and unaltered: signed by {org_en} on {when_en}{stamped_en}.{test_en}",
            )
        case VerificationStatus.ALTERED:
            return (
                "文件在签章后被改动过，内容不可信。请向签发机构索取原件。",
                "The file was altered after it was signed: its content cannot be trusted. Ask the issuing organisation for the original.",
            )
        case VerificationStatus.UNKNOWN_SIGNER:
            return (
                f"签章证书（{org}）不是由本系统认可的证书机构签发的，无法确认签发者。",
                f"The signing certificate ({org_en}) was not issued by an authority this system trusts: the issuer cannot be confirmed.",
            )
        case VerificationStatus.REVOKED:
            revoked = deciding.revoked_at if deciding else None
            revoked_zh = f"已于{revoked.astimezone(CHINA_TZ):%Y-%m-%d %H:%M}（北京时间）被吊销" if revoked else "已被吊销"
            revoked_en = f"was revoked on {revoked.astimezone(CHINA_TZ):%Y-%m-%d %H:%M} (Beijing time)" if revoked else "has been revoked"
            return (
                f"{org}的签章证书{revoked_zh}，该签章不再有效。请向签发机构核实。",
                f"The signing certificate of {org_en} {revoked_en}: the signature is no longer valid. Check with the issuing organisation.",
            )
        case VerificationStatus.NOT_SIGNED:
            return ("该文件没有电子签章，无法证明其来源。", "The file carries no digital signature: its origin cannot be proven.")
        case VerificationStatus.UNVERIFIABLE:
            why_zh, why_en = _PROBLEMS[(deciding.problem if deciding else None) or "other"]
            return (
                f"暂时无法确认该签章有效：{why_zh}。请稍后再试或向签发机构核实。",
                f"The signature cannot be confirmed at present: {why_en}. Try again later or check with the issuing organisation.",
            )
        case VerificationStatus.UNREADABLE:
            return ("无法读取该文件：它不是有效的 PDF 文件。", "The file could not be read: it is not a valid PDF.")
    raise AssertionError(status)  # pragma: no cover  (mypy: the match above is exhaustive)


def _embedded_certificate(signature: EmbeddedPdfSignature) -> Any:
    try:
        return signature.signer_cert
    except Exception:  # the CMS blob itself may be garbage
        return None


def _first(value: object) -> str | None:
    if isinstance(value, list):
        return str(value[0]) if value else None
    return str(value) if value is not None else None


def _asn1_certificate(cert: x509.Certificate | bytes) -> Any:
    """pyHanko takes asn1crypto certificates; callers have `cryptography` ones or PEM/DER bytes."""
    if not isinstance(cert, x509.Certificate):
        cert = x509.load_pem_x509_certificate(cert) if cert.lstrip().startswith(b"-----BEGIN") else x509.load_der_x509_certificate(cert)
    return translate_pyca_cryptography_cert_to_asn1(cert)


def _der_crl(data: bytes) -> bytes:
    if data.lstrip().startswith(b"-----BEGIN"):
        return x509.load_pem_x509_crl(data).public_bytes(Encoding.DER)
    return data
