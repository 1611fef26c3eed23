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

Version 2 also puts the glyphs of everyday text first: gid 0 `.notdef`, then Latin, general, CJK
and full-width punctuation, then GB 2312's 3,755 level-1 hanzi, each followed by the glyphs that
HarfBuzz's default substitutions draw them with in zh-CN text (the digits' ZHS forms, the `fl`
ligature), then the rest of the cut's characters, the 3,008 level-2 hanzi, and the other layout
variants last. WeasyPrint keeps glyph ids (`RETAIN_GIDS`), so an embedded subset carries empty
slots up to the highest glyph a document uses: with the cut's own order (version 1) that was about
glyph 14,000 in every document (the digits' forms are near the end), now a document in common
characters stops near glyph 4,200. Over the 20 catalogue samples a PDF is 103 KB instead of 160
and renders in 87 ms of CPU instead of 99 (HarfBuzz's subsetting and the deflating of the empty
slots; README "Performance"). The glyphs themselves are the source's, outline for outline: every
glyph of the four faces (14,051 and 14,355) drew the same in version 2 as in version 1 when this
was written, and tests/documents/test_font_cut.py draws samples.

Version 2's files are byte for byte the same wherever and whenever they are cut (no timestamp is
written; fontTools does not recompute bounding boxes), so a document re-renders identically on
another machine. Version 1 stamped the time of the cut into each file: its documents re-render
identically only with the cut files they were issued with, which the cache keeps. Documents
record the version (the renderer fingerprint's `cut v…`) and are re-rendered with it.

The cut files are built on first use (about 7 s for the four faces on a 2-core Intel Xeon) into a cache folder keyed by
the source file, the HarfBuzz (and, from version 2, fontTools) version and the cut's version,
written atomically under a lock file so that processes share one build.
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import os
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import structlog

log = structlog.get_logger(__name__)

CUT_VERSION = 2  # what documents are issued with; bump when the characters, names or order change
CUT_VERSIONS = (1, 2)  # what documents can be re-rendered with
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


# Version 2's first glyphs (after .notdef): what nearly every document sets besides hanzi.
EVERYDAY = (
    (0x0020, 0x007F),  # Basic Latin
    (0x00A0, 0x0100),  # Latin-1 Supplement (· ×)
    (0x2000, 0x2070),  # General Punctuation (“” — …)
    (0x3000, 0x3040),  # CJK Symbols and Punctuation (。、《》〔〕)
    (0xFF00, 0xFFF0),  # Half-width and full-width forms (，：；（）)
)


def order_rank(point: int) -> int:
    """Where a character's glyph goes in version 2's glyph order: 0 everyday punctuation and
    Latin, 1 GB 2312 level-1 hanzi (the 3,755 common ones), 2 the cut's other characters, 3 GB
    2312 level-2 hanzi."""
    if any(start <= point < end for start, end in EVERYDAY):
        return 0
    try:
        encoded = chr(point).encode("gb2312")
    except UnicodeEncodeError:
        return 2
    if len(encoded) == 2 and encoded[0] >= 0xB0:  # rows 16-55 level 1, 56-87 level 2
        return 1 if encoded[0] < 0xD8 else 3
    return 2


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


def _rename(font: Any, face: Face) -> None:
    """The cut under its own family name, so that fontconfig never mistakes it for the full face."""
    ps_family = face.family.replace(" ", "")
    ps_old = ps_family[: -len("SC")] + "sc"  # NotoSerifCJKsc-Regular
    for record in font["name"].names:
        text = record.toUnicode()
        new = text.replace(face.family, face.cut_family).replace(ps_old, ps_old + "LF")
        if new != text:
            record.string = new


# The substitutions HarfBuzz applies to horizontal text unasked (hb-ot-shape.cc), and the language
# systems Pango picks for documents in zh-CN: a glyph they put in place of an everyday character
# (the ZHS digits, the `fl` ligature) goes with that character.
DEFAULT_SUBSTITUTIONS = ("rvrn", "ccmp", "locl", "rlig", "rclt", "calt", "clig", "liga")
LANGUAGE_SYSTEM = "ZHS "


def _substitution_closure(data: bytes) -> Callable[[list[int]], set[str]]:
    """Glyphs that characters can be drawn with: their own and what the default substitutions of
    the zh-CN (and default) language systems make of them. Works on its own copy of the font."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data))
    if "GSUB" in font:
        for record in font["GSUB"].table.ScriptList.ScriptRecord:
            kept = [lang for lang in record.Script.LangSysRecord if lang.LangSysTag == LANGUAGE_SYSTEM]
            record.Script.LangSysRecord, record.Script.LangSysCount = kept, len(kept)
    options = subset.Options()
    options.layout_features, options.layout_scripts = list(DEFAULT_SUBSTITUTIONS), ["*"]
    subsetter = subset.Subsetter(options)
    subsetter._prune_pre_subset(font)  # keeps only those features' lookups

    def closure(points: list[int]) -> set[str]:
        subsetter.populate(unicodes=points)
        subsetter._closure_glyphs(font)
        return set(subsetter.glyphs_gsubed)

    return closure


def _everyday_first(font: Any, data: bytes) -> None:
    """Reorder the glyphs by `order_rank` of the characters they draw (version 2): for each rank,
    its characters' glyphs by code point, for the everyday ranks (0 and 1) then what the default
    substitutions make of them."""
    from fontTools.cffLib import FDSelect
    from fontTools.ttLib.reorderGlyphs import reorderGlyphs

    order: list[str] = font.getGlyphOrder()
    cmap: dict[int, str] = font.getBestCmap()
    closure = _substitution_closure(data)
    placed = {order[0]}  # .notdef stays glyph 0
    new_order = [order[0]]
    ranked = sorted(cmap, key=lambda p: (order_rank(p), p))
    for rank in range(4):
        # The rarer characters' substituted glyphs stay with the other layout variants, at the end.
        drawn = closure([p for p in ranked if order_rank(p) <= rank]) if rank <= 1 else set()
        for name in [cmap[p] for p in ranked if order_rank(p) == rank] + [n for n in order if n in drawn]:
            if name not in placed:
                placed.add(name)
                new_order.append(name)
    new_order += [name for name in order if name not in placed]
    old_gid = {name: gid for gid, name in enumerate(order)}
    top = font["CFF "].cff.topDictIndex[0]
    # A CID-keyed CFF picks each glyph's hinting dictionary by glyph id (FDSelect), which fontTools'
    # reorder leaves in the old order; its charstrings keep their old indexes until saved.
    selects = None
    if hasattr(top, "FDSelect"):
        selects = FDSelect()
        selects.format = top.FDSelect.format
        selects.gidArray = [top.FDSelect.gidArray[old_gid[name]] for name in new_order]
    reorderGlyphs(font, new_order)
    if selects is not None:
        top.FDSelect = selects


def _finish(data: bytes, face: Face, version: int) -> bytes:
    """HarfBuzz's cut renamed (and, from version 2, reordered), as the file fontconfig loads."""
    from fontTools.ttLib import TTFont

    # Version 1 as it was: fontTools stamps the time of the cut into `head`. From version 2 no
    # timestamp and the source's bounding boxes: the same bytes on every machine.
    options = {"lazy": True} if version == 1 else {"recalcBBoxes": False, "recalcTimestamp": False}
    font = TTFont(io.BytesIO(data), **options)
    _rename(font, face)
    if version >= 2:
        _everyday_first(font, data)
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
    key: str  # names the source, HarfBuzz, fontTools and the version: part of the renderer fingerprint


_LOCK = threading.Lock()


def _key(face: Face, source: str, version: int) -> str:
    harfbuzz = _harfbuzz()
    stat = Path(source).stat()
    tools = "" if version == 1 else f"|fonttools {_fonttools_version()}"
    return hashlib.sha256(f"{version}|{harfbuzz.version}|{Path(source).name}|{stat.st_size}|{face}{tools}".encode()).hexdigest()[:16]


def _fonttools_version() -> str:
    from importlib.metadata import version

    return version("fonttools")


def cut_face(face: Face, source: str, version: int = CUT_VERSION) -> CutFace:
    """The cut of `face` from the font file `source`, built once and cached on disk."""
    if version not in CUT_VERSIONS:
        raise ValueError(f"unknown font cut version {version} (known: {CUT_VERSIONS})")
    key = _key(face, source, version)
    folder = cache_dir()
    target = folder / f"{face.cut_family.replace(' ', '')}-{face.style}-{key}.otf"
    if target.exists():
        return CutFace(face, target, key)
    folder.mkdir(parents=True, exist_ok=True)
    # One build per machine: threads take the lock in turn, processes the lock file.
    with _LOCK, open(folder / ".cut.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not target.exists():
            data = _harfbuzz().subset(source, _face_index(source, face), charset())
            data = _finish(data, face, version)
            fd, tmp = tempfile.mkstemp(dir=folder, suffix=".part")
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, target)  # atomic: another process sees the whole file or none
            log.info("document_font_cut", face=f"{face.family} {face.style}", version=version, bytes=len(data))
    return CutFace(face, target, key)
