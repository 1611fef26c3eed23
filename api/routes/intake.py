"""Worker-side JSON endpoints beyond the case itself: guidance while filling in an intake, evidence
upload, and the case's road ahead (what-if chain from its recorded key dates)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, File, Form, HTTPException, UploadFile
from pydantic import BaseModel, Field, StrictBool, StrictInt

from api import examples
from api.deps import CaseReader, CaseWorker, Services
from api.problems import problems
from domain.actions import ActionResult
from domain.china_time import china_today
from domain.intake import Guidance, GuidanceRequest, JsonDate, intake_guidance
from domain.whatif import WhatIfChain
from services import casework
from services.case_view import case_detail, road_ahead
from services.evidence import EvidenceFile, EvidenceRejected, check_evidence

router = APIRouter(prefix="/api/v1", tags=["intake"])
EVIDENCE_MESSAGES = {
    "evidence.empty": "文件为空 / the file is empty",
    "evidence.too_large": "文件超过大小上限 / the file is larger than the limit",
    "evidence.bad_type": "只接受 PDF、JPEG、PNG 文件 / only PDF, JPEG and PNG files are accepted",
}
EVIDENCE_STATUS = {"evidence.too_large": 413, "evidence.bad_type": 415}


async def checked_upload(file: UploadFile, limit: int) -> EvidenceFile:
    """An uploaded file that passed the checks (PDF, JPEG or PNG by content, within `limit`); 413/415/422 otherwise."""
    try:
        return check_evidence(file.filename or "", await file.read(limit + 1), limit)
    except EvidenceRejected as exc:
        raise HTTPException(status_code=EVIDENCE_STATUS.get(exc.code, 422), detail=EVIDENCE_MESSAGES[exc.code]) from None


class GuidanceJson(GuidanceRequest):
    """The JSON form of the guidance inputs: like the intake, `0` is not a date nor `false`, and
    `0.0` is not a yes/no (the page's form fields are read leniently by `guidance_request`)."""

    knew_on: JsonDate | None = None  # type: ignore[assignment]
    still_employed: StrictBool | None = None
    employment_ended_on: JsonDate | None = None  # type: ignore[assignment]
    injured_on: JsonDate | None = None  # type: ignore[assignment]
    worker_count: StrictInt = Field(default=1, ge=1)
    wage_iou_only: StrictBool = False
    wants_legal_aid: StrictBool = False


@router.post("/intake/guidance", response_model=Guidance)
async def get_intake_guidance(ctx: Services, entered: Annotated[GuidanceJson, Body(openapi_examples=examples.GUIDANCE)]) -> Guidance:
    """Advice for a partly filled intake: limitation warning, the channel that fits, scope
    referral."""
    inputs = GuidanceRequest.model_validate(entered.model_dump())
    return intake_guidance(inputs, china_today(), await ctx.calendar())


class EvidenceAdded(BaseModel):
    """The stored file's id and what the case workflow made of it."""

    evidence_id: str
    result: ActionResult


@router.post(
    "/cases/{case_no}/evidence",
    response_model=EvidenceAdded,
    status_code=201,
    responses=problems(409, 413, 415, 503, d409="the case workflow refused (e.g. the case is closed)",
                       d413="the file is larger than the upload limit", d415="not a PDF, JPEG or PNG file"),
    openapi_extra=examples.EVIDENCE,
)
async def add_evidence(
    ctx: Services,
    case_no: str,
    worker: CaseWorker,
    file: Annotated[UploadFile, File(description="PDF, JPEG or PNG, within the upload limit")],
    description: Annotated[str, Form(max_length=300)] = "",
) -> EvidenceAdded:
    """The worker adds an evidence file (PDF, JPEG, PNG; size limit): stored encrypted outside
    Temporal, then its id is given to the case workflow (`add_evidence`)."""
    checked = await checked_upload(file, ctx.settings.max_upload_bytes)
    evidence_id, result = await casework.add_evidence(ctx, case_no, checked, description, worker=worker)
    return EvidenceAdded(evidence_id=evidence_id, result=result)


@router.get("/cases/{case_no}/road", response_model=WhatIfChain)
async def get_case_road(ctx: Services, case_no: str, principal: CaseReader) -> WhatIfChain:
    """The case's road ahead: each later deadline and its last safe day, from the recorded dates."""
    detail = await case_detail(ctx.db, ctx.keyring, case_no, principal)
    return road_ahead(detail, china_today(), await ctx.calendar())
