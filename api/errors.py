"""Uniform error answers: every error of the JSON API is RFC 9457 problem details
(`application/problem+json`, see `api/problems.py`) saying what was wrong and how to fix it, never a
traceback. Pages (HTML) keep their error pages; a page that needs a sign-in redirects to it.

One mapping for everything that can go wrong: request validation (422, each field with how to fix
it), `HTTPException` (401, 403, 404, 413, 415, 423, 429...), `ProblemError` (a route's own 422 with
field errors), `services.errors.ServiceError` (which carries its status: 404, 409, 429, 503...)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.deps import LoginRequired, login_url
from api.i18n import catalogue
from api.problems import PROBLEM_MEDIA_TYPE, FieldError, problem_body
from domain.privacy import redact_text
from services.errors import ServiceError

log = structlog.get_logger("api.errors")
LOCATIONS = ("body", "query", "path", "header", "cookie")

# What a built-in validation error means, in Chinese (pydantic says it in English).
WHAT_ZH = {
    "missing": "缺少必填项", "extra_forbidden": "不接受此字段", "string_type": "应为文本", "string_too_short": "内容过短",
    "string_too_long": "内容过长", "string_pattern_mismatch": "格式不符", "int_type": "应为整数", "int_parsing": "应为整数",
    "int_from_float": "应为整数", "bool_type": "应为 true 或 false", "bool_parsing": "应为 true 或 false", "float_type": "应为数字",
    "float_parsing": "应为数字", "decimal_type": "金额格式不对", "decimal_parsing": "金额格式不对", "decimal_max_places": "小数位过多",
    "decimal_max_digits": "位数过多", "decimal_whole_digits": "位数过多", "greater_than": "数值过小", "greater_than_equal": "数值过小",
    "less_than": "数值过大", "less_than_equal": "数值过大", "enum": "不是可选的值", "literal_error": "不是可选的值",
    "date_type": "日期格式不对", "date_parsing": "日期格式不对", "date_from_datetime_parsing": "日期格式不对",
    "date_from_datetime_inexact": "日期格式不对", "too_short": "项目过少", "too_long": "项目过多", "dict_type": "应为 JSON 对象",
    "model_type": "应为 JSON 对象", "model_attributes_type": "应为 JSON 对象", "list_type": "应为 JSON 数组",
    "tuple_type": "应为 JSON 数组", "json_invalid": "JSON 格式错误", "json_type": "应为 JSON",
}
# The framework's own messages, in both languages.
FRAMEWORK_DETAILS = {
    "There was an error parsing the body": "请求内容无法解析（应为UTF-8编码的JSON或表单） / the body could not be parsed: send UTF-8 JSON, "
                                           "or a well-formed form",
    "Not Found": "未找到 / not found",
    "Method Not Allowed": "不支持此方法 / method not allowed",
}
FIX_FALLBACK = "按上面的说明修改后重新提交 / correct the value as described and send the request again"


class ProblemError(Exception):
    """A route's own refusal with field errors (e.g. a CSV's bad rows), answered as a problem."""

    def __init__(self, status: int, detail: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.errors = status, detail, errors or []


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(part) for part in loc if part not in LOCATIONS]
    return ".".join(parts) or "request"


def _fix(messages: Mapping[str, Mapping[str, str]], kind: str, ctx: Mapping[str, Any]) -> str:
    """How to fix a built-in validation error: the intake form's own words for it, in both languages."""
    entry = messages.get(f"form.error.{kind}")
    if entry is None:
        return FIX_FALLBACK
    values = {k: v for k, v in ctx.items() if isinstance(v, str | int | float)}
    try:
        return f"{entry['zh'].format(**values)} / {entry['en'].format(**values)}"
    except (KeyError, IndexError):
        return FIX_FALLBACK


def field_error(error: Mapping[str, Any], messages: Mapping[str, Mapping[str, str]]) -> FieldError:
    """One pydantic error as a field error. Our own validators give their bilingual message with a
    `code` and a `fix` in the error's context; built-in ones get both from the tables above."""
    kind = str(error.get("type", "value_error"))
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    loc = tuple(error.get("loc", ()))
    message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
    field = "request" if kind == "json_invalid" else _field(loc)
    head, sep, rest = message.partition(": ")
    if field == "request" and sep and head.replace("_", "").replace(".", "").isalnum() and head.isascii():
        field, message = head, rest  # a model-wide check names its field first ("employment_ended_on: ...")
    if kind in ("value_error", "assertion_error"):
        fix = str(ctx["fix"]) if ctx.get("fix") else redact_text(message)  # a validator's own fix holds no input
        return FieldError(field=field, code=str(ctx.get("code", kind)), message=redact_text(message), fix=fix)
    zh = WHAT_ZH.get(kind, "填写有误")
    return FieldError(field=field, code=kind, message=redact_text(f"{zh} / {message}"), fix=_fix(messages, kind, ctx))


NOT_PAGES = ("/api/", "/static/", "/healthz", "/readyz", "/docs", "/openapi", "/redoc")


def is_page(request: Request) -> bool:
    """A browser page (HTML errors), not the JSON API, the probes or static files."""
    path = request.url.path
    return not path.startswith(NOT_PAGES)


def problem_response(request: Request, status: int, detail: str, errors: list[FieldError] | None = None,
                     headers: Mapping[str, str] | None = None) -> JSONResponse:
    """An `application/problem+json` answer for this request."""
    body = problem_body(status, detail, request.url.path, errors)
    return JSONResponse(status_code=status, content=body, headers=dict(headers or {}), media_type=PROBLEM_MEDIA_TYPE)


def _error_page(request: Request, status: int, detail: str) -> Response:
    from api.forms import message_in
    from api.pages.rendering import render_page, translator

    message = message_in(translator(request), detail)
    return render_page(request, "error.html", status_code=status, status=status, message=message)


def check_payload(model: type[BaseModel] | None, payload: Mapping[str, Any]) -> None:
    """An action's payload its model refuses is answered 422 field by field (`payload.<field>`), as
    the pages do, before a workflow is asked (whose validator would refuse it whole, 409). No model:
    the workflow decides."""
    if model is None:
        return
    try:
        model.model_validate(payload)
    except ValidationError as exc:
        raise RequestValidationError([{**error, "loc": ("body", "payload", *error["loc"])} for error in exc.errors()]) from None


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        messages = catalogue(request.app.state.services.settings.templates_dir)
        errors = [field_error(err, messages) for err in exc.errors()]
        detail = "; ".join(f"{e.field}: {e.message}" for e in errors)
        return problem_response(request, 422, detail, errors)

    @app.exception_handler(ProblemError)
    async def _problem(request: Request, exc: ProblemError) -> JSONResponse:
        return problem_response(request, exc.status, exc.detail, exc.errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        detail = FRAMEWORK_DETAILS.get(str(exc.detail), str(exc.detail))
        if is_page(request):
            return _error_page(request, exc.status_code, detail)
        return problem_response(request, exc.status_code, detail, headers=getattr(exc, "headers", None))

    @app.exception_handler(ServiceError)
    async def _service(request: Request, exc: ServiceError) -> Response:
        """A service's refusal, answered like an HTTP error of its status (404, 409, 503...)."""
        if is_page(request):
            return _error_page(request, exc.status, exc.message)
        return problem_response(request, exc.status, exc.message)

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(login_url(exc.next_path), status_code=303)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error", path=request.url.path, error_type=type(exc).__name__, exc_info=exc)
        return problem_response(request, 500, "内部错误，已记录，请稍后重试 / internal error, logged; please retry later")
