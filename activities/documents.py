"""The document activity: render a catalogue document for a case or matter and store it, once.

Workflows pass only non-personal facts; this activity joins the parties in from the database,
renders HTML and PDF (WeasyPrint, in a thread: it is CPU-bound) and stores both encrypted with
their hashes. The same idempotency key always returns the same stored document.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import structlog
from sqlmodel import Session
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.deps import ActivityDeps
from activities.events import document_event
from domain.documents import (
    RENDER_DOCUMENT_ACTIVITY,
    DocumentFactsError,
    DocumentRef,
    RenderDocumentInput,
)
from infrastructure.documents.context import DocumentDataError
from infrastructure.documents.environment import DocumentTemplateError
from infrastructure.documents.issue import DocumentRequestError, issue_document
from infrastructure.documents.store import DocumentConflictError
from infrastructure.signing.keystore import NoSigningKeyError

log = structlog.get_logger("labourflow.documents")

# Bad input does not get better with retries: these fail the activity for good, naming the field
# or template line (never a personal value), so the workflow can raise a task for a person.
NON_RETRYABLE = (
    DocumentFactsError,
    DocumentDataError,
    DocumentTemplateError,
    DocumentRequestError,
    DocumentConflictError,
    NoSigningKeyError,  # a configuration gap: the failure names the setting to add
)


class DocumentActivities:
    """Document generation for every workflow."""

    def __init__(self, deps: ActivityDeps) -> None:
        self._deps = deps

    def activities(self) -> list[Callable[..., Any]]:
        return [self.render_document]

    @activity.defn(name=RENDER_DOCUMENT_ACTIVITY)
    async def render_document(self, request: RenderDocumentInput) -> DocumentRef:
        """Render and store the requested document (idempotent on `request.idempotency_key`)."""
        deps = self._deps
        try:
            ref = await issue_document(deps.db, deps.storage, deps.keyring, deps.settings, request)
        except NON_RETRYABLE as exc:
            raise ApplicationError(str(exc), type=type(exc).__name__, non_retryable=True) from None
        # Counted per document returned: a retry whose first attempt had stored the document (its
        # completion lost) counts it again, which is rare and errs on the side of more.
        deps.metrics.document_rendered(ref.doc_type.value)
        # After the document is stored: a retry finds it stored and still writes the event (once, by its key).

        def write(session: Session) -> None:
            document_event(session, ref)
            session.commit()

        await deps.db.write(write)
        log.info("document ready", doc_type=ref.doc_type.value, document_id=ref.document_id)
        return ref
