"""The CJK faces cut down to the characters documents use, so that each PDF subsets a small font.

Why: WeasyPrint embeds a subset of every face a document uses and keeps the glyph ids (HarfBuzz
`RETAIN_GIDS`). Noto CJK has 65,000 glyphs with the Chinese ones high up, so every embedded subset
carried empty slots up to about glyph 60,000: subsetting, compressing and copying those made up
about half of a receipt's 250 ms render (py-spy under `python -m devtools bench --profile`). Each face is
cut once, with HarfBuzz, to GB 2312 (its 6,763 hanzi and symbols), Latin, general and CJK
punctuation, enclosed and full-width forms (about 13,700 glyphs with their layout variants), and
renamed `<family> LF`. The stylesheet lists the cut family first and the full Noto family after
it: a character outside the cut (a rare name such as 喆 or 赟) is drawn from the full face, never
as a box. Glyph shapes are the font's own; only the PDF bytes change (a new renderer fingerprint).

The cut files are built on first use (about 2 s for the four faces) into a cache folder keyed by the
source file, HarfBuzz version and `CUT_VERSION`, written atomically so that processes can share it.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import structlog

log = structlog.get_logger(__name__)

CUT_VERSION = 1  # bump when the character set or the renaming changes: new files, new fingerprint
SUFFIX = " LF"

# Blocks kept whole besides GB 2312 (code point ranges, end exclusive).
BLOCKS = (
    (0x0020, 0x007F),  # Basic Latin
    (0x00A0, 0x0180),  # Latin-1 Supplement, Latin Extended-A (pinyin tone marks)
    (0x01CD, 0x01DD),  # pinyin with caron (ǎ ǐ ǒ ǔ ǚ)
    (0x2000, 0x2070),  # General Punctuation
    (0x2100, 0x2200),  # Letterlike symbols, number forms (№, Ⅰ), arrows
    (0x2460, 0x2500),  # Enclosed alphanumerics (①)
    (0x25A0, 0x2600),  # Geometric shapes (□ ■ ○ ●)
    (0x3000, 0x3040),  # CJK Symbols and Punctuation (〔〕《》「」)
    (0x3200, 0x3300),  # Enclosed CJK letters (㈠)
    (0xFF00, 0xFFF0),  # Half-width and full-width forms
)


@dataclass(frozen=True)
class Face:
    family: str
    style: str  # "Regular" or "Bold"

    @property
    def cut_family(self) -> str:
        return self.family + SUFFIX


FACES = (
    Face("Noto Serif CJK SC", "Regular"),
    Face("Noto Serif CJK SC", "Bold"),
    Face("Noto Sans CJK SC", "Regular"),
    Face("Noto Sans CJK SC", "Bold"),
)


@lru_cache(maxsize=1)
def charset() -> tuple[int, ...]:
    """The code points every cut face keeps, sorted (GB 2312 and the blocks above)."""
    points: set[int] = set()
    for start, end in BLOCKS:
        points.update(range(start, end))
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                points.add(ord(bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return tuple(sorted(points))


class _HarfBuzz:
    """The few HarfBuzz calls the cut needs (libharfbuzz-subset, which WeasyPrint requires too)."""

    def __init__(self) -> None:
        import cffi

        ffi = cffi.FFI()
        ffi.cdef(
            """
            typedef struct hb_blob_t hb_blob_t; typedef struct hb_face_t hb_face_t;
            typedef struct hb_set_t hb_set_t; typedef struct hb_subset_input_t hb_subset_input_t;
            typedef uint32_t hb_codepoint_t;
            const char *hb_version_string(void);
            hb_blob_t *hb_blob_create_from_file_or_fail(const char *file_name);
            void hb_blob_destroy(hb_blob_t *blob);
            const char *hb_blob_get_data(hb_blob_t *blob, unsigned int *length);
            hb_face_t *hb_face_create(hb_blob_t *blob, unsigned int index);
            void hb_face_destroy(hb_face_t *face);
            hb_blob_t *hb_face_reference_blob(hb_face_t *face);
            void hb_set_add_sorted_array(hb_set_t *set, const hb_codepoint_t *sorted, unsigned int n);
            hb_subset_input_t *hb_subset_input_create_or_fail(void);
            void hb_subset_input_destroy(hb_subset_input_t *input);
            hb_set_t *hb_subset_input_unicode_set(hb_subset_input_t *input);
            hb_face_t *hb_subset_or_fail(hb_face_t *source, const hb_subset_input_t *input);
            """
        )
        self.ffi = ffi
        self.hb: Any = ffi.dlopen("libharfbuzz.so.0")
        self.subset_lib: Any = ffi.dlopen("libharfbuzz-subset.so.0")

    @property
    def version(self) -> str:
        return str(self.ffi.string(self.hb.hb_version_string()).decode())

    def subset(self, path: str, index: int, points: tuple[int, ...]) -> bytes:
        ffi, hb, sub = self.ffi, self.hb, self.subset_lib
        blob = hb.hb_blob_create_from_file_or_fail(path.encode())
        if blob == ffi.NULL:
            raise OSError(f"HarfBuzz could not read {path}")
        face = hb.hb_face_create(blob, index)
        request = sub.hb_subset_input_create_or_fail()
        try:
            array = ffi.new(f"hb_codepoint_t[{len(points)}]", points)
            hb.hb_set_add_sorted_array(sub.hb_subset_input_unicode_set(request), array, len(points))
            cut = sub.hb_subset_or_fail(face, request)
            if cut == ffi.NULL:
                raise OSError(f"HarfBuzz could not subset face {index} of {path}")
            out = hb.hb_face_reference_blob(cut)
            length = ffi.new("unsigned int *")
            data = bytes(ffi.buffer(hb.hb_blob_get_data(out, length), length[0]))
            hb.hb_blob_destroy(out)
            hb.hb_face_destroy(cut)
            return data
        finally:
            sub.hb_subset_input_destroy(request)
            hb.hb_face_destroy(face)
            hb.hb_blob_destroy(blob)


@lru_cache(maxsize=1)
def _harfbuzz() -> _HarfBuzz:
    return _HarfBuzz()


def _face_index(path: str, face: Face) -> int:
    """Which face of a collection (.ttc) is `face` (the Noto CJK files hold JP, KR, SC, TC, HK)."""
    from fontTools.ttLib import TTCollection, TTFont

    if not path.lower().endswith((".ttc", ".otc")):
        return 0
    for index, font in enumerate(TTCollection(path, lazy=True).fonts):
        font_face: TTFont = font
        name = font_face["name"]
        if name.getDebugName(1) == face.family and name.getDebugName(2) == face.style:
            return index
    raise LookupError(f"{face.family} {face.style} is not in {path}")


def _rename(data: bytes, face: Face) -> bytes:
    """The cut under its own family name, so that fontconfig never mistakes it for the full face."""
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data), lazy=True)
    ps_family = face.family.replace(" ", "")
    ps_old = ps_family[: -len("SC")] + "sc"  # NotoSerifCJKsc-Regular
    for record in font["name"].names:
        text = record.toUnicode()
        new = text.replace(face.family, face.cut_family).replace(ps_old, ps_old + "LF")
        if new != text:
            record.string = new
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def cache_dir() -> Path:
    """Where cut faces are kept: LABOURFLOW_FONT_CACHE, else the user's cache folder, else (a
    read-only home, as in some containers) a folder in the system's temporary directory."""
    configured = os.environ.get("LABOURFLOW_FONT_CACHE")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    preferred = Path(base) / "labourflow" / "fonts"
    try:
        preferred.mkdir(parents=True, exist_ok=True)
        if os.access(preferred, os.W_OK):
            return preferred
    except OSError:
        pass
    return Path(tempfile.gettempdir()) / f"labourflow-fonts-{os.getuid()}"


@dataclass(frozen=True)
class CutFace:
    face: Face
    file: Path
    key: str  # names the source, HarfBuzz and CUT_VERSION: part of the renderer fingerprint


_LOCK = threading.Lock()


def cut_face(face: Face, source: str) -> CutFace:
    """The cut of `face` from the font file `source`, built once and cached on disk."""
    stat = Path(source).stat()
    harfbuzz = _harfbuzz()
    key = hashlib.sha256(f"{CUT_VERSION}|{harfbuzz.version}|{Path(source).name}|{stat.st_size}|{face}".encode()).hexdigest()[:16]
    target = cache_dir() / f"{face.cut_family.replace(' ', '')}-{face.style}-{key}.otf"
    with _LOCK:
        if not target.exists():
            data = _rename(harfbuzz.subset(source, _face_index(source, face), charset()), face)
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, target)  # atomic: another process sees the whole file or none
            log.info("document_font_cut", face=f"{face.family} {face.style}", bytes=len(data))
    return CutFace(face, target, key)
