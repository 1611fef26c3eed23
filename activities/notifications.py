"""Notifications: the activity writes the outbox (one row per subject, event and recipient); a
dispatcher in the worker process hands pending rows to the configured sender."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import structlog
from jinja2 import Environment, FileSystemLoader, StrictUndefined
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

    async def _recipients(self, request: NotificationRequest) -> list[tuple[str, str, str]]:
        """(channel, recipient kind, encrypted address) for each person to tell."""
        async with self._db.session() as session:
            if request.recipient_kind == "worker":
                case_no = request.subject.removeprefix("case:")
                case = (await session.exec(select(Case).where(Case.case_no == case_no))).first()
                if case is None or not case.worker_phone_enc:
                    return []
                return [("sms", "worker", case.worker_phone_enc)]
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
        recipients = await self._recipients(request)

        def person(address: str) -> str:
            return self._keyring.lookup_hash(self._keyring.decrypt_text(address))[:16]

        rows = [
            {
                "dedupe_key": f"{request.subject}|{request.event_key}|{person(address)}",
                "subject": request.subject,
                "channel": channel,
                "recipient_kind": kind,
                "recipient_enc": address,
                "template": request.template,
                "body_zh": body_zh[:2000],
                "body_en": body_en[:2000],
            }
            for channel, kind, address in recipients
        ]

        def write(session: Session) -> None:  # whole, in the writer thread (activities/projections.py)
            for row in rows:
                upsert_sync(session, Notification, row, key=("dedupe_key",))
            session.commit()

        await self._db.write(write)
        return len(recipients)
