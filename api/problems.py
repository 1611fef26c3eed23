"""Problem details (RFC 9457): the one shape of every error the JSON API returns, served as
`application/problem+json`, and the marker that tells the OpenAPI description which statuses a
dependency can answer (so every operation documents every error it can return).

    {"type": "/problems/validation", "title": "请求内容有误 / the request has invalid fields", "status": 422,
     "detail": "worker.id_number: ...", "instance": "/api/v1/cases",
     "errors": [{"field": "worker.id_number", "code": "id_number.check_char", "message": "...", "fix": "..."}]}

`type` is a relative URI reference naming the kind of problem (stable: clients may branch on it);
`title` is the same for every problem of that type; `detail` says what happened this time.
This module imports nothing of the app, so dependencies, middleware and handlers can all use it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field

PROBLEM_MEDIA_TYPE = "application/problem+json"


class FieldError(BaseModel):
    """One field that was wrong: where, what, and how to put it right (Chinese first, then English)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "field": "worker.id_number", "code": "id_number.check_char",
        "message": "身份证号码校验位不正确，请逐位核对 / the ID number's check character does not match; please check each digit",
        "fix": "逐位核对身份证号码，最后一位按GB 11643计算 / check each digit; the last one is computed by GB 11643"}]})

    field: str = Field(description="dotted path of the field in the request, e.g. `worker.id_number` or `claims.0.amount`; "
                                   "`request` for the request as a whole")
    code: str = Field(description="stable machine-readable kind of error, e.g. `missing`, `string_too_short`, `id_number.check_char`")
    message: str = Field(description="what is wrong, Chinese first, then English")
    fix: str = Field(description="how to put it right, Chinese first, then English")


class Problem(BaseModel):
    """An error, as RFC 9457 problem details, with the fields that were wrong (`errors`) when there are any."""

    type: str = Field(description="URI reference naming the kind of problem (see README, 'Problem details')")
    title: str = Field(description="short summary of the kind of problem, the same for every problem of its type")
    status: int = Field(ge=400, le=599, description="the HTTP status code of this answer")
    detail: str = Field(description="what went wrong this time and how to proceed, Chinese first, then English")
    instance: str = Field(description="the path of the request that failed")
    errors: list[FieldError] = Field(default_factory=list, description="the fields that were wrong (422); empty otherwise")


class ReadinessProblem(Problem):
    """The service is not ready: which dependency failed."""

    checks: dict[str, str] = Field(description="each readiness check: `ok` or `failing: <reason>`")


# status -> (type, title). The types are part of the contract: add, never rename.
PROBLEM_TYPES: dict[int, tuple[str, str]] = {
    400: ("/problems/bad-request", "请求无法解析 / the request could not be read"),
    401: ("/problems/unauthenticated", "需要登录 / sign-in required"),
    403: ("/problems/forbidden", "无此权限 / not allowed"),
    404: ("/problems/not-found", "未找到 / not found"),
    405: ("/problems/method-not-allowed", "不支持此方法 / method not allowed"),
    409: ("/problems/refused", "请求与当前状态冲突，未执行 / refused: it conflicts with the current state"),
    413: ("/problems/too-large", "请求内容过大 / request too large"),
    415: ("/problems/unsupported-media-type", "不支持的文件或内容类型 / unsupported media type"),
    422: ("/problems/validation", "请求内容有误 / the request has invalid fields"),
    423: ("/problems/locked", "账户已锁定 / account locked"),
    429: ("/problems/rate-limited", "请求过于频繁 / too many requests"),
    500: ("/problems/internal", "内部错误 / internal error"),
    503: ("/problems/unavailable", "服务暂不可用 / service unavailable"),
}

# What each status means where it is documented (the OpenAPI response description).
STATUS_DESCRIPTIONS: dict[int, str] = {
    400: "the body could not be parsed (not UTF-8 JSON, or a broken form)",
    401: "no valid sign-in: send `Authorization: Bearer <token>` from `POST /api/v1/auth/token`",
    403: "signed in, but this role may not do this",
    404: "no such object, or not yours to see (the same answer either way)",
    409: "refused: it conflicts with the state of things (the reason is in `detail`)",
    413: "the request body or upload is larger than the limit",
    415: "the file type is not accepted",
    422: "invalid input: each wrong field in `errors`, with how to fix it",
    423: "the account is locked after repeated wrong passwords",
    429: "too many requests: wait `Retry-After` seconds",
    503: "a service this needs (Temporal, the database) is unavailable; retry later",
}


def problem_type(status: int) -> tuple[str, str]:
    """The type and title of a status (about:blank with the status as title when we define none)."""
    return PROBLEM_TYPES.get(status, ("about:blank", f"HTTP {status}"))


def problem_body(status: int, detail: str, instance: str, errors: list[FieldError] | None = None, **extra: Any) -> dict[str, Any]:
    """The JSON body of a problem of `status`."""
    kind, title = problem_type(status)
    body = Problem(type=kind, title=title, status=status, detail=detail, instance=instance, errors=errors or [])
    return body.model_dump(mode="json") | extra


F = TypeVar("F", bound=Callable[..., Any])
RAISES_ATTRIBUTE = "__problem_statuses__"


def raises(*statuses: int) -> Callable[[F], F]:
    """Mark a dependency with the error statuses it can answer; the OpenAPI description documents
    them on every operation that depends on it (`api/openapi.py`)."""

    def mark(function: F) -> F:
        setattr(function, RAISES_ATTRIBUTE, frozenset(statuses) | getattr(function, RAISES_ATTRIBUTE, frozenset()))
        return function

    return mark


def problems(*statuses: int, **descriptions: str) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: the error statuses its service can answer (404, 409, 503...), each
    documented as a problem; `descriptions` (`d404="no such matter"`) say what the status means here."""
    return {
        status: {"description": descriptions.get(f"d{status}", STATUS_DESCRIPTIONS.get(status, f"HTTP {status}"))}
        for status in statuses
    }
