"""The respondents' side effects: each respondent's one-time link (only its keyed hash kept) and its
invitation in the notification outbox (SMS or e-mail by its contact), once per respondent and
invitation however often the activity runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import select
from temporalio import activity

from activities.deps import ActivityDeps
from activities.notifications import message_environment
from domain.parties import InviteRespondents, contact_channel
from infrastructure.links import link_hash, new_link_token
from infrastructure.tables import CaseRespondent, Notification, RespondentLink

LINK_PURPOSE = "respondent"


class PartyActivities:
    def __init__(self, deps: ActivityDeps) -> None:
        self._db, self._keyring, self._settings = deps.db, deps.keyring, deps.settings

    def activities(self) -> list[Callable[..., Any]]:
        return [self.invite_respondents]

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
            key = f"{request.workflow_id}|invite|{respondent.seq}"
            async with self._db.write_session() as session:
                party = (await session.exec(select(CaseRespondent).where(
                    CaseRespondent.case_no == request.case_no, CaseRespondent.seq == respondent.seq))).first()
                reached += bool(party and party.contact_enc)
                if (await session.exec(select(RespondentLink.id).where(RespondentLink.invitation_key == key))).first():
                    continue
                token = new_link_token()
                session.add(RespondentLink(token_hash=link_hash(self._keyring, LINK_PURPOSE, token), case_no=request.case_no,
                                           seq=respondent.seq, workflow_id=request.workflow_id, invitation_key=key,
                                           purpose="mediation_invitation"))
                if party is not None and party.contact_enc:
                    zh, en = self._texts("respondent_invitation", {
                        "respondent": respondent.name, "organisation": request.organisation, "case_no": request.case_no,
                        "due": request.answer_due.isoformat()})
                    contact = self._keyring.decrypt_text(party.contact_enc)
                    session.add(Notification(
                        dedupe_key=f"{request.subject}|{key}", subject=request.subject, channel=contact_channel(contact),
                        recipient_kind="respondent", recipient_enc=party.contact_enc, template="respondent_invitation",
                        body_zh=zh[:2000], body_en=en[:2000],
                        secret_enc=self._keyring.encrypt_text(f"{self._settings.base_url}/respond/{token}")))
                await session.commit()
        return reached
