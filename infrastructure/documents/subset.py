"""Font subsetting from faces HarfBuzz has prepared once, with the same bytes.

WeasyPrint embeds each face a PDF uses as a subset of the glyphs it draws
(`weasyprint.pdf.fonts.Font._harfbuzz_subset`, two HarfBuzz passes). Each pass starts from the
whole face and builds what it needs from it afresh (the parsed CFF outlines, cmap and metrics):
about 4 ms per face, a document embeds about three, and subsetting was the largest single share
of the document worker's CPU (13 % in py-spy, 2026-12-06). HarfBuzz keeps that work with the
face when asked to (`hb_subset_preprocess`, HarfBuzz 6.0 and later: "future subsetting operations
can then use the precomputed data"): the same subsets come out, 2.7 ms per face instead of 4.1
(2026-12-06, 2-core AMD EPYC, 24 subsets of 8 catalogue documents, every one byte-identical).

Here each cut face is prepared once per process, the first time a document embeds it (0.1-0.2 s),
and WeasyPrint's own subsetting then runs on the prepared face. The prepared data stays in memory:
about 40 MB per face, 125 MB for the three faces of the catalogue (the document worker's resident
memory after rendering it three times: 178 MB without, 291 MB with). So only the cut faces are
prepared (at most `MAX_PREPARED_GLYPHS` glyphs); the full Noto faces, embedded only for a character
outside GB 2312 or to reproduce a document issued before the cut, keep WeasyPrint's own path. A face is kept
referenced while its prepared twin is in use, so its address cannot be reused by another face.
Where HarfBuzz lacks the call, or preparing a face fails, WeasyPrint's path is left as it is.
`tests/documents/test_subset.py` renders every catalogue sample both ways and compares the bytes,
which is what keeps documents issued before reproducible (`documents verify`).
"""

from __future__ import annotations

import ctypes.util
from functools import cache
from typing import Any

MAX_PREPARED_GLYPHS = 20_000  # the cut faces hold about 14,000 glyphs; the full Noto CJK faces 65,000
_PREPARED: dict[int, Any] = {}  # address of a face -> (the face kept referenced, its prepared twin)
_INSTALLED: dict[str, Any] = {}


@cache
def _harfbuzz() -> Any | None:
    """Our own bindings to the two calls WeasyPrint's do not declare (None where HarfBuzz lacks them)."""
    import cffi

    ffi = cffi.FFI()
    ffi.cdef(
        "void *hb_subset_preprocess (void *source);"
        "void *hb_face_reference (void *face);"
        "unsigned int hb_face_get_glyph_count (const void *face);"
    )
    try:
        subset_lib = ffi.dlopen(ctypes.util.find_library("harfbuzz-subset") or "libharfbuzz-subset.so.0")
        core_lib = ffi.dlopen(ctypes.util.find_library("harfbuzz") or "libharfbuzz.so.0")
        return ffi, subset_lib.hb_subset_preprocess, core_lib.hb_face_reference, core_lib.hb_face_get_glyph_count
    except (OSError, AttributeError):
        return None


def prepared(face: Any) -> Any | None:
    """The prepared twin of a WeasyPrint `hb_face_t *` (made on first use), or None."""
    from weasyprint.text.ffi import ffi as weasy_ffi

    address = int(weasy_ffi.cast("uintptr_t", face))
    if address in _PREPARED:
        return _PREPARED[address][1]
    bindings = _harfbuzz()
    if bindings is None:
        return None
    ffi, preprocess, reference, glyph_count = bindings
    source = ffi.cast("void *", address)
    if glyph_count(source) > MAX_PREPARED_GLYPHS:
        _PREPARED[address] = (None, None)
        return None
    twin = preprocess(source)
    if twin == ffi.NULL or glyph_count(twin) != glyph_count(source):
        _PREPARED[address] = (None, None)  # HarfBuzz gives an empty face when it fails: use the face itself
        return None
    kept = reference(source)
    _PREPARED[address] = (kept, weasy_ffi.cast("hb_face_t *", int(ffi.cast("uintptr_t", twin))))
    return _PREPARED[address][1]


def subset_prepared(font: Any, to_unicode: dict[int, str], hinting: bool) -> None:
    """WeasyPrint's subsetting, run on the face's prepared twin."""
    original = _INSTALLED["original"]
    twin = prepared(font.hb_face)
    if twin is None:
        original(font, to_unicode, hinting)
        return
    face = font.hb_face
    font.hb_face = twin
    try:
        original(font, to_unicode, hinting)
    finally:
        font.hb_face = face


def install() -> bool:
    """Put `subset_prepared` in front of WeasyPrint's subsetting (idempotent; leaves a method
    someone else put there alone). Whether it is in place."""
    from weasyprint.pdf.fonts import Font

    current = Font._harfbuzz_subset
    if current is subset_prepared:
        return True
    weasyprints_own = getattr(current, "__qualname__", "") == "Font._harfbuzz_subset" and current.__module__ == Font.__module__
    if "original" in _INSTALLED or not weasyprints_own or _harfbuzz() is None:
        return False
    _INSTALLED["original"] = current
    Font._harfbuzz_subset = subset_prepared
    return True
