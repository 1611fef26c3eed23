"""Sign a rendered PDF for an organisation: a PAdES signature with a visible seal.

The signature is an incremental update: the unsigned render is an unchanged prefix of the signed
file, so the stored hash of the content (taken over the unsigned render) still identifies it.
PAdES B-B by default; B-T when a time-stamping authority (RFC 3161) is named, so that the time
of signing is vouched for by a third party and not only claimed by the signer.

The seal area shows the organisation's name, the document number and the signing time (Beijing
time) in Noto Sans CJK, cut per signature to the characters the seal uses (HarfBuzz, a few ms)
so that each signature embeds a few kilobytes of font, not the 16 MB face.

Call from async code through a thread (`await asyncio.to_thread(sign_pdf, ...)`): it is CPU
work, and pyHanko runs its own event loop inside.
"""

from __future__ import annotations

import hashlib
import importlib
import io
import subprocess
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.api import FontEngineFactory
from pyhanko.pdf_utils.font.opentype import CIDFontType0, GlyphAccumulator
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import AxisAlignment, Margins, SimpleBoxLayoutRule
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.pdf_utils.writer import BasePdfFileWriter, init_xobject_dictionary
from pyhanko.sign.fields import SigFieldSpec, SigSeedSubFilter, enumerate_sig_fields
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner, Signer
from pyhanko.sign.signers.pdf_signer import PdfSigningSession
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.stamp import QRStamp, QRStampStyle, TextStampStyle

from domain.china_time import CHINA_TZ
from infrastructure.signing.ca import TEST_MARK

SEAL_FONT_FAMILY = "Noto Sans CJK SC"
SEAL_RED = (0.784, 0.063, 0.180)  # #c8102e, the red the templates use for marks
FIELD_PREFIX = "labourflow-seal"


# Space for the signature container (/Contents, in hex digits) by signing certificate and TSA URL.
# Left to itself pyHanko builds and signs a throw-away container per PDF to size it: a quarter of
# the signing time. The size depends only on the certificate chain and the TSA, and pyHanko's
# estimate carries 50% headroom (TSA replies vary), so the first estimate is kept and reused.
_RESERVED: dict[tuple[bytes, str | None], int] = {}


class SealFontMissingError(RuntimeError):
    """No Noto Sans CJK SC face: install the Debian package fonts-noto-cjk."""


@dataclass(frozen=True)
class SealBox:
    """Where the visible seal goes: a page (negative counts from the end) and a box in PDF points from the bottom left."""

    page: int = -1
    # Default: the bottom right of an A4 page's text area in the document templates (margins
    # 30/24/28/27 mm), above the footer line, 60 mm by 25 mm.
    x1: int = 357
    y1: int = 84
    x2: int = 527
    y2: int = 155


@dataclass(frozen=True)
class SealFont:
    """A font file and the index of the face in it (collections such as .ttc hold several)."""

    path: Path
    index: int = 0


@lru_cache(maxsize=1)
def find_seal_font() -> SealFont:
    """The Noto Sans CJK SC face as fontconfig knows it (Debian: a face of NotoSansCJK-Regular.ttc)."""
    try:
        out = subprocess.run(
            ["fc-match", "--format=%{file}\n%{index}\n%{family}", f"{SEAL_FONT_FAMILY}:style=Regular"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise SealFontMissingError(f"fc-match failed ({exc}); install fontconfig and fonts-noto-cjk") from exc
    path, index, family = [*out.split("\n"), "", ""][:3]
    # fc-match always answers with something; a fallback face would draw the seal in boxes.
    if SEAL_FONT_FAMILY not in family.split(","):
        raise SealFontMissingError(f"{SEAL_FONT_FAMILY} is not installed (fontconfig offers {family!r}); install fonts-noto-cjk")
    return SealFont(Path(path), int(index or 0))


class _CutFontFactory(FontEngineFactory):
    """A pyHanko font engine factory over a face cut to the seal's characters.

    pyHanko's own GlyphAccumulatorFactory takes an .otf/.ttf path; Debian ships Noto CJK only as
    collections (.ttc), and loading a whole 65,000-glyph face costs more than the signature.
    """

    def __init__(self, font: SealFont, text: str, font_size: int) -> None:
        # uharfbuzz comes with pyHanko's [opentype] extra; it ships no type information.
        hb: Any = importlib.import_module("uharfbuzz")
        face = hb.Face(hb.Blob.from_file_path(str(font.path)), font.index)
        request = hb.SubsetInput()
        request.unicode_set.update({ord(ch) for ch in text if ch not in "\n\r"} | {0x20})
        # Flat charstrings and no layout tables: pyHanko's own (fontTools) subsetting afterwards runs
        # about twice as fast. The SC face's cmap already gives Simplified Chinese forms (no 'locl'),
        # and a seal needs neither vertical forms nor Latin kerning.
        request.flags = hb.SubsetFlags.DESUBROUTINIZE
        dropped = request.sets(hb.SubsetInputSets.DROP_TABLE_TAG)
        for tag in ("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "VORG", "vhea", "vmtx"):
            dropped.add(int.from_bytes(tag.encode(), "big"))
        cut = hb.subset(face, request)
        if cut is None:
            raise SealFontMissingError(f"HarfBuzz could not cut face {font.index} of {font.path}")
        self.font_bytes: bytes = cut.blob.data
        self.font_size = font_size

    def create_font_engine(self, writer: BasePdfFileWriter, obj_stream: Any = None) -> GlyphAccumulator:
        return _CutGlyphAccumulator(writer=writer, font_handle=io.BytesIO(self.font_bytes), font_size=self.font_size, obj_stream=obj_stream)


class _CutGlyphAccumulator(GlyphAccumulator):
    """pyHanko's glyph accumulator over a face HarfBuzz already cut to the seal's characters, embedded
    as it is: the glyph ids shaped are the cut face's own, so fontTools need not subset it a second
    time, and its CFF program is embedded from the cut bytes rather than decompiled and recompiled.
    Those two steps were about half of a signature's time, and most of its fixed cost (which is what
    made short documents' signed PDFs cost more than 1.5 x their render). A face without CFF
    outlines (TrueType) is left to pyHanko's own path."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._subset_created = True  # the face is already the subset: `prepare_write` must not cut it again
        cidfont = self.cidfont_obj
        if isinstance(cidfont, CIDFontType0) and "CFF " in self.tt.reader:
            raw_cff: bytes = self.tt.reader["CFF "]

            def set_font_file(writer: BasePdfFileWriter) -> Any:
                stream = generic.StreamObject({pdf_name("/Subtype"): pdf_name("/CIDFontType0C")}, stream_data=raw_cff)
                stream.compress()  # type: ignore[no-untyped-call]  # pyHanko leaves it untyped
                ref = writer.add_object(stream)
                cidfont._font_descriptor[pdf_name("/FontFile3")] = ref
                return ref

            cidfont.set_font_file = set_font_file  # type: ignore[method-assign]


QR_MASK = 0
"""The QR code's mask pattern (ISO/IEC 18004 § 7.8; any of the eight reads the same). Choosing the
best of the eight, as pyHanko's stamp does, was 4.7 of the 5.7 ms its QR code cost each document
(2026-12-06, 2-core Intel Xeon)."""


class _QRStamp(QRStamp):
    """pyHanko's QR stamp with the mask pattern fixed (pyHanko 0.38's `QRStamp._qr_xobject` otherwise)."""

    def _qr_xobject(self) -> tuple[generic.IndirectObject, int]:
        import qrcode  # type: ignore[import-untyped]  # no stubs
        from pyhanko.pdf_utils.qr import PdfStreamQRImage

        if self.style.qr_inner_content is not None:  # not used here; pyHanko's own path
            return super()._qr_xobject()  # type: ignore[no-any-return, no-untyped-call]
        qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, mask_pattern=QR_MASK)
        qr.add_data(self.url)
        qr.make()
        command_stream = qr.make_image(image_factory=PdfStreamQRImage).render_command_stream()
        bbox_size = (qr.modules_count + 2 * qr.border) * qr.box_size
        qr_xobj = init_xobject_dictionary(command_stream, bbox_size, bbox_size)
        qr_xobj.compress()  # type: ignore[no-untyped-call]
        assert self.writer is not None  # a stamp being applied has its writer
        return self.writer.add_object(qr_xobj), bbox_size


class _QRStampStyle(QRStampStyle):
    def create_stamp(self, writer: BasePdfFileWriter, box: Any, text_params: dict[str, Any]) -> QRStamp:
        try:
            url = text_params.pop("url")
        except KeyError:
            raise ValueError("a QR seal needs a 'url' text parameter") from None
        return _QRStamp(writer, style=self, url=url, text_params=text_params, box=box)


class _PdfSignerAt(PdfSigner):
    """PdfSigner that signs at a given time instead of the clock's: the caller (a workflow) owns time."""

    def __init__(self, *args: Any, signing_time: datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._signing_time = signing_time

    def init_signing_session(self, pdf_out: BasePdfFileWriter, existing_fields_only: bool = False) -> PdfSigningSession:
        session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
        session.system_time = self._signing_time  # the /M entry and the seal's time
        return session


def seal_lines(*, org_name: str, document_no: str, signing_time: datetime, test_certificate: bool) -> list[str]:
    """The lines of text in the seal area (also what a test can look for with pdftotext)."""
    local = signing_time.astimezone(CHINA_TZ)
    lines = [
        org_name,
        f"文书编号 {document_no}",
        f"签章时间 {local:%Y-%m-%d %H:%M:%S} 北京时间",
        "电子签章 · 可在线核验 Digitally signed",
    ]
    if test_certificate:
        lines.append("测试证书 · 不具法律效力 TEST ONLY")
    return lines


def sign_pdf(
    pdf_bytes: bytes,
    signer: Signer,
    *,
    org_name: str,
    document_no: str,
    signing_time: datetime,
    tsa_url: str | None = None,
    tsa_timeout: float = 10,
    seal: SealBox | None = SealBox(),  # frozen: sharing the default is safe
    reason: str | None = None,
    location: str | None = None,
    qr_url: str | None = None,
) -> bytes:
    """Sign `pdf_bytes` for `org_name` (PAdES B-B, or B-T with `tsa_url`); the input is an unchanged prefix of the result.

    `seal=None` signs without a visible seal area. `signing_time` must carry a time zone. `qr_url`
    puts a QR code carrying that address (the document's verification page) in the seal area.
    """
    if signing_time.tzinfo is None:
        raise ValueError("signing_time must be timezone-aware")
    reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
    existing = sum(1 for _ in enumerate_sig_fields(reader))
    field_name = f"{FIELD_PREFIX}-{existing + 1}"
    certificate = signer.signing_cert
    if certificate is None:
        raise ValueError("the signer has no certificate")
    test_certificate = TEST_MARK in certificate.subject.human_friendly

    field_spec = None
    stamp_style = None
    text_params = None
    if seal is not None:
        pages = int(reader.root["/Pages"]["/Count"])
        page = seal.page if seal.page >= 0 else pages + seal.page
        if not 0 <= page < pages:
            raise ValueError(f"seal page {seal.page} is outside the document's {pages} pages")
        lines = seal_lines(org_name=org_name, document_no=document_no, signing_time=signing_time, test_certificate=test_certificate)
        text = "\n".join(lines)
        font_size = 8
        style_class = _QRStampStyle if qr_url else TextStampStyle
        stamp_style = style_class(
            # Only our parameters: '%' in a name or number is data, never a format directive.
            stamp_text="\n".join(f"%(l{i})s" for i in range(len(lines))),
            text_box_style=TextBoxStyle(
                font=_CutFontFactory(find_seal_font(), text, font_size),
                font_size=font_size,
                leading=11,
                text_color=SEAL_RED,
            ),
            border_width=1,
            border_color=SEAL_RED,
            background=None,
            inner_content_layout=SimpleBoxLayoutRule(
                x_align=AxisAlignment.ALIGN_MID, y_align=AxisAlignment.ALIGN_MID, margins=Margins(left=6, right=6, top=6, bottom=6)
            ),
        )
        text_params = {f"l{i}": line for i, line in enumerate(lines)}
        if qr_url:
            text_params["url"] = qr_url
        field_spec = SigFieldSpec(sig_field_name=field_name, on_page=page, box=(seal.x1, seal.y1, seal.x2, seal.y2))

    meta = PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        name=org_name,
        reason=reason or f"签发文书 {document_no} / Issued document {document_no}",
        location=location,
    )
    timestamper = HTTPTimeStamper(tsa_url, timeout=tsa_timeout) if tsa_url else None
    pdf_signer = _PdfSignerAt(
        meta, signer, timestamper=timestamper, stamp_style=stamp_style, new_field_spec=field_spec, signing_time=signing_time
    )
    key = (hashlib.sha256(certificate.dump()).digest(), tsa_url)
    reserved = _RESERVED.get(key)
    try:
        signed = _sign(pdf_signer, pdf_bytes, text_params, reserved)
    except SigningError as exc:
        if reserved is None or "larger than expected" not in str(exc):
            raise
        # The certificate chain or the TSA's reply grew beyond the headroom: measure afresh.
        reserved = None
        signed = _sign(pdf_signer, pdf_bytes, text_params, reserved)
    if reserved is None:
        contents = PdfFileReader(io.BytesIO(signed), strict=False).embedded_signatures[-1].sig_object["/Contents"]
        _RESERVED[key] = 2 * len(contents)  # hex digits, the unit pyHanko reserves in
    # The promise the rest of the system relies on: the unsigned render is a prefix of the signed file.
    if not signed.startswith(pdf_bytes):
        raise RuntimeError("signing rewrote the unsigned document instead of appending to it")
    return signed


def _sign(pdf_signer: PdfSigner, pdf_bytes: bytes, text_params: dict[str, str] | None, bytes_reserved: int | None) -> bytes:
    writer = IncrementalPdfFileWriter.from_reader(PdfFileReader(io.BytesIO(pdf_bytes), strict=False))
    out = io.BytesIO()
    pdf_signer.sign_pdf(writer, output=out, appearance_text_params=text_params, bytes_reserved=bytes_reserved)
    return out.getvalue()
