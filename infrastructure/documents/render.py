"""HTML to PDF with WeasyPrint, byte for byte reproducible.

Same HTML in, same PDF out: WeasyPrint 70 takes the PDF dates only from the HTML's `dcterms.created`
/ `dcterms.modified` meta (we set both to the issue date; it ignores SOURCE_DATE_EPOCH and never
uses the clock for them), the producer is a constant, the file identifier is derived from the
document id instead of being random, font subset tags are hashes of the glyphs used, and no
resource is fetched (only `data:` URLs are allowed, so nothing outside the HTML can change the
output). Rendering is serialised by a lock: WeasyPrint is pure Python under the GIL (threads would
not render faster) and Pango/fontconfig have a history of thread-safety crashes.

The PDF's streams (the font subsets, mostly) are deflated at zlib level 6, not pydyf's fixed 9: a
receipt's 17 streams (1 MB) deflate in 18 ms instead of 45 and the receipt renders in 198 ms of CPU
instead of 218, 0.3 % larger (2026-12-06, 2-core Intel Xeon, README "Performance"). The level is
part of the renderer fingerprint recorded with each document, and the reproducibility check
re-renders a document at the level it was issued with (9 for those issued before the level was
recorded).
"""

from __future__ import annotations

import hashlib
import re
import threading
import zlib
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version
from typing import Any

from infrastructure.documents.fonts import FIX, cut_faces, font_fingerprint

_LOCK = threading.Lock()
_FONT_CONFIG: Any = None

FLATE_LEVEL = 6  # zlib level of the streams of the PDFs issued now
FLATE_BEFORE = 9  # pydyf's own level: documents whose renderer fingerprint names no level were deflated at it
_FLATE_TAG = re.compile(r"; flate (\d)$")


class _Flate:
    """What pydyf sees as its `zlib` module: the same, but deflating at `level` (pydyf asks for 9 and
    has no setting). Set under `_LOCK` only, so one rendering's streams all get the same level."""

    level = FLATE_LEVEL

    def compressobj(self, level: int = -1, *args: Any, **kwargs: Any) -> Any:
        return zlib.compressobj(self.level, *args, **kwargs)

    def compress(self, data: bytes, level: int = -1) -> bytes:
        return zlib.compress(data, self.level)

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)


_FLATE = _Flate()


def flate_level_of(renderer: str | None) -> int:
    """The zlib level a document with this recorded renderer fingerprint was deflated at."""
    found = _FLATE_TAG.search(renderer or "")
    return int(found.group(1)) if found else FLATE_BEFORE


class FontFallbackError(RuntimeError):
    """The PDF came out without an embedded CJK font: Chinese text would print as boxes."""


Rect = tuple[float, float, float, float]  # x1, y1, x2, y2 in PDF points from the page's bottom left


@dataclass(frozen=True)
class RenderedPdf:
    pdf: bytes
    page_count: int
    fonts: tuple[str, ...]
    # What is drawn on the last page (text, images, borders, backgrounds): where the signature's
    # seal must not go. Layout facts only, not part of the bytes.
    last_page_ink: tuple[Rect, ...] = ()

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()


@lru_cache(maxsize=1)
def renderer_fingerprint() -> str:
    """What turns HTML into PDF here: WeasyPrint, pydyf, the CJK font files and the zlib level."""
    return f"weasyprint {version('weasyprint')}; pydyf {version('pydyf')}; {font_fingerprint()}; flate {FLATE_LEVEL}"


def _fetch_nothing() -> object:
    from weasyprint import URLFetcher

    return URLFetcher(allowed_protocols=("data",), fail_on_errors=True)


def _font_config() -> Any:
    """One WeasyPrint font configuration per process (call under `_LOCK`): the system fonts plus
    the cut document faces (`font_cut`). Building it per document re-read the font files each
    time; the same configuration gives the same bytes for the same HTML (tests/documents)."""
    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        from weasyprint.text.ffi import ffi, fontconfig, pangoft2
        from weasyprint.text.fonts import FontConfiguration

        config = FontConfiguration()
        cuts = cut_faces()
        for cut in cuts:
            # `_config` is the FcConfig WeasyPrint hands to Pango (Pango keeps it alive); this is
            # what WeasyPrint itself does for an @font-face file.
            if not fontconfig.FcConfigAppFontAddFile(config._config, str(cut.file).encode()):
                raise FontFallbackError(f"fontconfig refused the cut face {cut.file}")
        if cuts:
            pangoft2.pango_fc_font_map_config_changed(ffi.cast("PangoFcFontMap *", config.font_map))
        _FONT_CONFIG = config
    return _FONT_CONFIG


def html_to_pdf(html: str, *, identifier: str, flate_level: int = FLATE_LEVEL) -> RenderedPdf:
    """Render `html` to PDF; `identifier` (the document id) becomes the PDF file identifier;
    `flate_level` is the zlib level of its streams (another than FLATE_LEVEL only to reproduce an
    older document)."""
    import pydyf  # type: ignore[import-untyped]  # no stubs
    from weasyprint import HTML

    with _LOCK:
        pydyf.zlib = _FLATE  # pydyf's module global, see _Flate
        _FLATE.level = flate_level
        document = HTML(string=html, url_fetcher=_fetch_nothing()).render(font_config=_font_config())
        pdf = document.write_pdf(
            pdf_identifier=identifier.encode(),
            pdf_version="1.7",
            uncompressed_pdf=False,
            full_fonts=False,
        )
        fonts = tuple(sorted({font.name.decode().split("+", 1)[-1] for font in document.fonts.values()}))
        ink = _ink(document.pages[-1])
    if not any("CJK" in name for name in fonts):
        raise FontFallbackError(f"no CJK font was embedded (fonts: {', '.join(fonts) or 'none'}); {FIX}")
    return RenderedPdf(pdf=pdf, page_count=len(document.pages), fonts=fonts, last_page_ink=ink)


def _ink(page: Any) -> tuple[Rect, ...]:
    """Rectangles of everything drawn on a laid-out page, in PDF points (CSS px are 0.75 pt)."""
    from weasyprint.formatting_structure import boxes

    height = page.height * 0.75
    rects: list[Rect] = []
    for box in page._page_box.descendants():
        if isinstance(box, boxes.TextBox | boxes.ReplacedBox):
            x, y, w, h = box.position_x, box.position_y, box.width, box.height
        elif getattr(box, "element_tag", None) in ("html", "body"):
            continue  # the page's own background
        elif any(box.style[f"border_{side}_width"] for side in ("top", "right", "bottom", "left")) or (
            box.style["background_color"].alpha > 0 and not isinstance(box, boxes.PageBox)
        ):
            x, y, w, h = box.border_box_x(), box.border_box_y(), box.border_width(), box.border_height()
        else:
            continue
        rects.append((x * 0.75, height - (y + h) * 0.75, (x + w) * 0.75, height - y * 0.75))
    return tuple(rects)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
