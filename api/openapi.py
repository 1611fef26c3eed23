"""The OpenAPI conventions, applied to every route (today's and those to come) in one place:

- operation ids are the route function's name in camelCase (`file_case` -> `fileCase`): readable,
  and stable as long as the function keeps its name (`tests/api/test_contract.py` keeps the list);
- every error status an operation can answer is documented as `application/problem+json`
  (`api/problems.py`): the ones its route declares (`responses=problems(404, 409)`), and the ones
  its dependencies and parameters imply: 401/403/404/429 from the dependencies marked `@raises`,
  422 where it takes parameters or a body, 400 and 413 where it takes a body;
- the security schemes come from the dependencies (`api/deps.py`), so each operation names the
  credentials it accepts and `/docs` can sign in (OAuth2 password flow)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute, iter_route_contexts

from api.problems import PROBLEM_MEDIA_TYPE, RAISES_ATTRIBUTE, STATUS_DESCRIPTIONS, FieldError, Problem, problem_body

TAGS = [
    {"name": "cases", "description": "File a complaint, follow it (worker: `X-Access-Code`; staff: bearer token) and act on it."},
    {"name": "intake", "description": "Guidance while an intake is filled in, evidence, the case's road ahead."},
    {"name": "staff", "description": "The task inbox and one task with the schema of each action's payload."},
    {"name": "parties", "description": "Sessions and hearings on a staff member's calendar; a respondent's fresh one-time link."},
    {"name": "documents", "description": "Generated documents: list, download (PDF or HTML), the case summary report."},
    {"name": "deadlines", "description": "Statutory deadlines D01-D72, one computed deadline, the what-if chain."},
    {"name": "supervision", "description": "Union labour-law supervision (一函两书): suggestions, matters, bulk letters, statistics."},
    {"name": "admin", "description": "Administrators: case search, dashboard, history, users, the notification outbox."},
    {"name": "agency systems", "description": "Agencies' own systems: the event feed, and their registration by administrators "
                                              "(client credentials, webhook, rotation, revocation)."},
    {"name": "reference", "description": "Reference data: the regions served, by GB/T 2260 code."},
    {"name": "auth", "description": "Staff sign-in (OAuth2 password flow), who is signed in, and agency systems' "
                                  "tokens (OAuth2 client credentials)."},
    {"name": "codec", "description": "The Temporal Web UI's remote codec (administrators only)."},
    {"name": "health", "description": "Liveness and readiness probes."},
]
DESCRIPTION = """Everything the pages do, as JSON.

- **Errors** are RFC 9457 problem details (`application/problem+json`): `type`, `title`, `status`,
  `detail`, `instance`, and for invalid input `errors`, one per field with `field`, `code`, `message`
  and `fix` (Chinese first, then English).
- **Lists** are paged alike: `page` (1-based) and `per_page` (at most 200) in; `items`, `total`,
  `page`, `per_page` and `pages` out. A page past the end is empty with the same totals.
- **Credentials**: staff send `Authorization: Bearer <token>` from `POST /api/v1/auth/token`; the
  worker sends the case's access code in `X-Access-Code`. Another's object and a missing one get
  the same 404.
- **Retries**: `POST /api/v1/cases` takes an `Idempotency-Key`; the same key and body give the same
  case (201 the first time, 200 after).
"""


def operation_id(route: APIRoute) -> str:
    """`file_case` -> `fileCase`."""
    head, *rest = route.name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _dependants(sub)


def implied_statuses(route: Any) -> set[int]:
    """The error statuses a route's dependencies, parameters and body can answer."""
    statuses: set[int] = set()
    for dependant in _dependants(route.dependant):
        statuses |= set(getattr(dependant.call, RAISES_ATTRIBUTE, ()))
        if dependant.path_params or dependant.query_params or dependant.header_params or dependant.cookie_params:
            statuses.add(422)
    if route.body_field is not None:
        statuses |= {400, 413, 422}  # 400: bytes that are not UTF-8 JSON, or a broken form
    return statuses


def _problem_schema(response: dict[str, Any]) -> dict[str, Any]:
    """The schema a route gave its error (a Problem subclass such as ReadinessProblem), else Problem."""
    for media in (response.get("content") or {}).values():
        schema = media.get("schema") or {}
        if schema.get("$ref", "").endswith("Problem"):
            return dict(schema)
    return {"$ref": "#/components/schemas/Problem"}


def _description(response: dict[str, Any], status: int) -> str:
    given = response.get("description")
    generic = (None, "", "Additional Response", "Validation Error")  # FastAPI's placeholders
    return STATUS_DESCRIPTIONS.get(status, f"HTTP {status}") if given in generic else str(given)


def _example(status: int, path: str) -> dict[str, Any]:
    """What a problem of this status looks like here (a 422 with one field error)."""
    errors = [FieldError.model_validate(FieldError.model_config["json_schema_extra"]["examples"][0])] if status == 422 else []  # type: ignore[index]
    return problem_body(status, STATUS_DESCRIPTIONS.get(status, f"HTTP {status}"), path, errors)


def _headers(status: int) -> dict[str, Any]:
    if status == 429:
        return {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}}
    if status == 401:
        return {"WWW-Authenticate": {"description": "`Bearer`", "schema": {"type": "string"}}}
    return {}


def api_routes(routes: list[Any]) -> Iterator[Any]:
    """The app's API routes as served (prefixes of included routers applied)."""
    for context in iter_route_contexts(routes):
        if isinstance(context.original_route, APIRoute) and context.include_in_schema:
            yield context


def document_problems(schema: dict[str, Any], routes: list[Any]) -> None:
    """Every error response of every operation: problem details, with the statuses it implies."""
    for route in api_routes(routes):
        for method in route.methods:
            operation = schema["paths"][route.path_format][method.lower()]
            responses = operation.setdefault("responses", {})
            declared = {int(code) for code in responses if code.isdigit() and int(code) >= 400}
            for status in sorted(declared | implied_statuses(route)):
                old = responses.get(str(status), {})
                media: dict[str, Any] = {"schema": _problem_schema(old)}
                if media["schema"]["$ref"].endswith("/Problem"):  # a subclass has members of its own
                    media["example"] = _example(status, route.path_format)
                responses[str(status)] = {
                    "description": _description(old, status),
                    "content": {PROBLEM_MEDIA_TYPE: media},
                    **({"headers": _headers(status)} if _headers(status) else {}),
                }
            operation["responses"] = dict(sorted(responses.items()))
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(problem.pop("$defs", {}))
    components["Problem"] = problem
    for unused in ("HTTPValidationError", "ValidationError"):  # FastAPI's default 422, replaced above
        components.pop(unused, None)


SWAGGER_UI = "/static/vendor/swagger-ui-bundle-5.35.0.js", "/static/vendor/swagger-ui-5.35.0.css"


def install_openapi(app: FastAPI) -> None:
    """Build the description once, with the conventions above applied; serve `/docs` (Swagger UI
    from our own static files, so it works without Internet access; "Authorize" signs staff in)."""

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/openapi.json", title=f"{app.title} API", swagger_js_url=SWAGGER_UI[0],
                                   swagger_css_url=SWAGGER_UI[1], swagger_favicon_url="data:,",
                                   oauth2_redirect_url="/docs/oauth2-redirect", swagger_ui_parameters={"persistAuthorization": True})

    @app.get("/docs/oauth2-redirect", include_in_schema=False)
    async def docs_oauth2_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title, version=app.version, summary=app.summary, description=DESCRIPTION, routes=app.routes, tags=TAGS,
            )
            document_problems(schema, app.routes)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
