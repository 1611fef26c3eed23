"""One settings class for every process (API, worker, CLI), read from `LABOURFLOW_*` variables.

Defaults give the embedded development setup: SQLite and a Temporal dev server under `./data`.
In development the secrets are generated once and kept in `data/dev-secrets.json`, so a restart
can still decrypt what it stored. With `LABOURFLOW_ENV=production` every secret must be given.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Environment(StrEnum):
    development = "development"
    test = "test"
    production = "production"


class SettingsError(RuntimeError):
    """A setting is missing or invalid; the message names it and says how to fix it."""


class Settings(BaseSettings):
    """All configuration of labourflow. Every field is documented in README.md (Configuration)."""

    model_config = SettingsConfigDict(env_prefix="LABOURFLOW_", extra="ignore")

    env: Environment = Environment.development
    data_dir: Path = Path("data")
    database_url: str = ""

    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    temporal_ui_port: int = 8233
    temporal_ui_origins: list[str] = Field(default_factory=list)  # extra Temporal UI origins allowed to use the codec
    temporal_start_dev_server: bool = True
    task_queue: str = "labourflow"
    # `labourflow run` starts the document worker this much nicer than the rest (0: same priority),
    # so that intake and workflow tasks come first during a burst and documents follow.
    document_worker_nice: int = Field(default=10, ge=0, le=19)

    api_host: str = "127.0.0.1"
    api_port: int = 8000
    public_url: str = ""

    session_secret: str = ""
    encryption_keys: Annotated[dict[str, str], NoDecode] = Field(default_factory=dict)
    encryption_key_id: str = ""
    lookup_hash_key: str = ""

    demo_password: str = ""
    jurisdiction: str = "national"
    region: str = "shanghai-pudong"
    calendar_dir: Path | None = None
    evidence_dir: Path | None = None
    templates_dir: Path = PROJECT_ROOT / "templates"

    log_format: str = "auto"
    log_level: str = "INFO"

    max_body_bytes: int = 1_048_576
    max_upload_bytes: int = 10_485_760
    intake_min_fill_seconds: float = 3.0
    rate_limit_intake: str = "20/60"  # requests per seconds, per client address
    rate_limit_login: str = "10/60"
    rate_limit_access: str = "30/60"
    supervision_suggest_complaints: int = 3
    supervision_suggest_window_days: int = 90
    # Worker Versioning (deploy/README.md, "Upgrading"): every worker polls as one version of one
    # deployment. "" picks the defaults: the task queue's name, and the package version with a hash of
    # the workflow code (a code change is a new build without anyone remembering to bump anything).
    deployment_name: str = ""
    build_id: str = ""
    # When a worker makes its own version the deployment's current one: `always` (development: a code
    # change takes over at once), `first` (only when the deployment has no current version yet: the
    # first installation; later builds are made current by the operator) or `never`. "" = `always`
    # in development, `first` otherwise.
    deployment_set_current: Literal["", "first", "always", "never"] = ""

    @field_validator("encryption_keys", mode="before")
    @classmethod
    def _parse_keys(cls, value: object) -> object:
        """Accept `kid1:base64key,kid2:base64key` as well as a dict."""
        if isinstance(value, str):
            pairs = [item.strip() for item in value.split(",") if item.strip()]
            parsed: dict[str, str] = {}
            for pair in pairs:
                kid, sep, key = pair.partition(":")
                if not sep or not kid or not key:
                    raise ValueError(
                        "LABOURFLOW_ENCRYPTION_KEYS must look like 'k1:<base64 32-byte key>,k2:...'"
                    )
                parsed[kid] = key
            return parsed
        return value

    @property
    def is_production(self) -> bool:
        return self.env is Environment.production

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'infrastructure.db'}"

    @property
    def resolved_calendar_dir(self) -> Path:
        return self.calendar_dir or self.data_dir / "calendar"

    @property
    def resolved_evidence_dir(self) -> Path:
        return self.evidence_dir or self.data_dir / "evidence"

    @property
    def temporal_db_file(self) -> Path:
        return self.data_dir / "temporal.db"

    @property
    def base_url(self) -> str:
        return self.public_url or f"http://{self.api_host}:{self.api_port}"

    def key_bytes(self) -> dict[str, bytes]:
        """Decoded AES-256 keys by key id."""
        decoded: dict[str, bytes] = {}
        for kid, text in self.encryption_keys.items():
            raw = base64.b64decode(text)
            if len(raw) != 32:
                raise SettingsError(
                    f"LABOURFLOW_ENCRYPTION_KEYS: key '{kid}' must be 32 bytes (base64), got {len(raw)}"
                )
            decoded[kid] = raw
        return decoded

    @field_validator("deployment_name")
    @classmethod
    def _deployment_name_has_no_dot(cls, value: str) -> str:
        """Temporal writes a version as `<deployment>.<build id>`, so a dot would make it ambiguous."""
        if "." in value:
            raise ValueError("LABOURFLOW_DEPLOYMENT_NAME 不能包含“.” / must not contain a dot")
        return value

    @property
    def resolved_deployment_name(self) -> str:
        """The Worker Deployment's name: the setting, or the task queue (dots replaced, see above)."""
        return self.deployment_name or self.task_queue.replace(".", "-")

    @property
    def resolved_deployment_set_current(self) -> str:
        """`always` in development (nothing to do after a code change), `first` otherwise."""
        if self.deployment_set_current:
            return self.deployment_set_current
        return "always" if self.env is Environment.development else "first"


_SECRET_FIELDS = ("session_secret", "encryption_keys", "lookup_hash_key")


def _dev_secrets(data_dir: Path) -> dict[str, object]:
    """Generate (once) and reuse development secrets, so restarts keep decrypting old data."""
    path = data_dir / "dev-secrets.json"
    if path.exists():
        loaded: dict[str, object] = json.loads(path.read_text())
        return loaded
    data_dir.mkdir(parents=True, exist_ok=True)
    values: dict[str, object] = {
        "session_secret": secrets.token_urlsafe(32),
        "encryption_keys": {"dev1": base64.b64encode(secrets.token_bytes(32)).decode()},
        "encryption_key_id": "dev1",
        "lookup_hash_key": secrets.token_urlsafe(32),
    }
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(values, handle, indent=2)
    return values


def finalise(settings: Settings) -> Settings:
    """Fill development secrets, or stop production start-up naming the missing secret."""
    missing = [name for name in _SECRET_FIELDS if not getattr(settings, name)]
    if settings.is_production:
        if not settings.database_url:
            missing.insert(0, "database_url")
        if missing:
            names = ", ".join(f"LABOURFLOW_{name.upper()}" for name in missing)
            raise SettingsError(f"production start-up refused: missing secret setting(s): {names}")
    elif missing:
        generated = _dev_secrets(settings.data_dir)
        settings = settings.model_copy(
            update={name: generated[name] for name in missing}
            | ({} if settings.encryption_key_id else {"encryption_key_id": generated["encryption_key_id"]})
        )
    if not settings.encryption_key_id:
        settings = settings.model_copy(update={"encryption_key_id": next(iter(settings.encryption_keys))})
    if settings.encryption_key_id not in settings.encryption_keys:
        raise SettingsError(
            f"LABOURFLOW_ENCRYPTION_KEY_ID '{settings.encryption_key_id}' is not one of "
            f"LABOURFLOW_ENCRYPTION_KEYS ({', '.join(settings.encryption_keys)})"
        )
    settings.key_bytes()
    return settings


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (cached); tests build their own `Settings` instead."""
    return finalise(Settings())
