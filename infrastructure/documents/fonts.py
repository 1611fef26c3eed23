"""The CJK fonts documents are set in, checked through the same fontconfig WeasyPrint uses.

Without them WeasyPrint silently falls back to a font without Chinese glyphs and prints boxes
(豆腐块). The worker refuses to start and `/readyz` fails instead, naming the Debian package.
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import structlog

from infrastructure.documents.font_cut import CUT_VERSION, FACES, CutFace, cut_face

log = structlog.get_logger(__name__)

SERIF = "Noto Serif CJK SC"  # body text (宋体 style)
SANS = "Noto Sans CJK SC"  # headings and tables (黑体 style)
REQUIRED_FAMILIES = (SERIF, SANS)
FIX = "install the Debian package fonts-noto-cjk (make install)"


class FontMissingError(RuntimeError):
    """A required CJK font is not installed; the message names it and the fix."""


@dataclass(frozen=True)
class FontMatch:
    family: str
    file: str
    version: int | None


def _match(family: str, style: str | None = None) -> FontMatch | None:
    """Ask fontconfig which font it would use for `family` (and `style`) in Simplified Chinese."""
    with warnings.catch_warnings():
        # WeasyPrint warns "No fonts configured" on import when fonts are missing: we say it better.
        warnings.filterwarnings("ignore", message="No fonts configured", category=UserWarning)
        from weasyprint.text.ffi import ffi, fontconfig

    config = fontconfig.FcInitLoadConfigAndFonts()
    try:
        pattern = fontconfig.FcPatternCreate()
        fontconfig.FcPatternAddString(pattern, b"family", family.encode())
        fontconfig.FcPatternAddString(pattern, b"lang", b"zh-cn")
        if style is not None:
            fontconfig.FcPatternAddString(pattern, b"style", style.encode())
        fontconfig.FcConfigSubstitute(config, pattern, fontconfig.FcMatchPattern)
        fontconfig.FcDefaultSubstitute(pattern)
        result = ffi.new("FcResult *")
        matched = fontconfig.FcFontMatch(config, pattern, result)
        fontconfig.FcPatternDestroy(pattern)
        if matched == ffi.NULL:
            return None
        value = ffi.new("FcChar8 **")
        found: dict[str, str] = {}
        for key in (b"family", b"file"):
            if fontconfig.FcPatternGetString(matched, key, 0, value) == 0:
                found[key.decode()] = ffi.string(value[0]).decode()
        fontconfig.FcPatternDestroy(matched)
    finally:
        fontconfig.FcConfigDestroy(config)
    if "family" not in found or "file" not in found:
        return None
    return FontMatch(found["family"], found["file"], _font_version(found["file"]))


def _font_version(file: str) -> int | None:
    """The file's size stands in for its version: a font upgrade changes the PDF bytes."""
    try:
        return Path(file).stat().st_size
    except OSError:
        return None


def check_cjk_fonts() -> dict[str, FontMatch]:
    """The font file of each required family; FontMissingError names any that are missing."""
    matches: dict[str, FontMatch] = {}
    missing: list[str] = []
    for family in REQUIRED_FAMILIES:
        match = _match(family)
        # fontconfig always answers with *some* font: only an exact family match will do.
        if match is None or match.family.casefold() != family.casefold() or match.version is None:
            missing.append(family)
        else:
            matches[family] = match
    if missing:
        raise FontMissingError(f"CJK font missing: {', '.join(missing)}; {FIX}")
    return matches


@cache
def cut_faces(version: int = CUT_VERSION) -> tuple[CutFace, ...]:
    """The document faces cut to the characters documents use (`font_cut`, at `version`), built
    once per machine; empty when they cannot be built, and documents then use the full faces."""
    cuts: list[CutFace] = []
    try:
        for face in FACES:
            match = _match(face.family, face.style)
            if match is None or match.family.casefold() != face.family.casefold():
                raise LookupError(f"fontconfig has no {face.family} {face.style}")
            cuts.append(cut_face(face, match.file, version))
    except (OSError, LookupError, ImportError) as exc:
        log.warning("document_font_cut_unavailable", error=str(exc), effect="full faces are used")
        return ()
    return tuple(cuts)


def font_fingerprint(cut_version: int = CUT_VERSION) -> str:
    """Which font files render documents (family=file:size, and the cut faces' version and keys;
    "no cut" for the full faces), recorded with each document."""
    files = ", ".join(f"{family}={Path(m.file).name}:{m.version}" for family, m in check_cjk_fonts().items())
    cuts = cut_faces(cut_version) if cut_version else ()
    # One short key for the four cut faces: the renderer column holds 200 characters.
    joined = hashlib.sha256(" ".join(c.key for c in cuts).encode()).hexdigest()[:12]
    cut = f"cut v{cut_version} {joined}" if cuts else "no cut"
    return f"{files}; {cut}"


async def fonts_ready() -> None:
    """Readiness check for `/readyz`: raises FontMissingError when a CJK font is missing."""
    import asyncio

    await asyncio.to_thread(check_cjk_fonts)
