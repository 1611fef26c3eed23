"""The organisations' signing certificates: `labourflow run` prepares one per organisation, rotation
switches new signatures to a new certificate at once, and production refuses to sign without a key."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from infrastructure.db import Database
from infrastructure.settings import Environment, Settings, get_settings
from infrastructure.signing import keystore
from infrastructure.signing.keystore import NoSigningKeyError
from infrastructure.tables import Organisation
from labourflow.cli.base import app as cli
from services import signing_keys
from tests.conftest import make_settings


@pytest.fixture
def own_pki(tmp_path: Path) -> Settings:
    return make_settings(tmp_path, signing_pki_dir=tmp_path / "pki")


async def test_prepare_gives_the_platform_and_each_active_organisation_a_test_certificate(own_pki: Settings, sqlite_db: Database) -> None:
    async with sqlite_db.session() as session:
        session.add(
            Organisation(
                code="hd-union", kind="union_federation", name_zh="北京市海淀区总工会", name_en="Haidian", region="beijing-haidian"
            )
        )
        session.add(
            Organisation(
                code="old-org", kind="union_federation", name_zh="已撤销", name_en="Gone", region="beijing-haidian", is_active=False
            )
        )
        await session.commit()
    prepared = await signing_keys.prepare_dev_signing(sqlite_db, own_pki)
    assert {(c.org_code, c.org_name) for c in prepared} == {
        ("labourflow", own_pki.signing_platform_name),
        ("hd-union", "北京市海淀区总工会"),
    }
    assert all("TEST ONLY" in c.certificate().subject.rfc4514_string() for c in prepared)
    again = await signing_keys.prepare_dev_signing(sqlite_db, own_pki)  # idempotent: nothing new issued
    assert [c.serial for c in again] == [c.serial for c in prepared]


def test_rotation_switches_new_signatures_to_the_new_certificate(own_pki: Settings) -> None:
    first = keystore.signer_for(own_pki, "hd-union", "北京市海淀区总工会").signing_cert
    new = signing_keys.rotate(own_pki, "hd-union")
    second = keystore.signer_for(own_pki, "hd-union", "北京市海淀区总工会").signing_cert
    assert first is not None and second is not None
    assert int(second.serial_number) == new.serial != int(first.serial_number)
    states = {c.serial: c.revoked for c in signing_keys.certificates(own_pki, "hd-union")}
    assert states == {int(first.serial_number): False, new.serial: False}  # the old one still checks out


def test_the_cli_lists_rotates_and_revokes(own_pki: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    keystore.signer_for(own_pki, "hd-union", "北京市海淀区总工会")
    monkeypatch.setenv("LABOURFLOW_ENV", "test")
    monkeypatch.setenv("LABOURFLOW_DATA_DIR", str(own_pki.data_dir))
    monkeypatch.setenv("LABOURFLOW_SIGNING_PKI_DIR", str(own_pki.resolved_pki_dir))
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        rotated = runner.invoke(cli, ["signing", "rotate", "hd-union", "--revoke-old"])
        listed = runner.invoke(cli, ["signing", "list", "hd-union"])
    finally:
        get_settings.cache_clear()
    assert rotated.exit_code == 0, rotated.output
    lines = listed.output.strip().splitlines()
    assert len(lines) == 2 and "revoked" in lines[0] and "keyCompromise" in lines[0] and "valid" in lines[1]


def test_production_refuses_to_sign_for_an_organisation_without_a_key(tmp_path: Path) -> None:
    production = make_settings(tmp_path, env=Environment.production)
    assert not production.uses_dev_ca
    with pytest.raises(NoSigningKeyError, match="LABOURFLOW_SIGNING_KEYS"):
        keystore.signer_for(production, "hd-union", "北京市海淀区总工会")


def test_production_signs_with_the_pkcs12_file_the_settings_name(tmp_path: Path, own_pki: Settings) -> None:
    ca = keystore.dev_ca(own_pki)
    cert = ca.ensure_organisation("hd-union", "北京市海淀区总工会")
    production = make_settings(
        tmp_path / "prod",
        env=Environment.production,
        signing_keys={"hd-union": {"kind": "pkcs12", "path": str(cert.pkcs12_path), "passphrase": ca.passphrase}},
    )
    signer = keystore.signer_for(production, "hd-union", "北京市海淀区总工会")
    assert signer.signing_cert is not None and int(signer.signing_cert.serial_number) == cert.serial


def test_verification_republishes_the_dev_crl_once_half_of_it_has_passed(own_pki: Settings) -> None:
    from datetime import UTC, datetime, timedelta

    from cryptography import x509

    ca = keystore.dev_ca(own_pki)  # opened once per process, as in a long-running server
    ca.publish_crl(now=datetime.now(UTC) - timedelta(days=20))  # 10 of its 30 days left
    crl = x509.load_der_x509_crl(keystore.trust(own_pki).crls[-1])
    assert crl.next_update_utc is not None and crl.next_update_utc - datetime.now(UTC) > timedelta(days=29)
