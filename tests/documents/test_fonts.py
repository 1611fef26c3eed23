"""A missing CJK font is caught at start-up and by /readyz, never discovered as boxes in a PDF."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from infrastructure.db import Database
from infrastructure.documents.fonts import REQUIRED_FAMILIES, FontMissingError, check_cjk_fonts
from infrastructure.settings import Settings


@pytest.fixture
def no_fonts(tmp_path: Path) -> Path:
    """A fontconfig setup without font folders: what a server without fonts-noto-cjk sees."""
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f"<dir>{tmp_path / 'none'}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>"
    )
    return conf


def test_the_cjk_fonts_are_installed_here() -> None:
    fonts = check_cjk_fonts()
    assert set(fonts) == set(REQUIRED_FAMILIES)
    assert all(Path(match.file).exists() for match in fonts.values())


def test_missing_fonts_are_named_with_the_fix(
    no_fonts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FONTCONFIG_FILE", str(no_fonts))
    with pytest.raises(
        FontMissingError,
        match="Noto Serif CJK SC, Noto Sans CJK SC; install the Debian package fonts-noto-cjk",
    ):
        check_cjk_fonts()


async def test_readyz_fails_on_missing_fonts(
    no_fonts: Path, monkeypatch: pytest.MonkeyPatch, settings: Settings, sqlite_db: Database
) -> None:
    app = create_app(settings, db=sqlite_db)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as http:
        monkeypatch.setenv("FONTCONFIG_FILE", str(no_fonts))
        response = await http.get("/readyz")
    assert response.status_code == 503
    assert "fonts" in response.json()["detail"]
    assert "fonts-noto-cjk" in response.json()["checks"]["fonts"]


def test_the_worker_refuses_to_start_without_fonts(no_fonts: Path, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "FONTCONFIG_FILE": str(no_fonts),
        "LABOURFLOW_DATA_DIR": str(tmp_path / "data"),
        "LABOURFLOW_TEMPORAL_ADDRESS": "127.0.0.1:1",
    }
    result = subprocess.run(
        [sys.executable, "-m", "labourflow", "worker"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "error: worker refused to start: CJK font missing: Noto Serif CJK SC, Noto Sans CJK SC;"
        " install the Debian package fonts-noto-cjk (make install)"
    ]
