"""Page environments share their compiled templates within a process (api/templating.py), and an
edited template is compiled afresh, not served from the shared code."""

from __future__ import annotations

import os
from pathlib import Path

from api.templating import page_environment


def _templates(root: Path, body: str) -> Path:
    (root / "pages").mkdir(parents=True, exist_ok=True)
    page = root / "pages" / "hello.html"
    page.write_text(body, encoding="utf-8")
    return page


def test_a_second_environment_renders_the_same_and_an_edit_is_seen(tmp_path: Path) -> None:
    page = _templates(tmp_path, "你好 {{ name }}")
    assert page_environment(tmp_path).get_template("hello.html").render(name="张三") == "你好 张三"
    assert page_environment(tmp_path).get_template("hello.html").render(name="李四") == "你好 李四"
    page.write_text("再见 {{ name }}", encoding="utf-8")
    os.utime(page, (page.stat().st_atime, page.stat().st_mtime + 5))
    assert page_environment(tmp_path).get_template("hello.html").render(name="张三") == "再见 张三"


def test_the_same_name_in_another_folder_is_its_own_template(tmp_path: Path) -> None:
    _templates(tmp_path / "a", "A {{ name }}")
    _templates(tmp_path / "b", "B {{ name }}")
    assert page_environment(tmp_path / "a").get_template("hello.html").render(name="x") == "A x"
    assert page_environment(tmp_path / "b").get_template("hello.html").render(name="x") == "B x"
