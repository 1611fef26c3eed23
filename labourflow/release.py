"""What this build is, for Temporal Worker Versioning: the deployment name and build id every worker
of this release polls as (kept apart from labourflow/worker.py so that the `deployment` commands can
name the build without importing Temporal's worker, the activities and every workflow)."""

from __future__ import annotations

from functools import cache
from importlib import metadata
from pathlib import Path

from temporalio.common import WorkerDeploymentVersion

import domain
import workflows
from infrastructure.settings import Settings
from infrastructure.worker_versions import code_fingerprint, deployment_version

# The code that runs inside the workflow sandbox: the workflows and the pure domain they pass
# through (rules, calendar, data files). Activities, services and the API are not in it: changing
# them cannot make a running workflow replay differently, so it needs no new build.
WORKFLOW_CODE = (Path(workflows.__file__).parent, Path(domain.__file__).parent)


def package_version() -> str:
    """The installed labourflow version (pyproject.toml), or `0` when run from a bare checkout."""
    try:
        return metadata.version("labourflow")
    except metadata.PackageNotFoundError:
        return "0"


@cache
def default_build_id() -> str:
    """`<version>-<hash of the workflow code>`, e.g. `0.1.0-3fa2c1d9e0b1`."""
    return f"{package_version()}-{code_fingerprint(WORKFLOW_CODE)}"


def release_version(settings: Settings) -> WorkerDeploymentVersion:
    """The version this release's workers poll as: LABOURFLOW_DEPLOYMENT_NAME / LABOURFLOW_BUILD_ID or their defaults."""
    return deployment_version(settings.resolved_deployment_name, settings.build_id or default_build_id())
