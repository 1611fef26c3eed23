"""The cut document faces (infrastructure/documents/font_cut.py): small, renamed, used by every
document, and never the reason a character prints as a box."""

from __future__ import annotations

import io
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
    first = font_cut.cut_face(face, source.file, 1)
    built = first.file.stat().st_mtime_ns
    again = font_cut.cut_face(face, source.file, 1)
    assert (again.file, again.file.stat().st_mtime_ns) == (first.file, built)
    current = font_cut.cut_face(face, source.file)
    assert font_cut.CUT_VERSION == 2 and current.key != first.key and current.file != first.file and current.file.exists()
    assert not list(tmp_path.glob("*.part"))
    with pytest.raises(ValueError, match="unknown font cut version 3"):
        font_cut.cut_face(face, source.file, 3)


def test_a_cache_holding_the_cut_is_only_read(tmp_path: Path) -> None:
    """As in the image, whose cache folder is read-only to the workers: a process that finds the
    cut writes nothing (no lock file, no part file)."""
    import os
    import shutil
    import subprocess
    import sys

    for cut in cut_faces():  # the cut as the image's build leaves it
        shutil.copy(cut.file, tmp_path / cut.file.name)
    before = sorted(p.name for p in tmp_path.iterdir())
    env = os.environ | {"LABOURFLOW_FONT_CACHE": str(tmp_path)}
    script = "from infrastructure.documents.fonts import cut_faces; print(len(cut_faces()))"
    root = Path(__file__).resolve().parents[2]
    found = subprocess.run([sys.executable, "-c", script], env=env, cwd=root, capture_output=True, text=True, check=True)
    assert found.stdout.split()[-1] == str(len(FACES)) and sorted(p.name for p in tmp_path.iterdir()) == before


def _cut_into(folder: Path, monkeypatch: pytest.MonkeyPatch, face: font_cut.Face, version: int) -> bytes:
    monkeypatch.setenv("LABOURFLOW_FONT_CACHE", str(folder))
    source = _match(face.family, face.style)
    assert source is not None
    return font_cut.cut_face(face, source.file, version).file.read_bytes()


def test_the_cut_is_the_same_bytes_wherever_and_whenever_it_is_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """So that a document re-renders identically on another machine, or after the cache is lost."""
    from fontTools.ttLib.tables import _h_e_a_d

    face = FACES[2]
    today = _cut_into(tmp_path / "a", monkeypatch, face, 2)
    monkeypatch.setattr(_h_e_a_d, "timestampNow", lambda: 3_000_000_000)  # a cut made years later
    assert _cut_into(tmp_path / "b", monkeypatch, face, 2) == today
    # Version 1 stamped the time of the cut: this is why its documents need the cut they were issued with.
    first = _cut_into(tmp_path / "c", monkeypatch, face, 1)
    monkeypatch.setattr(_h_e_a_d, "timestampNow", lambda: 3_100_000_000)
    assert _cut_into(tmp_path / "d", monkeypatch, face, 1) != first


def test_everyday_characters_have_the_first_glyphs() -> None:
    """Embedded subsets keep glyph ids: a document in common characters must stop at a low one."""
    for cut in cut_faces():
        font = TTFont(cut.file, lazy=True)
        gid = {name: number for number, name in enumerate(font.getGlyphOrder())}
        rank: dict[str, int] = {}  # a glyph drawn for several characters goes with the first
        for point, name in font.getBestCmap().items():
            rank[name] = min(rank.get(name, 9), font_cut.order_rank(point))
        by_rank: dict[int, list[int]] = {}
        for name, first in rank.items():
            by_rank.setdefault(first, []).append(gid[name])
        # punctuation and Latin, level-1 hanzi, the rest, level-2 hanzi: each after the one before
        assert sorted(by_rank) == [0, 1, 2, 3]
        assert max(by_rank[0]) < min(by_rank[1]) and max(by_rank[1]) < min(by_rank[2]) < min(by_rank[3]), cut.file
        assert max(by_rank[1]) < 5_000, cut.file  # about 13,000 before
    assert font_cut.order_rank(ord("，")) == font_cut.order_rank(ord("〔")) == font_cut.order_rank(ord("A")) == 0
    assert font_cut.order_rank(ord("劳")) == 1 and font_cut.order_rank(ord("①")) == 2 and font_cut.order_rank(ord("齄")) == 3


def test_a_document_in_everyday_characters_stops_at_a_low_glyph(monkeypatch: pytest.MonkeyPatch) -> None:
    """Digits (drawn with the zh-CN forms), the `fl` ligature, punctuation and common hanzi: every
    glyph a document embeds is among the first 4,500 of the cut (about 14,000 before)."""
    from weasyprint.pdf import fonts as pdf_fonts_module

    used: dict[str, int] = {}
    subset = pdf_fonts_module.Font._harfbuzz_subset

    def record(font: object, to_unicode: dict[int, str], hinting: bool) -> None:
        used[str(font.name)] = max(to_unicode)  # type: ignore[attr-defined]
        subset(font, to_unicode, hinting)

    monkeypatch.setattr(pdf_fonts_module.Font, "_harfbuzz_subset", record)
    text = "申请人李建国于2026年3月2日申请劳动争议仲裁，金额36,000.00元（见附件）。The office’s flow: 0123456789."
    sans = f"<p style='font-family: \"Noto Sans CJK SC LF\"'>{text}</p>"
    html_to_pdf(f"<html lang='zh-CN'>{STYLE}<body>{text}<b>{text}</b>{sans}</body></html>", identifier="t0")
    assert len(used) == 3 and all(high < 4_500 for high in used.values()), used


def test_the_reordered_cut_draws_its_glyphs_as_the_source_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reorder moves glyphs, never changes them: glyphs of the current cut draw as the same
    glyphs of the version-1 cut (which kept the source's order) and characters as in the full face
    (samples of each: a wrong hinting dictionary garbles most glyphs), and the layout tables
    substitute the same glyphs."""
    from fontTools.pens.recordingPen import RecordingPen
    from fontTools.ttLib import TTCollection

    face = FACES[1]  # a serif face: the body text of every document
    source = _match(face.family, face.style)
    assert source is not None
    v1_bytes, v2_bytes = _cut_into(tmp_path / "v1", monkeypatch, face, 1), _cut_into(tmp_path / "v2", monkeypatch, face, 2)
    before, current = TTFont(io.BytesIO(v1_bytes)), TTFont(io.BytesIO(v2_bytes))
    assert current.getGlyphOrder() != before.getGlyphOrder()
    assert sorted(current.getGlyphOrder()) == sorted(before.getGlyphOrder())

    def drawn(font: TTFont, name: str) -> tuple[object, int]:
        pen = RecordingPen()
        glyph = font.getGlyphSet()[name]
        glyph.draw(pen)
        return pen.value, glyph.width

    for name in before.getGlyphOrder()[::7]:  # a sample: a wrong hinting dictionary shows in any
        assert drawn(current, name) == drawn(before, name), name
    index = font_cut._face_index(source.file, face)
    full = TTCollection(source.file, lazy=True).fonts[index]
    full_cmap, cmap = full.getBestCmap(), current.getBestCmap()
    for point in sorted(cmap)[::23]:  # every 23rd character: the full face is slow to draw from
        assert drawn(current, cmap[point]) == drawn(full, full_cmap[point]), chr(point)

    def substitutions(font: TTFont) -> list[dict[str, str]]:
        tables = (getattr(sub, "ExtSubTable", sub) for lookup in font["GSUB"].table.LookupList.Lookup for sub in lookup.SubTable)
        return [dict(table.mapping) for table in tables if hasattr(table, "mapping")]

    assert substitutions(current) == substitutions(before) and substitutions(current)


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
