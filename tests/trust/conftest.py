"""The supervision fixtures (a time-skipping server with every workflow, the union console app) for
the authorisation probes, which need a real case, matter, batch and employer reply."""

from tests.supervision.conftest import console, harness, workflow_env

__all__ = ["console", "harness", "workflow_env"]
