"""`labourflow documents verify` re-renders a stored document and names what differs."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from activities.deps import ActivityDeps
from activities.documents import DocumentActivities
from devtools.document_samples import sample_for
from domain.documents import DocumentType, RenderDocumentInput
from infrastructure.crypto import Keyring
from infrastructure.db import Database, migrate
from infrastructure.documents.environment import template_info
from infrastructure.settings import PROJECT_ROOT, Settings, get_settings
from labourflow.cli.base import app


@pytest.fixture
def stored(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An opinion notice stored in the settings' database; the CLI reads the same settings."""
    migrate(settings.resolved_database_url)
    sample = sample_for(DocumentType.opinion_notice)

    async def issue() -> str:
        db = Database(settings.resolved_database_url)
        try:
            activities = DocumentActivities(ActivityDeps(settings, db, Keyring.from_settings(settings)))
            ref = await activities.render_document(
                RenderDocumentInput(
                    doc_type=sample.doc_type,
                    subject="matter:SV-2026-000007",
                    idempotency_key="opinion/1",
                    facts=sample.facts,
                    number_series="union-fed-1/opinion_notice",
                    issued_on=date(2026, 9, 21),
                )
            )
            return ref.document_id
        finally:
            await db.dispose()

    document_id = asyncio.run(issue())
    keys = settings.encryption_keys
    for name, value in {
        "ENV": "test",
        "DATA_DIR": str(settings.data_dir),
        "DATABASE_URL": settings.database_url,
        "ENCRYPTION_KEYS": ",".join(f"{k}:{v}" for k, v in keys.items()),
        "ENCRYPTION_KEY_ID": settings.encryption_key_id,
        "LOOKUP_HASH_KEY": settings.lookup_hash_key,
        "SESSION_SECRET": settings.session_secret,
    }.items():
        monkeypatch.setenv(f"LABOURFLOW_{name}", value)
    get_settings.cache_clear()
    yield document_id
    get_settings.cache_clear()


def _templates_copy(tmp_path: Path, old: str, new: str) -> Path:
    copy = tmp_path / "templates"
    shutil.copytree(PROJECT_ROOT / "templates", copy)
    target = copy / "documents" / "opinion_notice.html"
    text = target.read_text("utf-8")
    assert old in text
    target.write_text(text.replace(old, new, 1), "utf-8")
    return copy


def test_verify_says_identical(stored: str) -> None:
    result = CliRunner().invoke(app, ["documents", "verify", stored])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("identical")


def test_verify_names_a_changed_template_version(stored: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    version = template_info(PROJECT_ROOT / "templates", "opinion_notice.html").version
    monkeypatch.setenv(
        "LABOURFLOW_TEMPLATES_DIR",
        str(_templates_copy(tmp_path, f"{{# version: {version} #}}", f"{{# version: {version + 1} #}}")),
    )
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["documents", "verify", stored])
    assert result.exit_code == 1
    assert f"template version: opinion_notice.html is now version {version + 1}, the document used version {version}" in result.output


def test_verify_names_an_unversioned_template_edit(stored: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LABOURFLOW_TEMPLATES_DIR", str(_templates_copy(tmp_path, "特此函告。", "特此函告！")))
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["documents", "verify", stored])
    assert result.exit_code == 1
    assert "html: re-rendered sha256" in result.output
    assert "template sources changed without a version bump" in result.output
    assert "pdf: re-rendered sha256" in result.output


def test_verify_unknown_document(stored: str) -> None:
    result = CliRunner().invoke(app, ["documents", "verify", "no-such-id"])
    assert result.exit_code == 2 and "no document no-such-id" in result.output
