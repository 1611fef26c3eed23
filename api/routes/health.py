"""Liveness and readiness probes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.problems import PROBLEM_MEDIA_TYPE, ReadinessProblem, problem_body
from api.schemas import Liveness, Readiness

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Liveness)
async def check_liveness() -> Liveness:
    """The process is up (answers even when the database or Temporal is down)."""
    return Liveness(status="ok")


@router.get("/readyz", response_model=Readiness,
            responses={503: {"model": ReadinessProblem, "description": "a dependency is not ready; `checks` names it"}})
async def check_readiness(request: Request) -> Any:
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
    if failing:
        detail = "not ready: " + ", ".join(failing)
        return JSONResponse(status_code=503, media_type=PROBLEM_MEDIA_TYPE,
                            content=problem_body(503, detail, request.url.path, checks=checks))
    return Readiness(status="ready", checks=checks)
