"""Remote codec for the Temporal Web UI: administrators read the (AES-GCM encrypted) payloads of
cases in the UI. Only admins, only from the configured Temporal UI origin (CORS), nothing else.

In the Temporal UI: Codec Server -> endpoint `<labourflow>/api/v1/codec`, tick "include
cross-origin credentials" (the labourflow admin session cookie is then sent), or pass a bearer token."""

from __future__ import annotations

import json

from fastapi import APIRouter, HTTPException, Request, Response
from google.protobuf import json_format
from pydantic import BaseModel, Field
from temporalio.api.common.v1 import Payloads

from api.deps import AdminStaff, get_services
from infrastructure.temporal import EncryptionCodec

router = APIRouter(prefix="/api/v1/codec", tags=["codec"])
BAD_BODY = "请求体应为 Temporal Payloads JSON / the body must be Temporal Payloads JSON ({\"payloads\": [...]})"


class PayloadJson(BaseModel):
    """One Temporal payload in protobuf JSON: metadata and data base64-encoded."""

    metadata: dict[str, str] = Field(default_factory=dict, description="e.g. `encoding`: base64 of `binary/encrypted`")
    data: str = Field(default="", description="base64 (left out when empty)")


class PayloadsJson(BaseModel):
    """Temporal `Payloads` in protobuf JSON, as the Temporal Web UI sends and expects them."""

    payloads: list[PayloadJson] = Field(default_factory=list)


BODY = {"requestBody": {"required": True, "content": {"application/json": {
    "schema": {"$ref": "#/components/schemas/PayloadsJson"},
    "example": {"payloads": [{"metadata": {"encoding": "anNvbi9wbGFpbg=="}, "data": "eyJjYXNlX25vIjogIkxELTIwMjYtMDAwMTIzIn0="}]},
}}}}
PAYLOADS = {"model": PayloadsJson, "description": "the payloads, decoded (or encoded)"}


def _cors_headers(request: Request) -> dict[str, str]:
    settings = request.app.state.services.settings
    allowed = {f"http://127.0.0.1:{settings.temporal_ui_port}", f"http://localhost:{settings.temporal_ui_port}",
               *settings.temporal_ui_origins}
    origin = request.headers.get("origin", "")
    if origin not in allowed:
        return {}
    return {"Access-Control-Allow-Origin": origin, "Access-Control-Allow-Credentials": "true", "Vary": "Origin",
            "Access-Control-Allow-Methods": "POST, OPTIONS",
            "Access-Control-Allow-Headers": "content-type, x-namespace, authorization"}


@router.options("/{operation}", include_in_schema=False)
async def preflight(request: Request, operation: str) -> Response:
    return Response(status_code=204, headers=_cors_headers(request))


async def _run(request: Request, encode: bool) -> Response:
    try:
        body = json.loads(await request.body())
        if not isinstance(body, dict):
            raise json_format.ParseError("the body is not a JSON object")
        payloads = json_format.ParseDict(body, Payloads())
    except (json_format.ParseError, ValueError) as exc:  # ValueError: not JSON, not UTF-8
        raise HTTPException(status_code=422, detail=f"{BAD_BODY}: {str(exc)[:200]}") from None
    codec = EncryptionCodec(get_services(request).keyring)
    try:
        if encode:
            result = await codec.encode(payloads.payloads)
        else:
            result = await codec.decode(payloads.payloads)
    except Exception as exc:  # unknown key id, tampered or truncated ciphertext
        what = "encoded" if encode else "decoded"
        detail = f"无法处理这些 payload / these payloads could not be {what} ({type(exc).__name__})"
        raise HTTPException(status_code=422, detail=detail) from None
    body = json_format.MessageToJson(Payloads(payloads=result))
    return Response(content=body, media_type="application/json", headers=_cors_headers(request))


@router.post("/decode", responses={200: PAYLOADS, 413: {}, 422: {"description": "not Temporal Payloads JSON, or not decodable"}},
             openapi_extra=BODY)
async def decode_payloads(request: Request, admin: AdminStaff) -> Response:
    """Decrypt payloads for display in the Temporal UI (admins only)."""
    return await _run(request, encode=False)


@router.post("/encode", responses={200: PAYLOADS, 413: {}, 422: {"description": "not Temporal Payloads JSON, or not encodable"}},
             openapi_extra=BODY)
async def encode_payloads(request: Request, admin: AdminStaff) -> Response:
    """Encrypt payloads the Temporal UI sends (e.g. a signal typed in the UI), admins only."""
    return await _run(request, encode=True)
