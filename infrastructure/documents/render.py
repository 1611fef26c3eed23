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
instead of 218, 0.3 % larger (2026-12-06, 2-core Intel Xeon, README "Performance").

What of the renderer a PDF's bytes depend on and this code can still reproduce, the zlib level and
the version of the cut faces (`font_cut`), is a `Rendering`, named in the renderer fingerprint
recorded with each document; the reproducibility check re-renders a document with the `Rendering`
it was issued with (level 9 for documents issued before the level was recorded, the full faces for
those issued before the faces were cut).
"""

from __future__ import annotations

import hashlib
import re
import threading
import zlib
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from typing import Any

from infrastructure.documents import stylesheet, subset
from infrastructure.documents.font_cut import CUT_VERSION
from infrastructure.documents.fonts import FIX, cut_faces, font_fingerprint

_LOCK = threading.Lock()
_FONT_CONFIGS: dict[int, Any] = {}  # by cut version, 0: the full faces only

FLATE_LEVEL = 6  # zlib level of the streams of the PDFs issued now
FLATE_BEFORE = 9  # pydyf's own level: documents whose renderer fingerprint names no level were deflated at it
_FLATE_TAG = re.compile(r"; flate (\d)$")
_CUT_TAG = re.compile(r"; cut v(\d+) ")


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


@dataclass(frozen=True)
class Rendering:
    """How a PDF is made, as far as its bytes depend on it and this code can make it again."""

    flate_level: int = FLATE_LEVEL  # zlib level of its streams
    cut_version: int = CUT_VERSION  # the cut faces' version (`font_cut`); 0: the full faces


CURRENT = Rendering()  # what documents are issued with now


def rendering_of(renderer: str | None) -> Rendering:
    """How the document with this recorded renderer fingerprint was made: its zlib level (pydyf's 9
    before the level was recorded) and its cut faces (none before they were recorded, or when they
    could not be built: "no cut")."""
    flate = _FLATE_TAG.search(renderer or "")
    cut = _CUT_TAG.search(renderer or "")
    return Rendering(
        flate_level=int(flate.group(1)) if flate else FLATE_BEFORE,
        cut_version=int(cut.group(1)) if cut else 0,
    )


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


@cache
def renderer_fingerprint(rendering: Rendering = CURRENT) -> str:
    """What turns HTML into PDF here: WeasyPrint, pydyf, the CJK font files with the cut faces and
    the zlib level."""
    fonts = font_fingerprint(rendering.cut_version)
    return f"weasyprint {version('weasyprint')}; pydyf {version('pydyf')}; {fonts}; flate {rendering.flate_level}"


def _fetch_nothing() -> object:
    from weasyprint import URLFetcher

    return URLFetcher(allowed_protocols=("data",), fail_on_errors=True)


def _font_config(cut_version: int) -> Any:
    """One WeasyPrint font configuration per process and cut version (call under `_LOCK`): the
    system fonts plus the cut document faces of that version (`font_cut`; none for 0). Building it
    per document re-read the font files each time; the same configuration gives the same bytes for
    the same HTML (tests/documents)."""
    config = _FONT_CONFIGS.get(cut_version)
    if config is None:
        from weasyprint.text.ffi import ffi, fontconfig, pangoft2
        from weasyprint.text.fonts import FontConfiguration

        config = FontConfiguration()
        cuts = cut_faces(cut_version) if cut_version else ()
        for cut in cuts:
            # `_config` is the FcConfig WeasyPrint hands to Pango (Pango keeps it alive); this is
            # what WeasyPrint itself does for an @font-face file.
            if not fontconfig.FcConfigAppFontAddFile(config._config, str(cut.file).encode()):
                raise FontFallbackError(f"fontconfig refused the cut face {cut.file}")
        if cuts:
            pangoft2.pango_fc_font_map_config_changed(ffi.cast("PangoFcFontMap *", config.font_map))
        _FONT_CONFIGS[cut_version] = config
    return config


def html_to_pdf(html: str, *, identifier: str, rendering: Rendering = CURRENT, shared_css: str = "") -> RenderedPdf:
    """Render `html` to PDF; `identifier` (the document id) becomes the PDF file identifier;
    `rendering` another than CURRENT only to reproduce an older document; `shared_css`, a
    stylesheet text that documents' `<style>` starts with, is parsed once per process (`stylesheet`)."""
    import pydyf  # type: ignore[import-untyped]  # no stubs
    from weasyprint import HTML

    with _LOCK:
        subset.install()  # font subsets from faces HarfBuzz prepared once, the same bytes (`subset`)
        pydyf.zlib = _FLATE  # pydyf's module global, see _Flate
        _FLATE.level = rendering.flate_level
        font_config = _font_config(rendering.cut_version)
        with stylesheet.sharing(shared_css):
            document = HTML(string=html, url_fetcher=_fetch_nothing()).render(font_config=font_config)
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
