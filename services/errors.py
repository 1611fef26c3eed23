"""What a service says when it cannot do what was asked: the API turns each into its HTTP answer
(one mapping, `api/errors.py`), the command line into one line and an exit code."""

from __future__ import annotations


class ServiceError(Exception):
    """A refusal with a message for the person asking (Chinese first, then English)."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(ServiceError):
    """Missing, or not the asker's to see: the same answer either way."""

    status = 404

    def __init__(self, message: str = "未找到 / not found") -> None:
        super().__init__(message)


class Forbidden(ServiceError):
    """The asker's role may not do this."""

    status = 403


class Refused(ServiceError):
    """The request conflicts with the state of things (a workflow's validator said no, a duplicate)."""

    status = 409


class Unavailable(ServiceError):
    """A part the service needs (Temporal) is down; retrying later will work."""

    status = 503

    def __init__(self, message: str = "工作流服务暂不可用，请稍后重试 / the workflow service is unavailable; retry shortly") -> None:
        super().__init__(message)
