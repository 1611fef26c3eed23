"""The `labourflow` command. Each sub-module adds its commands to `app`."""

from __future__ import annotations

from labourflow.cli import (  # noqa: F401  (register commands)
    agency_systems,
    audit,
    deadlines,
    deployment,
    documents,
    monitoring,
    organisations,
    serve,
    signing,
    storage,
    users,
)
from labourflow.cli.base import app


def main() -> None:
    """Entry point of the `labourflow` console script."""
    app()
