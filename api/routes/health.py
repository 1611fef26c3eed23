"""Liveness and readiness probes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up (answers even when the database or Temporal is down)."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "a dependency is not ready; the body names it"}})
async def readyz(request: Request) -> JSONResponse:
    """Database, Temporal and the other registered checks are all reachable."""
    checks: dict[str, Any] = {}
    failing: list[str] = []
    for name, check in request.app.state.readiness_checks.items():
        try:
            await check()
            checks[name] = "ok"
        except Exception as exc:
            checks[name] = f"failing: {exc}"
            failing.append(name)
    status = 503 if failing else 200
    body = {"status": "ready" if not failing else "not ready: " + ", ".join(failing), "checks": checks}
    return JSONResponse(status_code=status, content=body)
