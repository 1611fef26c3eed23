"""Issue one document on request: for documents no case workflow owns, such as the administrators'
case summary report. The workflow id is the document's idempotency key, so a repeated request
joins the running workflow or finds the stored document."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy, VersioningBehavior

with workflow.unsafe.imports_passed_through():
    from domain.documents import (
        RENDER_DOCUMENT_ACTIVITY,
        DocumentRef,
        RenderDocumentInput,
        document_task_queue,
    )

# Rendering is CPU-bound and takes about 0.3 s; bad input fails non-retryably inside the activity,
# so retries only cover crashes and a database that is briefly away.
RENDER_TIMEOUT = timedelta(minutes=2)
RENDER_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2),
    maximum_interval=timedelta(minutes=1),
    maximum_attempts=10,
)


@workflow.defn(name="issue-document", versioning_behavior=VersioningBehavior.PINNED)
class IssueDocumentWorkflow:
    """Render and store one document through the render-document activity."""

    @workflow.run
    async def run(self, request: RenderDocumentInput) -> DocumentRef:
        """Issue the document and return its reference."""
        ref: DocumentRef = await workflow.execute_activity(
            RENDER_DOCUMENT_ACTIVITY,
            request,
            result_type=DocumentRef,
            start_to_close_timeout=RENDER_TIMEOUT,
            retry_policy=RENDER_RETRY,
            task_queue=document_task_queue(workflow.info().task_queue),
        )
        return ref
