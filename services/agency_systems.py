"""Agencies' own systems: an administrator registers one for an organisation and gets its client
credentials (OAuth2 client credentials; the secret is shown once and only its SHA-256 is kept; it
can be rotated, and the system revoked), and the webhook it receives the organisation's events at
(signed with a `whsec_` secret, also shown once). A token names the system and a fragment of its
secret's hash, so rotating the secret or revoking the system ends every token issued before.

The secret is 256 random bits, so a fast hash is enough (a password needs a slow one because it is
guessable; this is not), and it does not depend on the keyring's keys."""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from pydantic import AwareDatetime, Field
from sqlmodel import col, select

from domain.agency_systems import AgencySystemPrincipal, Scope
from infrastructure import audit
from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.tables import AgencyEventCounter, AgencySystem, Organisation, Team
from services.errors import NotFound, ServiceError
from services.read_models import ReadModel, aware

TOKEN_FRAGMENT = 12  # characters of the secret's hash a token carries


class SystemRefused(ServiceError):
    """The registration cannot be accepted as given (422)."""

    status = 422


class AgencySystemPublic(ReadModel):
    """A registered agency system and where its webhook delivery stands (never its secrets)."""

    id: int
    client_id: str
    organisation_code: str
    name: str
    scopes: list[Scope]
    webhook_url: str | None
    is_active: bool
    created_at: AwareDatetime
    rotated_at: AwareDatetime | None
    revoked_at: AwareDatetime | None
    last_event_seq: int = Field(description="the organisation's latest event")
    delivered_seq: int = Field(description="events up to this one were delivered to the webhook, in order")
    pending: int = Field(description="events waiting for delivery (0 without a webhook)")
    failures: int = Field(description="failed attempts of the next event in a row")
    next_attempt_at: AwareDatetime | None
    last_delivered_at: AwareDatetime | None
    last_error: str


class WebhookSecret(ReadModel):
    """Shown once: the new webhook signing secret; the old one signs too until `previous_until`."""

    system: AgencySystemPublic
    webhook_secret: str = Field(description="`whsec_...`, shown only now")
    previous_until: AwareDatetime | None = Field(description="until then each delivery carries both signatures")


class AgencyCredentials(ReadModel):
    """Shown once: the client secret (and, on registration, the webhook signing secret)."""

    system: AgencySystemPublic
    client_id: str
    client_secret: str = Field(description="shown only now; keep it in the system's secret store")
    webhook_secret: str | None = Field(description="`whsec_...`, shown only at registration: verifies the webhook signatures")


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_fragment(system: AgencySystem) -> str:
    """What a token carries of the secret's hash: a rotation ends the older tokens."""
    return system.secret_hash[-TOKEN_FRAGMENT:]


def _new_secret() -> str:
    return "lfs_" + secrets.token_urlsafe(32)


def new_webhook_secret() -> str:
    """`whsec_` and 32 random bytes in base64 (Standard Webhooks)."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def check_webhook_url(url: str | None, production: bool) -> str | None:
    """An absolute http(s) URL (https only in production), or None for a feed-only system."""
    if not url:
        return None
    parts = urlsplit(url)
    allowed = ("https",) if production else ("https", "http")
    if parts.scheme not in allowed or not parts.hostname or len(url) > 500:
        raise SystemRefused(f"Webhook 地址须为 {'/'.join(allowed)} 绝对地址 / "
                            f"the webhook URL must be an absolute {' or '.join(allowed)} URL")
    return url


async def _system(db: Database, organisation_code: str, client_id: str) -> AgencySystem:
    async with db.session() as session:
        row = (await session.exec(select(AgencySystem).where(AgencySystem.client_id == client_id))).first()
    if row is None or row.organisation_code != organisation_code:
        raise NotFound()
    return row


async def _public(db: Database, rows: list[AgencySystem]) -> list[AgencySystemPublic]:
    codes = {row.organisation_code for row in rows}
    async with db.session() as session:
        last = dict((await session.exec(select(AgencyEventCounter.organisation_code, AgencyEventCounter.last_seq)
                                        .where(col(AgencyEventCounter.organisation_code).in_(codes)))).all())
    shown = []
    for row in rows:
        head = int(last.get(row.organisation_code, 0))
        shown.append(AgencySystemPublic(
            id=row.id or 0, client_id=row.client_id, organisation_code=row.organisation_code, name=row.name,
            scopes=[Scope(s) for s in row.scopes], webhook_url=row.webhook_url, is_active=row.is_active,
            created_at=aware(row.created_at), rotated_at=aware(row.rotated_at) if row.rotated_at else None,
            revoked_at=aware(row.revoked_at) if row.revoked_at else None, last_event_seq=head,
            delivered_seq=row.delivered_seq, pending=max(0, head - row.delivered_seq) if row.webhook_url and row.is_active else 0,
            failures=row.failures, next_attempt_at=aware(row.next_attempt_at) if row.next_attempt_at else None,
            last_delivered_at=aware(row.last_delivered_at) if row.last_delivered_at else None, last_error=row.last_error))
    return shown


async def list_systems(db: Database, organisation_code: str) -> list[AgencySystemPublic]:
    """An organisation's agency systems (revoked ones too), oldest first; 404 for an unknown organisation."""
    async with db.session() as session:
        if await session.get(Organisation, organisation_code) is None:
            raise NotFound()
        rows = list((await session.exec(select(AgencySystem).where(AgencySystem.organisation_code == organisation_code)
                                        .order_by(col(AgencySystem.id)))).all())
    return await _public(db, rows)


async def register_system(db: Database, keyring: Keyring, organisation_code: str, name: str, scopes: list[Scope],
                          webhook_url: str | None, *, by: str, production: bool = False) -> AgencyCredentials:
    """Register an agency system for one organisation: its client id and secret, its webhook secret.

    Deliveries start after the organisation's latest event (a new system is not sent the past; the
    feed has it)."""
    url = check_webhook_url(webhook_url, production)
    if not scopes:
        raise SystemRefused("请至少选择一项授权范围 / choose at least one scope")
    if not name.strip():
        raise SystemRefused("请填写系统名称 / the system needs a name")
    secret, signing = _new_secret(), new_webhook_secret()
    async with db.write_session() as session:
        if await session.get(Organisation, organisation_code) is None:
            raise NotFound()
        head = (await session.exec(select(AgencyEventCounter.last_seq)
                                   .where(AgencyEventCounter.organisation_code == organisation_code))).first() or 0
        row = AgencySystem(client_id="lfa_" + secrets.token_hex(8), organisation_code=organisation_code, name=name.strip(),
                           scopes=sorted({s.value for s in scopes}), secret_hash=hash_secret(secret), webhook_url=url,
                           webhook_secret_enc=keyring.encrypt_text(signing), created_by=by, delivered_seq=int(head))
        session.add(row)
        await session.commit()
        await session.refresh(row)
    await audit.record(db, actor=by, action="agency_system.register", object_type="agency_system", object_id=row.client_id,
                       after={"organisation": organisation_code, "scopes": row.scopes, "webhook_url": url})
    [shown] = await _public(db, [row])
    return AgencyCredentials(system=shown, client_id=row.client_id, client_secret=secret, webhook_secret=signing)


async def rotate_secret(db: Database, organisation_code: str, client_id: str, *, by: str) -> AgencyCredentials:
    """A new client secret; the old one and every token issued with it stop working at once."""
    row = await _system(db, organisation_code, client_id)
    if not row.is_active:
        raise NotFound()
    secret = _new_secret()
    async with db.write_session() as session:
        stored = await session.get(AgencySystem, row.id)
        assert stored is not None
        stored.secret_hash, stored.rotated_at = hash_secret(secret), datetime.now(UTC)
        session.add(stored)
        await session.commit()
        await session.refresh(stored)
    await audit.record(db, actor=by, action="agency_system.rotate", object_type="agency_system", object_id=client_id)
    [shown] = await _public(db, [stored])
    return AgencyCredentials(system=shown, client_id=client_id, client_secret=secret, webhook_secret=None)


async def revoke_system(db: Database, organisation_code: str, client_id: str, *, by: str) -> AgencySystemPublic:
    """Revoke the system: no new token, every issued token refused, no more deliveries."""
    row = await _system(db, organisation_code, client_id)
    async with db.write_session() as session:
        stored = await session.get(AgencySystem, row.id)
        assert stored is not None
        if stored.is_active:
            stored.is_active, stored.revoked_at = False, datetime.now(UTC)
            session.add(stored)
            await session.commit()
            await session.refresh(stored)
    await audit.record(db, actor=by, action="agency_system.revoke", object_type="agency_system", object_id=client_id)
    [shown] = await _public(db, [stored])
    return shown


async def _changed(db: Database, row: AgencySystem, **values: object) -> AgencySystem:
    async with db.write_session() as session:
        stored = await session.get(AgencySystem, row.id)
        assert stored is not None
        for name, value in values.items():
            setattr(stored, name, value)
        session.add(stored)
        await session.commit()
        await session.refresh(stored)
    return stored


async def change_webhook(db: Database, organisation_code: str, client_id: str, webhook_url: str | None, *, by: str,
                         production: bool = False) -> AgencySystemPublic:
    """Point the system's webhook elsewhere (or nowhere: feed only); pending events go to the new URL."""
    row = await _system(db, organisation_code, client_id)
    if not row.is_active:
        raise NotFound()
    url = check_webhook_url(webhook_url, production)
    stored = await _changed(db, row, webhook_url=url, failures=0, next_attempt_at=None, last_error="")
    await audit.record(db, actor=by, action="agency_system.webhook", object_type="agency_system", object_id=client_id,
                       before={"webhook_url": row.webhook_url}, after={"webhook_url": url})
    [shown] = await _public(db, [stored])
    return shown


async def rotate_webhook_secret(db: Database, keyring: Keyring, organisation_code: str, client_id: str, *, by: str,
                                grace_seconds: float) -> WebhookSecret:
    """A new signing secret (shown once); the old one keeps signing for `grace_seconds` (Standard
    Webhooks: several space-separated signatures), so the receiver can switch without a gap."""
    row = await _system(db, organisation_code, client_id)
    if not row.is_active:
        raise NotFound()
    signing = new_webhook_secret()
    until = datetime.now(UTC) + timedelta(seconds=grace_seconds) if grace_seconds > 0 else None
    stored = await _changed(db, row, webhook_secret_enc=keyring.encrypt_text(signing),
                            previous_webhook_secret_enc=row.webhook_secret_enc if until else None, previous_secret_until=until)
    await audit.record(db, actor=by, action="agency_system.rotate_webhook_secret", object_type="agency_system", object_id=client_id,
                       after={"previous_until": until})
    [shown] = await _public(db, [stored])
    return WebhookSecret(system=shown, webhook_secret=signing, previous_until=until)


def signing_secrets(keyring: Keyring, system: AgencySystem, now: datetime) -> list[str]:
    """The secrets a delivery is signed with now: the current one, and the previous one during its grace."""
    current = [keyring.decrypt_text(system.webhook_secret_enc)]
    until = system.previous_secret_until
    if system.previous_webhook_secret_enc and until is not None and aware(until) > now:
        return [*current, keyring.decrypt_text(system.previous_webhook_secret_enc)]
    return current


async def authenticate_system(db: Database, client_id: str, client_secret: str) -> AgencySystem | None:
    """The active system these credentials name, or None (the same work for an unknown client id)."""
    async with db.session() as session:
        row = (await session.exec(select(AgencySystem).where(AgencySystem.client_id == client_id))).first()
    expected = row.secret_hash if row is not None else hash_secret("")
    matches = secrets.compare_digest(expected, hash_secret(client_secret))
    return row if row is not None and matches and row.is_active else None


async def system_for_token(db: Database, system_id: object, fragment: object, scopes: object) -> AgencySystemPrincipal | None:
    """The principal a verified token names, unless the system was revoked or its secret rotated
    since; its scopes are those the token was issued with, within the system's current ones."""
    if not isinstance(system_id, int) or not isinstance(scopes, list):
        return None
    async with db.session() as session:
        row = await session.get(AgencySystem, system_id)
        if row is None or not row.is_active or token_fragment(row) != fragment:
            return None
        organisation = await session.get(Organisation, row.organisation_code)
        if organisation is None or not organisation.is_active:
            return None
        teams = (await session.exec(select(Team.code).where(Team.organisation_code == row.organisation_code))).all()
    granted = frozenset(str(s) for s in scopes) & frozenset(row.scopes)
    return AgencySystemPrincipal(row.id or 0, row.client_id, row.name, row.organisation_code, tuple(sorted(teams)), granted)

