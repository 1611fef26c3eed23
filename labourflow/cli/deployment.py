"""Rolling upgrades: `labourflow deployment show|set-current|retire` (deploy/README.md, "Upgrading").

The same calls as `temporal worker deployment describe|set-current-version|delete-version`, made with
the product's own connection settings, so an operator needs nothing but the release's image."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Coroutine
from dataclasses import asdict
from typing import Any, NoReturn

import typer

from labourflow.cli.base import app, fail

deployment_app = typer.Typer(help="Worker Versioning: which build serves the cases; upgrade and roll back.")
app.add_typer(deployment_app, name="deployment")


def _leave(work: Coroutine[Any, Any, str]) -> NoReturn:
    """Run one client call, print its outcome and exit without interpreter teardown: the Temporal
    client's runtime threads outlive the event loop, and finalising Python under them aborts the
    process now and then ("PyGILState_Release ... finalizing", temporalio/sdk-python#300)."""
    from temporalio.service import RPCError

    from infrastructure.worker_versions import VersioningError

    try:
        typer.echo(asyncio.run(work))
        code = 0
    except (VersioningError, ConnectionError, RPCError) as exc:
        typer.echo(f"error: {exc}", err=True)
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _settings():  # type: ignore[no-untyped-def]
    from infrastructure.settings import SettingsError, get_settings

    try:
        return get_settings()
    except SettingsError as exc:
        fail(str(exc), code=1)


@deployment_app.command("show")
def show(as_json: bool = typer.Option(False, "--json", help="one JSON object")) -> None:
    """This build's version, the deployment's current version and every version the server knows."""
    from infrastructure.temporal import connect
    from infrastructure.worker_versions import describe_deployment
    from labourflow.release import release_version

    settings = _settings()
    version = release_version(settings)

    async def _go() -> str:
        state = await describe_deployment(await connect(settings), version.deployment_name)
        if as_json:
            return json.dumps({"this_build": version.build_id, "deployment": asdict(state) if state else None}, ensure_ascii=False)
        lines = [f"deployment   {version.deployment_name}", f"this build   {version.build_id}"]
        if state is None:
            return "\n".join([*lines, "no worker of this deployment has polled yet"])
        lines.append(f"current      {state.current_build_id or '(none: unversioned workers)'}")
        lines += [f"  {item.build_id:<32} {item.status:<9} {item.drainage}".rstrip() for item in state.versions]
        return "\n".join(lines)

    _leave(_go())


@deployment_app.command("set-current")
def set_current(
    build_id: str = typer.Argument(None, help="the build to make current (default: this build, LABOURFLOW_BUILD_ID or its default)"),
    wait: float = typer.Option(60, "--wait", help="seconds to wait for the build's workers to poll"),
) -> None:
    """Make a build the current version: new workflow tasks of auto-upgrading cases go to it; pinned
    workflows stay on the build they started on. Rolling back is setting the old build current."""
    from infrastructure.temporal import connect
    from infrastructure.worker_versions import deployment_version, set_current_version
    from labourflow.release import release_version

    settings = _settings()
    target = deployment_version(settings.resolved_deployment_name, build_id) if build_id else release_version(settings)

    async def _go() -> str:
        previous = await set_current_version(await connect(settings), target, wait=wait)
        return f"current version of {target.deployment_name}: {target.build_id} (was {previous or 'none'})"

    _leave(_go())


@deployment_app.command("retire")
def retire(
    build_id: str = typer.Argument(..., help="the old build to delete from the deployment"),
    skip_drainage: bool = typer.Option(False, "--skip-drainage", help="even if pinned workflows still run on it (they would be stuck)"),
) -> None:
    """Delete an old version once its workers are stopped and no pinned workflow runs on it."""
    from infrastructure.temporal import connect
    from infrastructure.worker_versions import deployment_version, retire_version

    settings = _settings()
    target = deployment_version(settings.resolved_deployment_name, build_id)

    async def _go() -> str:
        await retire_version(await connect(settings), target, skip_drainage=skip_drainage)
        return f"retired {target.to_canonical_string()}"

    _leave(_go())
