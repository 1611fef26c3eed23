"""One settings class for every process (API, worker, CLI), read from `LABOURFLOW_*` variables.

Defaults give the embedded development setup: SQLite and a Temporal dev server under `./data`.
In development the secrets are generated once and kept in `data/dev-secrets.json`, so a restart
can still decrypt what it stored. With `LABOURFLOW_ENV=production` every secret must be given.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import os
import secrets
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

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
    # `labourflow run` starts the document worker this much nicer than the API and the Temporal
    # server (0: same priority), and the workflow worker this much: a person waiting for an answer
    # comes first, the work behind an accepted case follows, documents last. Set per session group
    # as well (`infrastructure.priority`): until 2026-12-06 a plain `os.nice` was ignored under Linux's
    # autogroup scheduling. `--only intake`: c=50 82 -> 103 cases/s with 10 instead of 5 (README).
    document_worker_nice: int = Field(default=15, ge=0, le=19)
    workflow_worker_nice: int = Field(default=10, ge=0, le=19)

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
    rate_limit_agency_token: str = "30/60"  # noqa: S105 (a rate, not a secret): client-credentials token requests (a token lasts an hour)
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

    # Connection security (deploy/README.md, "Secure connections"); all off by default.
    # Temporal: TLS to the frontend, with a private CA and/or a client certificate (mTLS), or an
    # API key (Temporal Cloud; implies TLS with the system's CAs).
    temporal_tls: bool = False
    temporal_tls_server_ca: Path | None = None
    temporal_tls_client_cert: Path | None = None
    temporal_tls_client_key: Path | None = None
    temporal_tls_server_name: str = ""
    temporal_api_key: str = ""
    # PostgreSQL: libpq's sslmode and certificate files, added to the database URL unless it names them.
    database_sslmode: Literal["", "disable", "allow", "prefer", "require", "verify-ca", "verify-full"] = ""
    database_sslrootcert: Path | None = None
    database_sslcert: Path | None = None
    database_sslkey: Path | None = None
    # How long a stopping worker lets activities in flight finish before cancelling them; keep it
    # below the orchestrator's grace period (compose `stop_grace_period`, Kubernetes
    # `terminationGracePeriodSeconds`), which then kills the process.
    worker_graceful_shutdown_seconds: float = Field(default=30.0, ge=0)
    # Observability (README, "Observability"). Metrics: the API serves /metrics itself, to direct
    # (not proxied) requests from these networks only; each worker process serves Temporal's SDK
    # metrics and the product's on its own port (the document worker on the next one); 0 turns a
    # worker's endpoint off. The dev server `labourflow run` starts serves Temporal's own metrics.
    metrics_allowed_networks: list[str] = Field(
        default_factory=lambda: ["127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"])
    worker_metrics_host: str = "127.0.0.1"
    worker_metrics_port: int = Field(default=9464, ge=0, le=65534)
    temporal_metrics_port: int = Field(default=9466, ge=0, le=65535)
    metrics_sample_seconds: float = Field(default=15.0, gt=0)  # how often a workflow worker counts the backlog
    # The monitoring pages hide a figure resting on fewer workers than this (small-cell suppression).
    monitoring_min_workers: int = Field(default=5, ge=1, le=1000)
    # The monitoring pages reuse a report's reads for the same filters this long while no case's
    # figures changed (0: read every time).
    monitoring_cache_seconds: float = Field(default=30.0, ge=0, le=3600)
    # Traces: spans are made in every process (so log lines carry trace and span ids) and exported
    # over OTLP/HTTP only when an endpoint is set, e.g. http://otel-collector:4318/v1/traces.
    # The workflow sandbox re-imports the workflow modules for each run (the SDK's default), so its
    # restrictions also catch workflow code reaching for the clock or I/O: the test suite sets it;
    # production passes `workflows` through, imported once per process (README, "Performance").
    strict_sandbox: bool = False
    tracing: bool = True
    otlp_endpoint: str = ""
    trace_sample_ratio: float = Field(default=1.0, ge=0, le=1)
    # Several replicas of each process (README "Configuration", deploy/README.md).
    # Peers allowed to say who the client is (X-Forwarded-For): addresses or networks, comma-separated.
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)
    rate_limit_storage: str = "memory://"  # memory:// (this process) or redis://host:port (shared)
    outbox_lease_seconds: float = Field(default=300, gt=0)  # a dead dispatcher's claims are retried after this
    # Where evidence, attachments, calendar years and documents' content are kept: `auto` is files
    # beside a SQLite database (one machine) and the database's `blob` table with PostgreSQL;
    # `files` a folder (LABOURFLOW_OBJECTS_DIR), `database` the blob table, `s3` a bucket.
    storage: Literal["auto", "files", "database", "s3"] = "auto"
    objects_dir: Path | None = None  # for `files`; default: `<sqlite file>.objects/` beside the database, else data/objects
    s3_endpoint: str = ""  # empty: the provider's default (AWS); e.g. http://minio:9000, https://oss-cn-hangzhou.aliyuncs.com
    s3_bucket: str = ""
    s3_access_key: str = ""  # empty: boto3's own chain (environment, instance role)
    s3_secret_key: str = ""
    s3_region: str = "us-east-1"
    s3_addressing: Literal["path", "virtual"] = "path"
    s3_prefix: str = ""  # key prefix inside the bucket, so one bucket can serve several installations
    email_sender: Literal["log", "smtp"] = "log"
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: Literal["starttls", "tls", "none"] = "starttls"
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = ""
    smtp_ca_file: Path | None = None  # a private CA for the relay's certificate
    smtp_timeout: float = Field(default=30, gt=0)
    sms_sender: Literal["log", "tencent"] = "log"
    sms_secret_id: str = ""
    sms_secret_key: str = ""
    sms_region: str = "ap-guangzhou"
    sms_app_id: str = ""  # SmsSdkAppId
    sms_sign_name: str = ""  # the approved signature (签名)
    sms_templates: dict[str, str] = Field(default_factory=dict)  # our message template -> approved template id
    sms_endpoint: str = "sms.tencentcloudapi.com"
    sms_timeout: float = Field(default=30, gt=0)
    # Signed documents (README "Signed documents"). Every issued PDF is signed by the organisation
    # that issues it. Development and tests: a development CA under `signing_pki_dir` (default
    # data_dir/pki) makes TEST certificates on demand; on unless production. Production: one key per
    # organisation code, `{"code": {"kind": "pkcs12", "path": ..., "passphrase": ...}}` or
    # `{"kind": "pkcs11", "module": ..., "token_label": ..., "key_label": ..., "pin": ...}`, the files
    # mounted as secrets; verification trusts `signing_trust_roots` and reads `signing_crls` (files a
    # job keeps fresh). A time-stamping authority (RFC 3161) makes the signatures PAdES B-T.
    signing_dev_ca: bool | None = None  # None: on outside production
    signing_pki_dir: Path | None = None
    signing_keys: dict[str, dict[str, object]] = Field(default_factory=dict)
    signing_trust_roots: list[Path] = Field(default_factory=list)
    signing_crls: list[Path] = Field(default_factory=list)
    signing_platform_code: str = "labourflow"  # signs what no organisation issues (a worker's own application)
    signing_platform_name: str = "劳动争议在线服务平台"
    tsa_url: str = ""
    tsa_timeout: float = Field(default=10, gt=0)
    rate_limit_verify: str = "30/60"
    # Agencies' own systems (README "Agencies' own systems"): client-credentials tokens and webhooks.
    agency_token_seconds: int = Field(default=3600, ge=60, le=86400)
    webhook_backoff_seconds: float = Field(default=5.0, gt=0)  # first retry; doubled each failure
    webhook_backoff_max_seconds: float = Field(default=3600.0, gt=0)  # retries never wait longer than this
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)  # one delivery's HTTP request
    webhook_poll_seconds: float = Field(default=2.0, gt=0)  # how often an idle deliverer looks for new events
    webhook_lease_seconds: float = Field(default=120.0, gt=0)  # a dead deliverer's receiver is taken over after this
    webhook_secret_grace_seconds: float = Field(default=86400.0, ge=0)  # the old signing secret still signs this long

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

    @field_validator("metrics_allowed_networks")
    @classmethod
    def _check_networks(cls, value: list[str]) -> list[str]:
        """Each entry must be a network (10.0.0.0/8) or an address; say which one is not."""
        for entry in value:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(f"LABOURFLOW_METRICS_ALLOWED_NETWORKS: '{entry}' is not a network like 10.0.0.0/8") from None
        return value
    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _parse_networks(cls, value: object) -> object:
        """Accept `10.0.0.0/8,192.168.1.7` as well as a list; refuse what is not an address or a network."""
        items = [item.strip() for item in value.split(",") if item.strip()] if isinstance(value, str) else value
        if isinstance(items, list):
            for item in items:
                try:
                    ipaddress.ip_network(str(item), strict=False)
                except ValueError:
                    raise ValueError(
                        f"LABOURFLOW_TRUSTED_PROXIES: '{item}' is not an IP address or network (e.g. 10.0.0.0/8,192.168.1.7)"
                    ) from None
        return items

    @property
    def is_production(self) -> bool:
        return self.env is Environment.production

    @property
    def resolved_database_url(self) -> str:
        """The database URL, with the `LABOURFLOW_DATABASE_SSL*` settings added as libpq parameters."""
        url = self.database_url or f"sqlite:///{self.data_dir / 'infrastructure.db'}"
        return with_ssl_parameters(url, self.database_ssl_parameters())

    def database_ssl_parameters(self) -> dict[str, str]:
        """libpq TLS parameters (sslmode, sslrootcert, sslcert, sslkey) given by settings."""
        values = {
            "sslmode": self.database_sslmode,
            "sslrootcert": str(self.database_sslrootcert or ""),
            "sslcert": str(self.database_sslcert or ""),
            "sslkey": str(self.database_sslkey or ""),
        }
        return {name: value for name, value in values.items() if value}

    @property
    def resolved_calendar_dir(self) -> Path:
        return self.calendar_dir or self.data_dir / "calendar"

    @property
    def sqlite_file(self) -> Path | None:
        """The SQLite database's file, or None (PostgreSQL, or SQLite in memory)."""
        url = self.database_url or f"sqlite:///{self.data_dir / 'infrastructure.db'}"
        if not url.startswith("sqlite") or ":///" not in url:
            return None
        path = url.split(":///", 1)[1].split("?", 1)[0]
        return None if not path or path == ":memory:" else Path(path)

    @property
    def resolved_storage(self) -> Literal["files", "database", "s3"]:
        """The store `storage` names, `auto` resolved: files beside a SQLite database, else the database."""
        if self.storage != "auto":
            return self.storage
        return "files" if self.sqlite_file is not None else "database"

    @property
    def resolved_objects_dir(self) -> Path:
        """The folder of the `files` store: beside the SQLite file, so whoever shares the database shares it."""
        if self.objects_dir is not None:
            return self.objects_dir
        sqlite = self.sqlite_file
        return sqlite.with_name(sqlite.name + ".objects") if sqlite is not None else self.data_dir / "objects"

    @property
    def resolved_evidence_dir(self) -> Path:
        return self.evidence_dir or self.data_dir / "evidence"

    @property
    def uses_dev_ca(self) -> bool:
        """Whether documents are signed with the development CA's TEST certificates."""
        return self.signing_dev_ca if self.signing_dev_ca is not None else not self.is_production

    @property
    def resolved_pki_dir(self) -> Path:
        return self.signing_pki_dir or self.data_dir / "pki"

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
        if not settings.public_url:
            missing.append("public_url")
        if missing:
            names = ", ".join(f"LABOURFLOW_{name.upper()}" for name in missing)
            raise SettingsError(f"生产环境拒绝启动：缺少设置 {names} / production start-up refused: missing setting(s): {names}")
        _check_public_url(settings.public_url)
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
    _check_certificate_files(settings)
    return settings


def with_ssl_parameters(url: str, parameters: dict[str, str]) -> str:
    """Add libpq TLS parameters to a PostgreSQL URL, keeping those the URL already names."""
    if not parameters or not url.startswith(("postgresql", "postgres")):
        return url
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    merged = parameters | query  # what the URL itself says wins: it is the more specific setting
    return urlunsplit(parts._replace(query=urlencode(merged, safe="/")))


def _check_public_url(url: str) -> None:
    """Production links go to people and cookies are Secure only over https: refuse anything else."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc:
        raise SettingsError(
            f"LABOURFLOW_PUBLIC_URL 必须是 https:// 开头的完整地址（回复链接与 Secure Cookie 依赖它），当前为 '{url}' / "
            f"LABOURFLOW_PUBLIC_URL must be the https:// address people use (reply links, Secure cookies), got '{url}'"
        )


def _check_certificate_files(settings: Settings) -> None:
    """A client certificate needs its key (and the other way round); every named file must exist."""
    cert, key = settings.temporal_tls_client_cert, settings.temporal_tls_client_key
    if bool(cert) != bool(key):
        raise SettingsError(
            "LABOURFLOW_TEMPORAL_TLS_CLIENT_CERT 与 LABOURFLOW_TEMPORAL_TLS_CLIENT_KEY 须同时设置 / "
            "LABOURFLOW_TEMPORAL_TLS_CLIENT_CERT and LABOURFLOW_TEMPORAL_TLS_CLIENT_KEY go together (mTLS)"
        )
    files = {
        "LABOURFLOW_TEMPORAL_TLS_SERVER_CA": settings.temporal_tls_server_ca,
        "LABOURFLOW_TEMPORAL_TLS_CLIENT_CERT": cert,
        "LABOURFLOW_TEMPORAL_TLS_CLIENT_KEY": key,
        "LABOURFLOW_DATABASE_SSLROOTCERT": settings.database_sslrootcert,
        "LABOURFLOW_DATABASE_SSLCERT": settings.database_sslcert,
        "LABOURFLOW_DATABASE_SSLKEY": settings.database_sslkey,
    }
    for name, path in files.items():
        if path is not None and not path.is_file():
            raise SettingsError(f"{name}：文件不存在 '{path}' / {name}: no such file '{path}'")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (cached); tests build their own `Settings` instead."""
    return finalise(Settings())
