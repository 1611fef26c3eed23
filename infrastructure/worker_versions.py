"""Temporal Worker Versioning: which version of which deployment a worker polls as, and the calls that
make a version current, describe a deployment and retire an old version (deploy/README.md, "Upgrading").

A workflow task goes to the deployment's current version; a workflow declared PINNED stays on the
version it started on, one declared AUTO_UPGRADE moves to the current version at its next task. So a
new build can run next to the old one, take over the long-lived cases when it is made current, and
leave the short pinned workflows to finish on the old build.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import structlog
from google.protobuf.field_mask_pb2 import FieldMask
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.deployment.v1 import WorkerDeploymentVersion as VersionMessage
from temporalio.api.enums.v1 import VersionDrainageStatus, WorkerDeploymentVersionStatus
from temporalio.api.workflow.v1 import VersioningOverride, WorkflowExecutionOptions
from temporalio.api.workflowservice.v1 import (
    DeleteWorkerDeploymentVersionRequest,
    DescribeWorkerDeploymentRequest,
    SetWorkerDeploymentCurrentVersionRequest,
    UpdateWorkflowExecutionOptionsRequest,
)
from temporalio.client import Client
from temporalio.common import WorkerDeploymentVersion
from temporalio.service import RPCError, RPCStatusCode

log = structlog.get_logger(__name__)

# Answers that mean "not yet": the deployment or the version appears only once the server has seen
# its pollers, which takes a moment after a worker starts.
_NOT_YET = (RPCStatusCode.NOT_FOUND, RPCStatusCode.FAILED_PRECONDITION)
# The time-skipping test server answers UNIMPLEMENTED ("Worker Versioning not yet supported in test
# server"); it routes every task to whatever worker polls, so there is nothing to set there.
_UNSUPPORTED = RPCStatusCode.UNIMPLEMENTED


class SetCurrent(StrEnum):
    """When a starting worker makes its own version current (LABOURFLOW_DEPLOYMENT_SET_CURRENT).
    `always` also moves workflows pinned to older builds onto it: it is for development and for
    upgrades in place, where the old build's workers are gone and its pinned workflows would wait forever."""

    always = "always"
    first = "first"
    never = "never"


class VersioningError(RuntimeError):
    """A versioning call failed; the message says why and what to do, in Chinese then English."""


@dataclass(frozen=True)
class VersionState:
    """One version of a deployment as the server reports it."""

    build_id: str
    status: str  # current, ramping, draining, drained, inactive, created
    drainage: str  # "", draining or drained (only for versions that are no longer current)


@dataclass(frozen=True)
class DeploymentState:
    """A Worker Deployment: its current build and every version the server knows."""

    name: str
    current_build_id: str  # "" while no version is current (tasks go to unversioned workers)
    versions: tuple[VersionState, ...]


# What a fingerprint reads: source and data, not bytecode or an editor's swap files.
FINGERPRINTED = frozenset({".py", ".json", ".toml"})


def code_fingerprint(folders: Iterable[Path]) -> str:
    """A short hash of every source and data file under `folders` (names and contents, sorted), so
    that the same code gives the same build id on every machine and any change gives a new one."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.suffix in FINGERPRINTED and p.is_file()):
            digest.update(f"{folder.name}/{path.relative_to(folder).as_posix()}\0".encode())
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()[:12]


def deployment_version(deployment_name: str, build_id: str) -> WorkerDeploymentVersion:
    """The SDK's version value, refusing names Temporal could not parse back."""
    if not deployment_name or "." in deployment_name:
        raise VersioningError(f"部署名称无效：{deployment_name!r} / invalid deployment name {deployment_name!r} (not empty, no dot)")
    if not build_id:
        raise VersioningError("构建编号为空 / the build id is empty (LABOURFLOW_BUILD_ID)")
    return WorkerDeploymentVersion(deployment_name=deployment_name, build_id=build_id)


_STATUS = {
    WorkerDeploymentVersionStatus.WORKER_DEPLOYMENT_VERSION_STATUS_CURRENT: "current",
    WorkerDeploymentVersionStatus.WORKER_DEPLOYMENT_VERSION_STATUS_RAMPING: "ramping",
    WorkerDeploymentVersionStatus.WORKER_DEPLOYMENT_VERSION_STATUS_DRAINING: "draining",
    WorkerDeploymentVersionStatus.WORKER_DEPLOYMENT_VERSION_STATUS_DRAINED: "drained",
    WorkerDeploymentVersionStatus.WORKER_DEPLOYMENT_VERSION_STATUS_INACTIVE: "inactive",
    WorkerDeploymentVersionStatus.WORKER_DEPLOYMENT_VERSION_STATUS_CREATED: "created",
}
_DRAINAGE = {
    VersionDrainageStatus.VERSION_DRAINAGE_STATUS_DRAINING: "draining",
    VersionDrainageStatus.VERSION_DRAINAGE_STATUS_DRAINED: "drained",
}


async def describe_deployment(client: Client, deployment_name: str) -> DeploymentState | None:
    """The deployment as the server knows it, or None when no worker of it has polled yet."""
    request = DescribeWorkerDeploymentRequest(namespace=client.namespace, deployment_name=deployment_name)
    try:
        answer = await client.workflow_service.describe_worker_deployment(request)
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            return None
        raise
    info = answer.worker_deployment_info
    versions = tuple(
        VersionState(
            build_id=summary.deployment_version.build_id,
            status=_STATUS.get(summary.status, "unknown"),
            drainage=_DRAINAGE.get(summary.drainage_info.status, ""),
        )
        for summary in info.version_summaries
    )
    return DeploymentState(name=info.name, current_build_id=info.routing_config.current_deployment_version.build_id, versions=versions)


async def set_current_version(client: Client, version: WorkerDeploymentVersion, *, wait: float = 60) -> str:
    """Make `version` the deployment's current version; returns the build id it replaced ("" if none).

    Waits up to `wait` seconds for the server to have seen the version's pollers (on every task queue
    the current version serves), since it refuses a version no worker polls as."""
    request = SetWorkerDeploymentCurrentVersionRequest(
        namespace=client.namespace, deployment_name=version.deployment_name, build_id=version.build_id, identity=client.identity
    )
    deadline = time.monotonic() + wait
    while True:
        try:
            answer = await client.workflow_service.set_worker_deployment_current_version(request)
            return answer.previous_deployment_version.build_id
        except RPCError as exc:
            if exc.status not in _NOT_YET or time.monotonic() >= deadline:
                raise VersioningError(
                    f"无法将 {version.to_canonical_string()} 设为当前版本：该版本的 worker 是否在所有任务队列上运行？"
                    f" / cannot make {version.to_canonical_string()} current: are its workers polling every task queue"
                    f" (workflows and documents)? Server: {exc.message}"
                ) from exc
        await asyncio.sleep(0.25)


async def apply_set_current(client: Client, version: WorkerDeploymentVersion, policy: SetCurrent, *, wait: float = 120) -> str:
    """What a starting worker does about the current version, per `policy`; returns what happened
    (`made-current`, `already-current`, `left`, `unsupported`) for the log."""
    try:
        state = await describe_deployment(client, version.deployment_name)
        current = state.current_build_id if state else ""
        if current == version.build_id:
            outcome = "already-current"
        elif policy is SetCurrent.never or (policy is SetCurrent.first and current):
            log.warning("deployment_version_not_current", version=version.to_canonical_string(), current=current or None,
                        hint="make it current with `labourflow deployment set-current` (deploy/README.md, Upgrading)")
            return "left"
        else:
            previous = await set_current_version(client, version, wait=wait)
            log.info("deployment_version_made_current", version=version.to_canonical_string(), previous=previous or None,
                     policy=policy.value)
            outcome = "made-current"
    except RPCError as exc:
        if exc.status == _UNSUPPORTED:
            return "unsupported"
        raise
    if policy is SetCurrent.always:
        try:
            if moved := await adopt_pinned(client, version):
                log.info("pinned_workflows_moved", version=version.to_canonical_string(), count=moved)
        except RPCError as exc:  # e.g. a visibility store without the versioning search attributes
            log.warning("pinned_workflows_not_moved", version=version.to_canonical_string(), error=exc.message,
                        hint="temporal workflow update-options --query ... --versioning-override-behavior auto_upgrade")
    return outcome


async def adopt_pinned(client: Client, version: WorkerDeploymentVersion) -> int:
    """Move the running workflows pinned to another build of this deployment onto whatever is current
    (an auto-upgrade override); returns how many. Only when the old build is gone for good: a pinned
    workflow moved to new code replays its history there (the replay gate keeps that safe)."""
    name, build = version.deployment_name, version.build_id
    query = (f"TemporalWorkerDeployment = '{name}' AND TemporalWorkflowVersioningBehavior = 'Pinned'"
             f" AND TemporalWorkerDeploymentVersion != '{name}:{build}' AND ExecutionStatus = 'Running'")
    moved = 0
    async for execution in client.list_workflows(query):
        await client.workflow_service.update_workflow_execution_options(UpdateWorkflowExecutionOptionsRequest(
            namespace=client.namespace,
            workflow_execution=WorkflowExecution(workflow_id=execution.id, run_id=execution.run_id),
            workflow_execution_options=WorkflowExecutionOptions(versioning_override=VersioningOverride(auto_upgrade=True)),
            update_mask=FieldMask(paths=["versioning_override"]),
            identity=client.identity,
        ))
        moved += 1
    return moved


async def retire_version(client: Client, version: WorkerDeploymentVersion, *, skip_drainage: bool = False) -> None:
    """Delete a version the deployment no longer needs: the server refuses while it is current or
    ramping, while workers still poll as it, or (unless `skip_drainage`) while pinned workflows run on it."""
    request = DeleteWorkerDeploymentVersionRequest(
        namespace=client.namespace,
        deployment_version=VersionMessage(deployment_name=version.deployment_name, build_id=version.build_id),
        skip_drainage=skip_drainage,
        identity=client.identity,
    )
    try:
        await client.workflow_service.delete_worker_deployment_version(request)
    except RPCError as exc:
        raise VersioningError(
            f"无法退役 {version.to_canonical_string()}：它仍是当前版本、仍有 worker 或仍有固定于它的工作流"
            f" / cannot retire {version.to_canonical_string()}: it is still current, still polled, or still has pinned workflows."
            f" Server: {exc.message}"
        ) from exc
