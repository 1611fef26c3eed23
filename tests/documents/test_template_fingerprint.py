"""A template's fingerprint follows its sources as they are on disk now, in one running process:
the parsed references are kept by source text, so an edit to any template a document depends on,
or a new include, changes the fingerprint (what `documents verify` relies on to name an
unversioned template edit)."""

from __future__ import annotations

import shutil
from pathlib import Path

from infrastructure.documents.environment import template_info

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _copy(tmp_path: Path) -> Path:
    copy = tmp_path / "templates"
    shutil.copytree(TEMPLATES / "documents", copy / "documents")
    return copy


def test_an_edit_to_a_template_it_extends_changes_the_fingerprint(tmp_path: Path) -> None:
    templates = _copy(tmp_path)
    first = template_info(templates, "opinion_notice.html")
    assert template_info(templates, "opinion_notice.html") == first  # stable while nothing changes
    base = templates / "documents" / "_letter.html"
    base.write_text(base.read_text("utf-8") + "\n{# an edit #}\n", "utf-8")
    edited = template_info(templates, "opinion_notice.html")
    assert edited.version == first.version and edited.sha256 != first.sha256


def test_a_new_include_is_followed(tmp_path: Path) -> None:
    templates = _copy(tmp_path)
    first = template_info(templates, "opinion_notice.html")
    (templates / "documents" / "_extra.html").write_text("<p>附</p>\n", "utf-8")
    notice = templates / "documents" / "opinion_notice.html"
    notice.write_text(notice.read_text("utf-8") + '{% include "_extra.html" %}\n', "utf-8")
    with_include = template_info(templates, "opinion_notice.html")
    assert with_include.sha256 != first.sha256
    (templates / "documents" / "_extra.html").write_text("<p>附件</p>\n", "utf-8")
    assert template_info(templates, "opinion_notice.html").sha256 != with_include.sha256, "the included file is part of it"
