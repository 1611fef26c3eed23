"""Notifications: the activity writes the outbox (one row per subject, event and recipient); a
dispatcher in the worker process hands pending rows to the configured sender."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

import structlog
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy import Table, bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select
from temporalio import activity

from activities.deps import ActivityDeps
from domain.records import NotificationRequest
from infrastructure.tables import Case, Notification, Organisation, Team, User
from infrastructure.upsert import upsert_sync

log = structlog.get_logger("labourflow.notifications")


@lru_cache(maxsize=2)
def message_environment(templates_dir: Path) -> Environment:
    """SMS and inbox texts: templates/messages/<name>.zh.txt and <name>.en.txt."""
    return Environment(
        loader=FileSystemLoader(str(templates_dir / "messages")),
        undefined=StrictUndefined,
        autoescape=False,  # noqa: S701 (plain text, never HTML)
        keep_trailing_newline=False,
    )


class NotificationActivities:
    def __init__(self, deps: ActivityDeps) -> None:
        self._db, self._keyring, self._settings = deps.db, deps.keyring, deps.settings

    def activities(self) -> list[Callable[..., Any]]:
        return [self.notify]

    def _render(self, template: str, params: dict[str, Any]) -> tuple[str, str]:
        env = message_environment(self._settings.templates_dir)
        return tuple(env.get_template(f"{template}.{lang}.txt").render(**params).strip() for lang in ("zh", "en"))  # type: ignore[return-value]

    async def _staff_recipients(self, request: NotificationRequest) -> list[tuple[str, str, str]]:
        """(channel, recipient kind, encrypted address) for each member of staff to tell."""
        async with self._db.session() as session:
            if request.recipient_kind == "supervisor":
                # The team's supervisors and the head of its organisation (who receives its escalations).
                # (deactivated accounts receive nothing: a head who left no longer hears of overdue work)
                names = list((await session.exec(select(User.username).where(
                    User.role == "supervisor", User.team_code == request.team_code, col(User.is_active)))).all())
                team = await session.get(Team, request.team_code) if request.team_code else None
                org = await session.get(Organisation, team.organisation_code) if team and team.organisation_code else None
                if org is not None and org.supervisor and org.supervisor not in names:
                    head = (await session.exec(select(User.is_active).where(User.username == org.supervisor))).first()
                    if head:
                        names.append(org.supervisor)
                if not names:
                    # An escalation must reach someone: with no supervisor on the team and no head
                    # named for its organisation, the administrators receive it (and the log says why).
                    names = list((await session.exec(
                        select(User.username).where(User.role == "admin", col(User.is_active)).order_by(col(User.username))
                    )).all())
                    log.warning("escalation_without_supervisor", team=request.team_code,
                                organisation=team.organisation_code if team else None, sent_to="administrators", subject=request.subject)
            else:
                names = [request.recipient] if request.recipient else []
        return [("inbox", request.recipient_kind, self._keyring.encrypt_text(name)) for name in names]

    @activity.defn(name="notify")
    async def notify(self, request: NotificationRequest) -> int:
        """Queue the message once per recipient; returns how many recipients it has."""
        body_zh, body_en = self._render(request.template, request.params)
        # The worker's number is read in the write's own transaction (most notifications are the
        # worker's); staff are looked up first.
        staff = None if request.recipient_kind == "worker" else await self._staff_recipients(request)

        def person(address: str) -> str:
            return self._keyring.lookup_hash(self._keyring.decrypt_text(address))[:16]

        def write(session: Session) -> int:  # whole, in the writer thread (activities/projections.py)
            recipients = staff if staff is not None else _worker_recipients(session, request.subject)
            for channel, kind, address in recipients:
                upsert_sync(session, Notification, {
                    "dedupe_key": f"{request.subject}|{request.event_key}|{person(address)}",
                    "subject": request.subject,
                    "channel": channel,
                    "recipient_kind": kind,
                    "recipient_enc": address,
                    "template": request.template,
                    "body_zh": body_zh[:2000],
                    "body_en": body_en[:2000],
                }, key=("dedupe_key",))
            session.commit()
            return len(recipients)

        return await self._db.write(write)


_WORKER_PHONE = sa_select(cast(Table, Case.__table__).c.worker_phone_enc).where(
    cast(Table, Case.__table__).c.case_no == bindparam("case_no"))


def _worker_recipients(session: Session, subject: str) -> list[tuple[str, str, str]]:
    """The case's worker, by text message (nobody when the case has no number)."""
    phone = session.connection().execute(_WORKER_PHONE, {"case_no": subject.removeprefix("case:")}).scalar_one_or_none()
    return [("sms", "worker", phone)] if phone else []
