"""A respondent's one-time link (no account): it shows that case's notice to that respondent and
nothing else; through it the respondent agrees to electronic service, answers the invitation to
mediate (agree with proposed times, or refuse), and sends evidence. Opening it, once the respondent
agreed to electronic service, is the service of the notice (Civil Procedure Law Art. 90): the
workflow hears the time and its answer period runs from that day.

A link that is unknown reads as missing; one that was replaced, expired or already used for its
one-time act says which, and what was recorded stays recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import ValidationError
from sqlalchemy import update
from sqlmodel import col, select

from domain.actions import ActionResult
from domain.china_time import CHINA_TZ, china_today
from domain.parties import (
    SERVED_ON_RESPONDENTS,
    InvitationAnswer,
    RespondentAnswer,
    RespondentDefence,
    RespondentServed,
    role_label,
)
from domain.roles import StaffPrincipal
from infrastructure import audit
from infrastructure.documents import store
from infrastructure.links import link_hash, new_link_token
from infrastructure.tables import Case, CaseRespondent, Deadline, RespondentLink
from services import receipts
from services.access import staff_may_see_case
from services.casework import run_update
from services.context import ServiceContext
from services.errors import NotFound, Refused, Unavailable
from services.evidence import EvidenceFile, store_evidence

PURPOSE = "respondent"  # activities.parties.LINK_PURPOSE
ARBITRATION = "arbitration_service"
SERVED_BY_OPENING = ("mediation_invitation", ARBITRATION)  # links whose opening starts a period in the workflow
GONE = "此链接无效 / this link is not valid"
REPLACED = "此链接已被新的链接取代，请使用最近收到的链接 / this link was replaced by a newer one: use the latest link you received"
EXPIRED = ("此链接已过期（{day}）；已提交的答复和材料均已保存。如需继续，请联系调解组织 / "
           "this link expired on {day}; what you sent is kept. Contact the mediation organisation to go on")


class LinkClosed(Refused):
    """The link was replaced or expired: the page says which (410)."""

    status = 410


@dataclass(frozen=True)
class RespondentView:
    """What a valid link reaches: one respondent of one case, the invitation and its answer period."""

    link: RespondentLink
    respondent: CaseRespondent
    case_no: str
    category: str
    organisation: str
    answer_due: str | None
    used: bool  # the one-time answer was given (the page shows it, and takes evidence still)

    @property
    def role_zh(self) -> str:
        return role_label(self.respondent.role)[0]


async def _link(ctx: ServiceContext, token: str) -> RespondentLink:
    async with ctx.db.session() as session:
        hashed = link_hash(ctx.keyring, PURPOSE, token)
        link = (await session.exec(select(RespondentLink).where(RespondentLink.token_hash == hashed))).first()
    if link is None:
        raise NotFound(GONE)
    if link.revoked:
        raise LinkClosed(REPLACED)
    if link.expires_on is not None and china_today() > link.expires_on:
        raise LinkClosed(EXPIRED.format(day=link.expires_on))
    return link


async def respondent_view(ctx: ServiceContext, token: str) -> RespondentView:
    """The link's respondent and notice, or `NotFound` (unknown) / `LinkClosed` (replaced, expired)."""
    link = await _link(ctx, token)
    async with ctx.db.session() as session:
        party = (await session.exec(select(CaseRespondent).where(CaseRespondent.case_no == link.case_no,
                                                                 CaseRespondent.seq == link.seq))).one()
        case = (await session.exec(select(Case).where(Case.case_no == link.case_no))).one()
        if case.closed_on is not None:  # the case is over: the link says so; what was sent stays recorded
            raise LinkClosed(EXPIRED.format(day=case.closed_on))
        period = "defence" if link.purpose == ARBITRATION else "answer"
        due = (await session.exec(select(Deadline.due_on).where(
            Deadline.deadline_key == f"{link.workflow_id}#{period}-{link.seq}"))).first()
    return RespondentView(link, party, link.case_no, case.category, case.holder_name or "劳动争议调解组织",
                          due.isoformat() if due else None, used=link.used_at is not None)


async def opened(ctx: ServiceContext, view: RespondentView) -> None:
    """The respondent opened its link: with electronic service agreed, the first opening is the service."""
    if view.respondent.electronic_service and view.link.opened_at is None:
        await _serve(ctx, view)


async def agree_to_electronic_service(ctx: ServiceContext, view: RespondentView) -> None:
    """The respondent agrees to be served through its link; this notice is served now (it has it open)."""
    async with ctx.db.write_session() as session:
        await session.exec(update(CaseRespondent).where(col(CaseRespondent.id) == view.respondent.id)  # type: ignore[call-overload]
                           .values(electronic_service=True))
        await session.commit()
    if view.link.opened_at is None:
        await _serve(ctx, view)


async def _serve(ctx: ServiceContext, view: RespondentView) -> None:
    now = datetime.now(UTC)
    async with ctx.db.write_session() as session:
        claimed = await session.exec(update(RespondentLink)  # type: ignore[call-overload]
                                     .where(col(RespondentLink.id) == view.link.id, col(RespondentLink.opened_at).is_(None))
                                     .values(opened_at=now))
        await session.commit()
    if claimed.rowcount != 1 or view.link.purpose not in SERVED_BY_OPENING:
        return  # opened at the same moment in another window (that one serves), or a notice: its time is recorded
    try:
        client = await ctx.client()
        await client.get_workflow_handle(view.link.workflow_id).signal(
            "respondent-served", RespondentServed(seq=view.link.seq, served_at=now, purpose=view.link.purpose))
    except Unavailable:
        raise
    except Exception:
        return  # the mediation has ended: the time of service stays recorded on the link


async def answer(ctx: ServiceContext, view: RespondentView, choice: str, proposed: list[datetime], reason: str) -> ActionResult:
    """Agree (with proposed times) or refuse, once; the workflow's validator refuses a late or second answer."""
    if view.used:
        raise Refused("已经答复过，答复已记录 / you already answered; your answer is recorded")
    try:
        kind = InvitationAnswer(choice)
    except ValueError:
        raise Refused("请选择同意或不同意调解 / choose whether you agree to mediate") from None
    times = tuple(t if t.tzinfo else t.replace(tzinfo=CHINA_TZ) for t in proposed)
    result = await run_update(ctx, view.link.workflow_id, "respondent-answer",
                              RespondentAnswer(seq=view.link.seq, answer=kind, proposed_times=times, reason=reason[:500]))
    now = datetime.now(UTC)
    async with ctx.db.write_session() as session:
        await session.exec(update(CaseRespondent).where(col(CaseRespondent.id) == view.respondent.id)  # type: ignore[call-overload]
                           .values(answer=kind.value, answered_at=now, proposed_times=[t.isoformat() for t in times]))
        await session.exec(update(RespondentLink).where(col(RespondentLink.id) == view.link.id)  # type: ignore[call-overload]
                           .values(used_at=now))
        await session.commit()
    return result


async def add_respondent_evidence(ctx: ServiceContext, view: RespondentView, upload: EvidenceFile, description: str) -> str:
    """Store a file the respondent sent for its case (encrypted, outside Temporal); who sent it is recorded."""
    row = await store_evidence(ctx.storage, ctx.db, ctx.keyring, view.case_no, upload, description=description,
                               uploaded_by=f"respondent:{view.link.seq}")
    return row.id


async def new_link(ctx: ServiceContext, case_no: str, seq: int) -> str:
    """A fresh link for a respondent (to hand over with a posted letter, or when a message was lost):
    the earlier links of that respondent stop working and say they were replaced."""
    async with ctx.db.write_session() as session:
        links = (await session.exec(select(RespondentLink).where(RespondentLink.case_no == case_no, RespondentLink.seq == seq)
                                    .order_by(col(RespondentLink.id)))).all()
        if not links:
            raise NotFound()
        latest = links[-1]
        for link in links:
            link.revoked = True
            session.add(link)
        token = new_link_token()
        session.add(RespondentLink(token_hash=link_hash(ctx.keyring, PURPOSE, token), case_no=case_no, seq=seq,
                                   workflow_id=latest.workflow_id, invitation_key=f"{latest.invitation_key}|{token[:12]}",
                                   purpose=latest.purpose, document_id=latest.document_id, used_at=latest.used_at,
                                   opened_at=latest.opened_at))
        await session.commit()
    return token


@dataclass(frozen=True)
class ServedDocument:
    document_id: str
    title_zh: str
    document_no: str | None
    issued_on: object
    served_at: str | None  # when it reached the respondent through its link (electronic service), Beijing time


async def served_documents(ctx: ServiceContext, view: RespondentView) -> list[ServedDocument]:
    """The case's documents served on this respondent, with when each reached it."""
    rows = await store.list_documents(ctx.db, f"case:{view.case_no}")
    served = view.respondent.served_documents or {}
    def beijing(at: str | None) -> str | None:
        return datetime.fromisoformat(at).astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M") if at else None

    return [ServedDocument(r.id, r.title_zh, r.document_no, r.issued_on, beijing(served.get(r.id)))
            for r in rows if r.doc_type in SERVED_ON_RESPONDENTS]


async def served_pdf(ctx: ServiceContext, view: RespondentView, document_id: str) -> bytes:
    """One of those documents; with electronic service agreed, the first download records its service time."""
    if document_id not in {d.document_id for d in await served_documents(ctx, view)}:
        raise NotFound(GONE)
    row = await store.get_document(ctx.db, document_id)
    assert row is not None
    if view.respondent.electronic_service and document_id not in (view.respondent.served_documents or {}):
        async with ctx.db.write_session() as session:
            party = await session.get(CaseRespondent, view.respondent.id)
            if party is not None and document_id not in (party.served_documents or {}):
                party.served_documents = {**(party.served_documents or {}), document_id: datetime.now(UTC).isoformat()}
                session.add(party)
                await session.commit()
    # The record of receipt (services/receipts.py): the signed bytes handed out and when, each time.
    return await receipts.serve_with_receipt(ctx.db, ctx.storage, ctx.keyring, row, channel="respondent_link",
                                             reference=f"{view.link.case_no}/{view.link.seq}")


async def file_defence(ctx: ServiceContext, view: RespondentView, text: str, upload: EvidenceFile | None) -> ActionResult:
    """The respondent's defence in arbitration (with a file, stored outside Temporal), once."""
    if view.link.purpose != ARBITRATION:
        raise NotFound(GONE)
    evidence = (await add_respondent_evidence(ctx, view, upload, "答辩书"),) if upload else ()
    try:
        return await run_update(ctx, view.link.workflow_id, "respondent-defence",
                                RespondentDefence(seq=view.link.seq, text=text, evidence_ids=evidence))
    except ValidationError:
        raise Refused("答辩意见至少10个字 / write at least 10 characters") from None


async def staff_new_link(ctx: ServiceContext, staff: StaffPrincipal, case_no: str, seq: int) -> str:
    """A fresh link for respondent `seq`, issued by staff who may see the case (to hand over with the
    posted letter); the same `NotFound` for a case they may not see, a missing one or a respondent never invited."""
    if not await staff_may_see_case(ctx.db, staff, case_no):
        raise NotFound()
    token = await new_link(ctx, case_no, seq)
    await audit.record(ctx.db, actor=staff.username, action="respondent.link", object_type="case", object_id=case_no,
                       after={"respondent": seq})
    return f"{ctx.settings.base_url}/respond/{token}"
