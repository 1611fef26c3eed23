"""The organisations' signing certificates in development: create them at start-up, list, rotate, revoke.

`labourflow run` calls `prepare_dev_signing` so that every organisation (and the platform) has a
TEST certificate from the development CA before the first document is issued. In production the
keys are files or tokens named by `LABOURFLOW_SIGNING_KEYS` and these functions refuse.
"""

from __future__ import annotations

import asyncio

from cryptography import x509
from sqlmodel import select

from infrastructure.db import Database
from infrastructure.settings import Settings
from infrastructure.signing import keystore
from infrastructure.signing.ca import DevCertificateAuthority, OrgCertificate
from infrastructure.tables import Organisation
from services.errors import Refused


def _ca(settings: Settings) -> DevCertificateAuthority:
    if not settings.uses_dev_ca:
        raise Refused(
            "开发证书机构未启用 / the development CA is off (LABOURFLOW_SIGNING_DEV_CA);"
            " production keys come from LABOURFLOW_SIGNING_KEYS"
        )
    return keystore.dev_ca(settings)


async def prepare_dev_signing(db: Database, settings: Settings) -> list[OrgCertificate]:
    """A current TEST certificate for the platform and every active organisation without a configured key."""
    async with db.session() as session:
        orgs = [(o.code, o.name_zh) for o in (await session.exec(select(Organisation).where(Organisation.is_active))).all()]
    wanted = [(settings.signing_platform_code, settings.signing_platform_name), *orgs]
    ca = await asyncio.to_thread(_ca, settings)
    return [
        await asyncio.to_thread(ca.ensure_organisation, code, name) for code, name in wanted if code not in settings.signing_keys
    ]


def certificates(settings: Settings, org_code: str | None = None) -> list[OrgCertificate]:
    """Every certificate the development CA issued (to one organisation, if given), oldest first."""
    return _ca(settings).certificates(org_code)


def rotate(settings: Settings, org_code: str, *, revoke_old: bool = False) -> OrgCertificate:
    """A new certificate for `org_code`, which new signatures use from now on.

    The one it replaces stays valid by default: without a trusted timestamp (PAdES B-T) nothing
    proves a signature predates a revocation, so revoking it would make every document it signed
    verify as revoked. Revoke it (`revoke_old`) when its key may be compromised.
    """
    ca = _ca(settings)
    current = ca.current(org_code)
    if current is None:
        raise Refused(f"{org_code} 没有证书 / {org_code} has no certificate to rotate")
    new = ca.issue(org_code, current.org_name)
    if revoke_old:
        ca.revoke(current.serial, reason=x509.ReasonFlags.key_compromise)
    return new


def revoke(settings: Settings, serial: int, reason: x509.ReasonFlags = x509.ReasonFlags.key_compromise) -> OrgCertificate:
    """Revoke a certificate (by serial number) and republish the CRL: documents it signed then verify as revoked."""
    try:
        return _ca(settings).revoke(serial, reason=reason)
    except LookupError as exc:
        raise Refused(str(exc)) from None
