"""The cut document faces (infrastructure/documents/font_cut.py): small, renamed, used by every
document, and never the reason a character prints as a box."""

from __future__ import annotations

from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from infrastructure.documents import font_cut
from infrastructure.documents.font_cut import FACES, charset
from infrastructure.documents.fonts import _match, cut_faces
from infrastructure.documents.render import html_to_pdf
from tests.documents.support import pdf_fonts, pdf_text


def test_the_charset_is_gb2312_with_punctuation_and_latin() -> None:
    points = set(charset())
    # GB 2312 level 1 and 2 hanzi, the 文号 brackets, full-width and enumerated forms, pinyin.
    for char in "李建国劳动争议仲裁委员会齄〔〕《》（）：①Ⅱ№ǎüA9":
        assert ord(char) in points, char
    # Outside GB 2312: drawn from the full face (see below).
    for char in "喆赟玥":
        assert ord(char) not in points, char
    assert 6763 + 94 < len(points) < 9000


def test_every_face_is_cut_small_and_renamed() -> None:
    cuts = cut_faces()
    assert [(c.face.family, c.face.style) for c in cuts] == [(f.family, f.style) for f in FACES]
    for cut in cuts:
        source = _match(cut.face.family, cut.face.style)
        assert source is not None
        font = TTFont(cut.file, lazy=True)
        assert font["name"].getDebugName(1) == cut.face.family + " LF"
        assert font["name"].getDebugName(2) == cut.face.style
        # Noto CJK holds about 65,000 glyphs per face; the cut about 13,000 (layout variants kept).
        assert font["maxp"].numGlyphs < 16_000, (cut.file, font["maxp"].numGlyphs)
        assert cut.file.stat().st_size < Path(source.file).stat().st_size / 3


def test_the_cut_is_built_once_and_rebuilt_for_a_new_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LABOURFLOW_FONT_CACHE", str(tmp_path))
    face = FACES[2]
    source = _match(face.family, face.style)
    assert source is not None
    first = font_cut.cut_face(face, source.file)
    built = first.file.stat().st_mtime_ns
    again = font_cut.cut_face(face, source.file)
    assert (again.file, again.file.stat().st_mtime_ns) == (first.file, built)
    monkeypatch.setattr(font_cut, "CUT_VERSION", font_cut.CUT_VERSION + 1)
    bumped = font_cut.cut_face(face, source.file)
    assert bumped.key != first.key and bumped.file != first.file and bumped.file.exists()
    assert not list(tmp_path.glob("*.part"))


STYLE = "<style>body { font-family: 'Noto Serif CJK SC LF', 'Noto Serif CJK SC', serif; } b { font-weight: bold; }</style>"


def test_documents_embed_the_cut_faces() -> None:
    rendered = html_to_pdf(f"<html>{STYLE}<body>申请人李建国<b>受理回执</b></body></html>", identifier="t1")
    names = [font["name"] for font in pdf_fonts(rendered.pdf)]
    assert names and all("-LF" in name for name in names), names
    assert "申请人李建国" in pdf_text(rendered.pdf)


def test_a_character_outside_the_cut_comes_from_the_full_face() -> None:
    rendered = html_to_pdf(f"<html>{STYLE}<body>申请人王喆、陈赟</body></html>", identifier="t2")
    names = [font["name"].split("+", 1)[-1] for font in pdf_fonts(rendered.pdf)]
    assert "Noto-Serif-CJK-SC-LF" in names and "Noto-Serif-CJK-SC" in names, names
    assert "申请人王喆、陈赟" in pdf_text(rendered.pdf).replace("\n", "")


def test_the_renderer_fingerprint_fits_its_column() -> None:
    from infrastructure.documents.render import renderer_fingerprint
    from infrastructure.tables import StoredDocument

    limit = StoredDocument.model_fields["renderer"].metadata[0].max_length
    fingerprint = renderer_fingerprint()
    assert "cut v" in fingerprint and len(fingerprint) <= limit, (len(fingerprint), fingerprint)
