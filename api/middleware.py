"""Request size limits, enforced before any parsing: an oversized body gets 413 at once.

`Content-Length` is checked up front; a chunked body is counted as it streams and cut off as soon
as it passes the limit. Upload routes (evidence, employer replies) get the larger upload limit."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from api.problems import PROBLEM_MEDIA_TYPE, problem_body

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
