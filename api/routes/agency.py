"""Agencies' own systems: the client-credentials token, the organisation's event feed, and the
administrator's registration, rotation and revocation of a system (the organisation page's twins)."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Depends, File, Form, Header, HTTPException, Query, Request, Response, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from api import examples
from api.auth import issue_agency_token as signed_agency_token
from api.deps import AdminStaff, DocumentAttacher, EventReader, Services
from api.problems import problems
from api.ratelimit import rate_limit
from api.routes.intake import checked_upload
from domain.actions import ActionResult
from domain.agency_systems import Scope
from services import agency_systems
from services.agency_systems import AgencyCredentials, AgencySystemPublic, WebhookSecret
from services.agency_work import MAX_FEED, EventFeed, attach_as_system, event_feed

auth_router = APIRouter(prefix="/api/v1/auth", tags=["auth"])
router = APIRouter(prefix="/api/v1", tags=["agency systems"])
INVALID_CLIENT = "客户端凭据无效或已吊销 / unknown, wrong or revoked client credentials"


class AgencyToken(BaseModel):
    """An OAuth2 access token for an agency system (RFC 6749 section 5.1)."""

    access_token: str = Field(description="send as `Authorization: Bearer <access_token>`")
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 (the OAuth2 token type, not a secret)
    expires_in: int = Field(description="seconds")
    scope: str = Field(description="the scopes granted, space-separated")


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    """client_id and client_secret from HTTP Basic (RFC 6749 section 2.3.1), if sent that way."""
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        client_id, _, secret = base64.b64decode(header[6:].strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return client_id, secret


@auth_router.post("/agency-token", response_model=AgencyToken, dependencies=[Depends(rate_limit("agency_token"))],
                  openapi_extra=examples.AGENCY_TOKEN,
                  responses=problems(400, 401, d400="a scope was asked for that the system does not hold",
                                     d401="unknown, wrong or revoked client credentials"))
async def issue_agency_token(
    request: Request, response: Response, ctx: Services,
    grant_type: Annotated[Literal["client_credentials"], Form(description="always `client_credentials`")],
    client_id: Annotated[str, Form(max_length=40)] = "",
    client_secret: Annotated[str, Form(max_length=100)] = "",
    scope: Annotated[str, Form(max_length=200, description="space-separated; empty: every scope the system holds")] = "",
) -> AgencyToken:
    """Exchange an agency system's client id and secret (form fields or HTTP Basic) for a bearer token."""
    client_id, client_secret = _basic_credentials(request) or (client_id, client_secret)
    system = await agency_systems.authenticate_system(ctx.db, client_id, client_secret)
    if system is None:
        raise HTTPException(status_code=401, detail=INVALID_CLIENT, headers={"WWW-Authenticate": "Basic"})
    asked = set(scope.split()) if scope.strip() else set(system.scopes)
    if not asked <= set(system.scopes):
        extra = " ".join(sorted(asked - set(system.scopes)))
        raise HTTPException(status_code=400, detail=f"系统未获授权的范围 / scopes not granted to this system: {extra}")
    granted = sorted(asked)
    seconds = ctx.settings.agency_token_seconds
    response.headers["Cache-Control"] = "no-store"  # RFC 6749 section 5.1
    return AgencyToken(access_token=signed_agency_token(request, system, granted), expires_in=seconds, scope=" ".join(granted))


@router.get("/events", response_model=EventFeed, responses=problems(403, d403="the token lacks the events:read scope"))
async def list_events(
    ctx: Services, system: EventReader,
    cursor: Annotated[int, Query(ge=0, le=2**62, description="the last sequence number already read (0: from the start)")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_FEED, description="events per answer")] = 100,
) -> EventFeed:
    """The organisation's events after `cursor`, oldest first (the same events its webhook receives)."""
    return await event_feed(ctx.db, system, cursor, limit)


@router.post("/tasks/{task_id:path}/attachments", status_code=201, response_model=ActionResult, openapi_extra=examples.ATTACHMENT,
             responses={200: {"model": ActionResult, "description": "the same Idempotency-Key and file again: the first answer"},
                        **problems(400, 403, 404, 409, 413, 415, 503, d400="no Idempotency-Key",
                                   d403="the token lacks the documents:write scope", d404="no such task of the organisation's",
                                   d409="the case workflow refused (a closed case), or the key was used for another request",
                                   d413="the file is larger than the upload limit", d415="not a PDF, JPEG or PNG file")})
async def attach_document(
    ctx: Services, response: Response, task_id: str, system: DocumentAttacher,
    file: Annotated[UploadFile, File(description="PDF, JPEG or PNG, within the upload limit")],
    description: Annotated[str, Form(max_length=300)] = "",
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", min_length=1, max_length=128,
                                                  description="required: the same key and file are attached once")] = None,
) -> ActionResult:
    """An agency system adds a file to the case of one of its organisation's tasks (stored encrypted
    outside Temporal; the case's timeline and the organisations' events record it)."""
    checked = await checked_upload(file, ctx.settings.max_upload_bytes)
    done = await attach_as_system(ctx, task_id, system, checked, description, idempotency_key)
    response.status_code = 200 if done.replayed else 201
    response.headers["Idempotent-Replayed"] = "true" if done.replayed else "false"
    return done.result


class AgencySystemIn(BaseModel):
    """A new agency system for an organisation."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    scopes: list[Scope] = Field(min_length=1, max_length=len(Scope))
    webhook_url: str | None = Field(default=None, max_length=500, description="https URL to receive events at; none: feed only")


@router.get("/organisations/{code}/systems", response_model=list[AgencySystemPublic],
            responses=problems(404, d404="no such organisation"))
async def list_agency_systems(ctx: Services, code: str, _: AdminStaff) -> list[AgencySystemPublic]:
    """The organisation's agency systems with their webhook delivery state (last delivered, pending, failures)."""
    return await agency_systems.list_systems(ctx.db, code)


@router.post("/organisations/{code}/systems", status_code=201, response_model=AgencyCredentials,
             responses=problems(404, 422, d404="no such organisation", d422="the webhook URL is not an absolute https URL"))
async def register_agency_system(ctx: Services, response: Response, code: str, staff: AdminStaff,
                                 body: Annotated[AgencySystemIn, Body(openapi_examples=examples.NEW_AGENCY_SYSTEM)]) -> AgencyCredentials:
    """Register an agency system: its client id and secret and its webhook secret, shown only in this answer."""
    response.headers["Cache-Control"] = "no-store"
    return await agency_systems.register_system(ctx.db, ctx.keyring, code, body.name, body.scopes, body.webhook_url,
                                                by=staff.username, production=ctx.settings.is_production)


@router.post("/organisations/{code}/systems/{client_id}/rotate", response_model=AgencyCredentials,
             responses=problems(404, d404="no such active system of this organisation"))
async def rotate_agency_system_secret(ctx: Services, response: Response, code: str, client_id: str,
                                      staff: AdminStaff) -> AgencyCredentials:
    """A new client secret, shown only in this answer; the old secret and its tokens stop working."""
    response.headers["Cache-Control"] = "no-store"
    return await agency_systems.rotate_secret(ctx.db, code, client_id, by=staff.username)


class AgencySystemChange(BaseModel):
    """Where the system's webhook points (null: no webhook, the feed only)."""

    model_config = ConfigDict(extra="forbid")

    webhook_url: str | None = Field(max_length=500, description="https URL to receive events at; null: feed only")


@router.patch("/organisations/{code}/systems/{client_id}", response_model=AgencySystemPublic,
              responses=problems(404, 422, d404="no such active system of this organisation",
                                 d422="the webhook URL is not an absolute https URL"))
async def update_agency_system(ctx: Services, code: str, client_id: str, staff: AdminStaff,
                               body: Annotated[AgencySystemChange, Body(openapi_examples=examples.AGENCY_SYSTEM_CHANGE)]
                               ) -> AgencySystemPublic:
    """Point the system's webhook at another URL (events not yet delivered go there, in order), or none."""
    return await agency_systems.change_webhook(ctx.db, code, client_id, body.webhook_url, by=staff.username,
                                               production=ctx.settings.is_production)


@router.post("/organisations/{code}/systems/{client_id}/rotate-webhook-secret", response_model=WebhookSecret,
             responses=problems(404, d404="no such active system of this organisation"))
async def rotate_agency_system_webhook_secret(ctx: Services, response: Response, code: str, client_id: str,
                                              staff: AdminStaff) -> WebhookSecret:
    """A new webhook signing secret, shown only in this answer; deliveries carry the old secret's
    signature too for LABOURFLOW_WEBHOOK_SECRET_GRACE_SECONDS, so the receiver can switch without a gap."""
    response.headers["Cache-Control"] = "no-store"
    return await agency_systems.rotate_webhook_secret(ctx.db, ctx.keyring, code, client_id, by=staff.username,
                                                      grace_seconds=ctx.settings.webhook_secret_grace_seconds)


@router.post("/organisations/{code}/systems/{client_id}/revoke", response_model=AgencySystemPublic,
             responses=problems(404, d404="no such system of this organisation"))
async def revoke_agency_system(ctx: Services, code: str, client_id: str, staff: AdminStaff) -> AgencySystemPublic:
    """Revoke the system: its tokens are refused at once and its webhook gets nothing more."""
    return await agency_systems.revoke_system(ctx.db, code, client_id, by=staff.username)
