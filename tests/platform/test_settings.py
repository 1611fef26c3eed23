"""Settings: development defaults generate and keep secrets; production refuses missing ones."""

from pathlib import Path

import pytest

from infrastructure.settings import Environment, Settings, SettingsError, finalise


def test_development_generates_secrets_once(tmp_path: Path) -> None:
    first = finalise(Settings(data_dir=tmp_path))
    second = finalise(Settings(data_dir=tmp_path))
    assert first.session_secret and first.session_secret == second.session_secret
    assert first.encryption_keys == second.encryption_keys
    assert first.resolved_database_url == f"sqlite:///{tmp_path / 'infrastructure.db'}"


def test_production_names_every_missing_secret(tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as err:
        finalise(Settings(env=Environment.production, data_dir=tmp_path))
    message = str(err.value)
    for name in ("LABOURFLOW_DATABASE_URL", "LABOURFLOW_SESSION_SECRET", "LABOURFLOW_ENCRYPTION_KEYS", "LABOURFLOW_LOOKUP_HASH_KEY"):
        assert name in message


def test_keys_parse_from_env_string(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    key = "A" * 43 + "="
    monkeypatch.setenv("LABOURFLOW_ENCRYPTION_KEYS", f"old:{key},new:{key}")
    monkeypatch.setenv("LABOURFLOW_ENCRYPTION_KEY_ID", "new")
    settings = finalise(Settings(data_dir=tmp_path))
    assert set(settings.key_bytes()) == {"old", "new"} and settings.encryption_key_id == "new"


def test_unknown_active_key_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LABOURFLOW_ENCRYPTION_KEYS", "k1:" + "A" * 43 + "=")
    monkeypatch.setenv("LABOURFLOW_ENCRYPTION_KEY_ID", "k9")
    with pytest.raises(SettingsError, match="k9"):
        finalise(Settings(data_dir=tmp_path))
