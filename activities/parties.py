"""The respondents' side effects: each respondent's one-time link (only its keyed hash kept) and its
invitation in the notification outbox (SMS or e-mail by its contact), once per respondent and
invitation however often the activity runs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import select
from temporalio import activity

from activities.deps import ActivityDeps
from activities.notifications import message_environment
from domain.china_time import CHINA_TZ
from domain.parties import InviteRespondents, contact_channel
from domain.sittings import ABSENCE, Sitting, SittingNotice, party_kind
from infrastructure.ics import TITLES, sitting_ics
from infrastructure.links import link_hash, new_link_token
from infrastructure.tables import Case, CaseRespondent, Notification, RespondentLink, SittingRow
from infrastructure.upsert import upsert

LINK_PURPOSE = "respondent"


class PartyActivities:
    def __init__(self, deps: ActivityDeps) -> None:
        self._db, self._keyring, self._settings = deps.db, deps.keyring, deps.settings

    def activities(self) -> list[Callable[..., Any]]:
        return [self.invite_respondents, self.record_sitting, self.notify_sitting]

    def _texts(self, template: str, params: dict[str, Any]) -> tuple[str, str]:
        env = message_environment(self._settings.templates_dir)
        zh, en = (env.get_template(f"{template}.{lang}.txt").render(**params).strip() for lang in ("zh", "en"))
        return zh, en

    @activity.defn(name="invite-respondents")
    async def invite_respondents(self, request: InviteRespondents) -> int:
        """A link and an invitation for each respondent (one transaction each, skipped when done
        before); returns how many respondents have a contact the outbox can reach."""
        reached = 0
        for respondent in request.respondents:
            step = "invite" if request.purpose == "mediation_invitation" else request.purpose
            key = f"{request.workflow_id}|{step}|{respondent.seq}"
            async with self._db.write_session() as session:
                party = (await session.exec(select(CaseRespondent).where(
                    CaseRespondent.case_no == request.case_no, CaseRespondent.seq == respondent.seq))).first()
                reached += bool(party and party.contact_enc)
                if (await session.exec(select(RespondentLink.id).where(RespondentLink.invitation_key == key))).first():
                    continue
                token = new_link_token()
                session.add(RespondentLink(token_hash=link_hash(self._keyring, LINK_PURPOSE, token), case_no=request.case_no,
                                           seq=respondent.seq, workflow_id=request.workflow_id, invitation_key=key,
                                           purpose=request.purpose))
                if party is not None and party.contact_enc:
                    zh, en = self._texts(request.template, {
                        "respondent": respondent.name, "organisation": request.organisation, "case_no": request.case_no,
                        "due": request.answer_due.isoformat()})
                    contact = self._keyring.decrypt_text(party.contact_enc)
                    session.add(Notification(
                        dedupe_key=f"{request.subject}|{key}", subject=request.subject, channel=contact_channel(contact),
                        recipient_kind="respondent", recipient_enc=party.contact_enc, template=request.template,
                        body_zh=zh[:2000], body_en=en[:2000],
                        secret_enc=self._keyring.encrypt_text(f"{self._settings.base_url}/respond/{token}")))
                await session.commit()
        return reached

    @activity.defn(name="record-sitting")
    async def record_sitting(self, notice: SittingNotice) -> None:
        """The sitting as the calendars read it (one row per case, kind and number; the latest version wins)."""
        sitting = notice.sitting
        async with self._db.write_session() as session:
            values = {
                "case_no": sitting.case_no, "workflow_id": notice.workflow_id, "kind": sitting.kind.value, "number": sitting.number,
                # UTC in the database: SQLite keeps no offset, so every stored time is UTC (as `timestamp()` writes them)
                "starts_at": sitting.starts_at.astimezone(UTC),
                "ends_at": (sitting.starts_at + timedelta(minutes=sitting.minutes)).astimezone(UTC),
                "place": sitting.place, "online_link": sitting.online_link, "summoned": list(sitting.summoned),
                "organisation": sitting.organisation, "team_code": sitting.team_code, "convened_by": sitting.convened_by,
                "status": sitting.status, "version": sitting.version, "reason": sitting.reason, "attendance": {},
                "updated_at": datetime.now(UTC),
            }
            changing = [name for name in values if name not in ("case_no", "kind", "number", "attendance")]
            await upsert(session, SittingRow, values, key=("case_no", "kind", "number"), update=changing)
            await session.commit()

    @activity.defn(name="notify-sitting")
    async def notify_sitting(self, notice: SittingNotice) -> int:
        """Tell every party summoned: a message with the .ics (e-mail attaches it; SMS names where to get it);
        a respondent's message carries a fresh link whose opening is the service. Once per party and version."""
        sitting, told = notice.sitting, 0
        ics = sitting_ics(sitting)
        async with self._db.write_session() as session:
            case = (await session.exec(select(Case).where(Case.case_no == sitting.case_no))).one()
            parties = {f"respondent:{p.seq}": p for p in (await session.exec(
                select(CaseRespondent).where(CaseRespondent.case_no == sitting.case_no))).all()}
            for party in sitting.summoned:
                key = f"{notice.workflow_id}|{sitting.kind.value}-{sitting.number}-v{sitting.version}|{party}"
                if (await session.exec(select(Notification.id).where(Notification.dedupe_key == f"{notice.subject}|{key}"))).first():
                    continue
                row = parties.get(party)
                address = case.worker_phone_enc if party == "applicant" else row.contact_enc if row else None
                if address is None:
                    continue
                secret = self._service_link(session, sitting, notice.workflow_id, key, row.seq) if row is not None else None
                name = self._keyring.decrypt_text(case.worker_name_enc) if row is None else row.name
                zh, en = self._texts("sitting_notice", self._notice_params(sitting, name, party, secret is not None))
                session.add(Notification(
                    dedupe_key=f"{notice.subject}|{key}", subject=notice.subject,
                    channel=contact_channel(self._keyring.decrypt_text(address)), recipient_kind="worker" if row is None else "respondent",
                    recipient_enc=address, template="sitting_notice", body_zh=zh[:2000], body_en=en[:2000], secret_enc=secret,
                    attachment_name=f"{sitting.case_no}-{sitting.number}.ics", attachment_type="text/calendar", attachment_text=ics))
                told += 1
            await session.commit()
        return told

    def _service_link(self, session: Any, sitting: Sitting, workflow_id: str, key: str, seq: int) -> str:
        token = new_link_token()
        session.add(RespondentLink(token_hash=link_hash(self._keyring, LINK_PURPOSE, token), case_no=sitting.case_no, seq=seq,
                                   workflow_id=workflow_id, invitation_key=key, purpose=f"{sitting.kind.value}_notice"))
        return self._keyring.encrypt_text(f"{self._settings.base_url}/respond/{token}")

    @staticmethod
    def _notice_params(sitting: Sitting, name: str, party: str, linked: bool) -> dict[str, Any]:
        zh, en = TITLES[sitting.kind]
        consequence = ABSENCE.get((sitting.kind, party_kind(party)))
        return {"title_zh": zh, "title_en": en, "name": name, "case_no": sitting.case_no, "version": sitting.version,
                "when": sitting.starts_at.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M"), "where": sitting.place or sitting.online_link,
                "reason": sitting.reason, "link": linked,
                "basis_zh": (consequence.basis if consequence else "").split(" / ")[0] or "调解自愿"}
