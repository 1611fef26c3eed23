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


def _production(tmp_path: Path, **values: object) -> Settings:
    base: dict[str, object] = {"env": Environment.production, "data_dir": tmp_path, "database_url": "postgresql://app@db/labourflow",
                               "session_secret": "s", "encryption_keys": {"k1": "A" * 43 + "="}, "lookup_hash_key": "h",
                               "public_url": "https://labourflow.example.cn"}
    return Settings(**(base | values))  # type: ignore[arg-type]


def test_production_starts_with_everything_given(tmp_path: Path) -> None:
    assert finalise(_production(tmp_path)).base_url == "https://labourflow.example.cn"


@pytest.mark.parametrize(("values", "named"), [
    ({"public_url": ""}, "LABOURFLOW_PUBLIC_URL"),
    ({"database_url": ""}, "LABOURFLOW_DATABASE_URL"),
    ({"public_url": "http://labourflow.example.cn"}, "LABOURFLOW_PUBLIC_URL"),  # cookies would not be Secure
    ({"public_url": "labourflow.example.cn"}, "LABOURFLOW_PUBLIC_URL"),
])
def test_production_refuses_naming_the_setting(tmp_path: Path, values: dict[str, object], named: str) -> None:
    with pytest.raises(SettingsError, match=named) as err:
        finalise(_production(tmp_path, **values))
    assert "生产环境" in str(err.value) or "必须" in str(err.value)  # Chinese first, then English


def test_certificate_settings_are_checked(tmp_path: Path) -> None:
    cert = tmp_path / "client.pem"
    cert.write_text("-----BEGIN CERTIFICATE-----\n")
    with pytest.raises(SettingsError, match="LABOURFLOW_TEMPORAL_TLS_CLIENT_KEY"):
        finalise(Settings(data_dir=tmp_path, temporal_tls_client_cert=cert))
    with pytest.raises(SettingsError, match="LABOURFLOW_DATABASE_SSLROOTCERT: no such file"):
        finalise(Settings(data_dir=tmp_path, database_sslrootcert=tmp_path / "missing.pem"))


def test_database_tls_settings_become_libpq_parameters(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    given = Settings(data_dir=tmp_path, database_url="postgresql://app:p%40ss@db:5432/labourflow", database_sslmode="verify-full",
                     database_sslrootcert=ca)
    assert given.resolved_database_url == f"postgresql://app:p%40ss@db:5432/labourflow?sslmode=verify-full&sslrootcert={ca}"
    # The URL's own parameters win over the settings; SQLite is left alone.
    own = given.model_copy(update={"database_url": "postgresql://app@db/labourflow?sslmode=require"})
    assert "sslmode=require" in own.resolved_database_url and "verify-full" not in own.resolved_database_url
    assert Settings(data_dir=tmp_path, database_sslmode="require").resolved_database_url.startswith("sqlite:///")


def test_libpq_modes_map_to_asyncpg(tmp_path: Path) -> None:
    """libpq's meaning of each sslmode (PostgreSQL docs, 34.19.1), as the `ssl` argument asyncpg gets."""
    import ssl

    from infrastructure.db import postgres_ssl, split_ssl_parameters
    from tests.platform.pki import TestCA

    ca = TestCA(tmp_path, "db").pem
    assert postgres_ssl({"sslmode": "disable"}) is False
    assert postgres_ssl({"sslmode": "prefer"}) == "prefer"
    rows = {  # mode (with the CA?) -> (verify_mode, check_hostname)
        ("require", False): (ssl.CERT_NONE, False),
        ("require", True): (ssl.CERT_REQUIRED, False),
        ("verify-ca", True): (ssl.CERT_REQUIRED, False),
        ("verify-full", True): (ssl.CERT_REQUIRED, True),
        ("", True): (ssl.CERT_REQUIRED, True),  # a CA and no mode: verify-full, never a silent downgrade
    }
    for (mode, with_ca), expected in rows.items():
        params = {"sslmode": mode} | ({"sslrootcert": str(ca)} if with_ca else {})
        context = postgres_ssl(params)
        assert isinstance(context, ssl.SSLContext) and (context.verify_mode, context.check_hostname) == expected, (mode, with_ca)
    with pytest.raises(ValueError, match="sslmode"):
        postgres_ssl({"sslmode": "maybe"})
    plain, tls = split_ssl_parameters("postgresql://app@db/labourflow?sslmode=require&application_name=lf")
    assert plain == "postgresql://app@db/labourflow?application_name=lf" and isinstance(tls, ssl.SSLContext)


def test_the_postgresql_writer_engine_reads_the_same_tls_parameters() -> None:
    """`Database.write`'s psycopg engine leaves libpq's TLS parameters to libpq; a verifying mode
    without a root certificate uses the system's CAs, as the async engine does."""
    from infrastructure.db import make_pg_writer_engine

    plain = make_pg_writer_engine("postgresql://app@db.example:5432/labourflow")
    assert plain.url.drivername == "postgresql+psycopg" and dict(plain.url.query) == {}
    system = make_pg_writer_engine("postgresql://app@db.example/labourflow?sslmode=verify-full")
    assert dict(system.url.query) == {"sslmode": "verify-full", "sslrootcert": "system"}
    given = make_pg_writer_engine("postgresql://app@db.example/labourflow?sslmode=verify-ca&sslrootcert=/etc/ca.pem")
    assert dict(given.url.query) == {"sslmode": "verify-ca", "sslrootcert": "/etc/ca.pem"}
    alone = make_pg_writer_engine("postgresql://app@db.example/labourflow?sslrootcert=/etc/ca.pem")
    assert dict(alone.url.query) == {"sslmode": "verify-full", "sslrootcert": "/etc/ca.pem"}, "a root alone: verify-full"
    for engine in (plain, system, given, alone):
        engine.dispose()
