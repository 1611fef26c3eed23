"""The app's own ASGI middleware.

`BodySizeLimit`: request size limits, enforced before any parsing: an oversized body gets 413 at
once. `Content-Length` is checked up front; a chunked body is counted as it streams and cut off as
soon as it passes the limit. Upload routes (evidence, employer replies) get the larger upload limit.

`RequestContext`: a request id bound to every log line of the request, echoed with the server time.

Both are plain ASGI callables. Starlette's `BaseHTTPMiddleware` (`app.middleware("http")`) runs the
rest of the app in a task of its own and passes the response through a memory stream: about
1.3 ms of CPU on each `POST /api/v1/cases` (README, "Performance")."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import structlog
from starlette.datastructures import MutableHeaders

from api.problems import PROBLEM_MEDIA_TYPE, problem_body
from infrastructure.timing import collect, server_timing

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

UPLOAD_FILES = 5  # files one form may carry (services.evidence.MAX_FILES)


class BodySizeLimit:
    """Pure ASGI middleware (no buffering): 413 for bodies over the limit."""

    def __init__(self, app: ASGIApp, max_body: int, max_upload: int) -> None:
        self.app, self.max_body, self.max_upload = app, max_body, max_upload

    def _limit(self, scope: Scope) -> int:
        """Multipart forms may carry files; everything else is held to the small body limit."""
        content_type = dict(scope.get("headers", [])).get(b"content-type", b"")
        if content_type.startswith(b"multipart/form-data"):
            return self.max_upload * UPLOAD_FILES + self.max_body
        return self.max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope)
        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            await _reject(scope, send, limit)
            return
        seen = 0
        started = rejected = False

        async def counted_receive() -> Message:
            # Answer 413 ourselves and tell the app the client left: frameworks turn exceptions
            # raised while reading the body into a 400 of their own.
            nonlocal seen, rejected
            if rejected:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    if not started:
                        await _reject(scope, send, limit)
                    rejected = True
                    return {"type": "http.disconnect"}
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if rejected:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except Exception:
            if not rejected:
                raise


async def _reject(scope: Scope, send: Send, limit: int) -> None:
    detail = f"请求内容过大（上限{limit // 1024} KB） / request body too large (limit {limit // 1024} KB)"
    body = json.dumps(problem_body(413, detail, scope.get("path", "")), ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", PROBLEM_MEDIA_TYPE.encode()), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class RequestContext:
    """Bind a request id (the client's `X-Request-ID`, else a new one) to every log line of this
    request; echo it back with the server time (`Server-Timing`, until the response starts: what the
    page-speed report reads), followed by the phases the request's code marked
    (`infrastructure.timing`: what the bench reads to say where an intake waits)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers", [])).get(b"x-request-id")
        request_id = given.decode("latin-1") if given else uuid.uuid4().hex[:16]
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()

        with collect() as phases:

            async def send_with_context(message: Message) -> None:
                if message["type"] == "http.response.start":
                    headers = MutableHeaders(scope=message)
                    headers["X-Request-ID"] = request_id
                    headers["Server-Timing"] = server_timing(time.perf_counter() - started, phases)
                await send(message)

            await self.app(scope, receive, send_with_context)
