"""The rolling upgrade of deploy/README.md ("Upgrading"), on a real dev server: a case filed through
the real services runs on build A and waits on its mediation timer; A's worker stops; build B's worker
starts next to nothing, does not take over by itself (production policy `first`), and is made current
with `labourflow deployment set-current`; the timer fires on B and the case closes on B.

A and B run the same code under different build ids, which is what the server sees of a release. A
change between them would go behind `workflow.patched` and is checked by the replay gate
(tests/workflows/test_release_replay.py), not here."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowExecutionStatus
from temporalio.common import VersioningBehavior
from temporalio.worker import Worker, WorkerDeploymentConfig

from domain.actions import WorkerAction, WorkerActionKind
from domain.case import Stage
from domain.ids import case_workflow_id
from domain.workflow_models import DisputeResult
from infrastructure.temporal_gateway import TemporalGateway
from infrastructure.worker_versions import SetCurrent, apply_set_current, deployment_version, describe_deployment
from services.casework import run_worker_action
from services.context import ServiceContext
from tests.reliability.pinned_job import PinnedJob
from tests.reliability.product import Product
from tests.reliability.test_restarts import _mediating, shift_to_expire_in
from tests.stories import wage_arrears

pytestmark = [pytest.mark.devserver, pytest.mark.slow, pytest.mark.timeout(300)]
BUILD_A, BUILD_B = "release-a", "release-b"
# The mediation period ends this long after filing: time for the case to reach mediation on A and
# for A to stop, so that the timer fires after A is gone (whenever B becomes current, it waits).
TIMER_SECONDS = 25


async def _current_build(product: Product) -> str:
    state = await describe_deployment(product.client, product.settings.resolved_deployment_name)
    return state.current_build_id if state else ""


async def _known_builds(product: Product) -> set[str]:
    state = await describe_deployment(product.client, product.settings.resolved_deployment_name)
    return {version.build_id for version in state.versions} if state else set()


def _task_builds(history) -> list[str]:  # type: ignore[no-untyped-def]
    """The build that completed each workflow task, in order."""
    return [
        event.workflow_task_completed_event_attributes.deployment_version.build_id
        for event in history.events
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
    ]


def _set_current_with_the_cli(product: Product, build_id: str) -> str:
    done = subprocess.run([sys.executable, "-m", "labourflow", "deployment", "set-current", build_id, "--wait", "30"],
                          env=product.env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


async def test_a_case_started_on_build_a_finishes_on_build_b(product: Product) -> None:
    worker_a = product.start_worker(build_id=BUILD_A)
    await product.wait(lambda: _is_current(product, BUILD_A), "build A to make itself current (first deployment)", timeout=60)
    [case_no] = await product.file([wage_arrears()], shift_seconds=shift_to_expire_in(TIMER_SECONDS))
    await product.wait(lambda: _mediating(product, 1), "the case to reach mediation on build A", timeout=TIMER_SECONDS - 5)
    handle = product.client.get_workflow_handle(case_workflow_id(case_no), result_type=DisputeResult)
    versioning = (await handle.describe()).raw_description.workflow_execution_info.versioning_info
    assert versioning.behavior == VersioningBehavior.AUTO_UPGRADE and versioning.deployment_version.build_id == BUILD_A

    worker_a.terminate()
    assert worker_a.wait(timeout=30) is not None
    assert (await product.stages())[case_no] == "mediation", "the timer fired before build A stopped: raise TIMER_SECONDS"

    product.start_worker(build_id=BUILD_B)
    await product.wait(lambda: _knows(product, BUILD_B), "build B's workers to poll", timeout=60)
    await product.wait(lambda: _logged(product, "deployment_version_not_current"), "build B to decide not to take over", timeout=30)
    assert await _current_build(product) == BUILD_A, "build B made itself current: production workers must wait for the operator"
    assert f"{BUILD_B} (was {BUILD_A})" in _set_current_with_the_cli(product, BUILD_B)

    await product.wait(lambda: _stage_is(product, case_no, "arbitration_eligible"), "the mediation timer to fire on build B", timeout=90)
    ctx = ServiceContext.from_settings(product.settings, db=product.db, temporal=TemporalGateway(product.settings, product.client))
    await run_worker_action(ctx, case_no, WorkerAction(action=WorkerActionKind.withdraw, payload={"reason": "已与公司和解"}))
    result = await handle.result()

    assert result.stage is Stage.closed_withdrawn
    assert worker_a.returncode is not None, "build A's worker was running"
    description = await handle.describe()
    assert description.status is WorkflowExecutionStatus.COMPLETED
    history = await handle.fetch_history()
    builds = _task_builds(history)
    switch = builds.index(BUILD_B)
    assert set(builds[:switch]) == {BUILD_A} and set(builds[switch:]) == {BUILD_B}, builds
    [mediation] = [
        event.child_workflow_execution_started_event_attributes.workflow_execution.workflow_id
        for event in history.events
        if event.event_type == EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED
        and event.child_workflow_execution_started_event_attributes.workflow_type.name == "mediation"
    ]
    child_builds = _task_builds(await product.client.get_workflow_handle(mediation).fetch_history())
    assert child_builds[0] == BUILD_A and child_builds[-1] == BUILD_B, f"the mediation's timer was not handled on B: {child_builds}"


async def _is_current(product: Product, build_id: str) -> bool:
    return await _current_build(product) == build_id


async def _knows(product: Product, build_id: str) -> bool:
    return build_id in await _known_builds(product)


async def _logged(product: Product, event: str) -> bool:
    return event in product.logs()


async def _stage_is(product: Product, case_no: str, stage: str) -> bool:
    return (await product.stages()).get(case_no) == stage



async def test_an_in_place_upgrade_takes_over_what_was_pinned_to_the_old_build(product: Product) -> None:
    """`always` (development, upgrades in place): a workflow pinned to a build whose workers are gone
    would wait for them forever; the new build makes itself current and moves it over."""
    client, queue = product.client, "pinned-jobs"

    def worker(build_id: str) -> Worker:
        config = WorkerDeploymentConfig(version=deployment_version(queue, build_id), use_worker_versioning=True)
        return Worker(client, task_queue=queue, workflows=[PinnedJob], deployment_config=config)

    async with worker(BUILD_A):
        assert await apply_set_current(client, deployment_version(queue, BUILD_A), SetCurrent.first, wait=30) == "made-current"
        handle = await client.start_workflow(PinnedJob.run, 3.0, id="pinned-job/1", task_queue=queue)
        await product.wait(lambda: _has_run_on(handle, BUILD_A), "the job to start on build A", timeout=30)
    async with worker(BUILD_B):
        assert await apply_set_current(client, deployment_version(queue, BUILD_B), SetCurrent.always, wait=30) == "made-current"
        assert await asyncio.wait_for(handle.result(), timeout=30) == "done"
    builds = _task_builds(await handle.fetch_history())
    assert builds[0] == BUILD_A and builds[-1] == BUILD_B, builds


async def _has_run_on(handle, build_id: str) -> bool:  # type: ignore[no-untyped-def]
    return build_id in _task_builds(await handle.fetch_history())
