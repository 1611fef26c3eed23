"""Bulk reminder letters (批量提示函): one numbered letter per employer row of a validated CSV.

Rows are read from the database a chunk at a time (never carried in history); each letter is
issued through the document activity with an idempotency key per employer row, so a restarted
worker or a resumed batch finds the letter (and its 文号) already reserved and never numbers a row
twice. Progress is a query and a projection; the workflow continues as new every N letters.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from types import MappingProxyType
from typing import Any

from temporalio import workflow
from temporalio.common import VersioningBehavior
from temporalio.exceptions import ActivityError

from workflows.kit import options
from workflows.kit.base import StatutoryWorkflow
from workflows.kit.clock import Clock

with workflow.unsafe.imports_passed_through():
    from domain import bulk_letters as bl
    from domain import documents as docs
    from domain.records import matter_subject

# A letter renders in about 0.3 s: a short timeout lets a letter whose worker died be retried
# soon; a retry is harmless (the idempotency key finds the reserved number or the stored letter).
RENDER: Mapping[str, Any] = MappingProxyType(
    {"start_to_close_timeout": timedelta(seconds=20), "retry_policy": options.DOCUMENT["retry_policy"]}
)
# The same reasoning for the batch's own small database writes (idempotent, retried forever).
RECORD: Mapping[str, Any] = MappingProxyType({**options.PROJECTION, "start_to_close_timeout": timedelta(seconds=10)})


@workflow.defn(name="bulk-letters", versioning_behavior=VersioningBehavior.PINNED)
class BulkLettersWorkflow(StatutoryWorkflow):
    """Issue the batch's letters one employer row at a time, resumable at any point."""

    def __init__(self) -> None:
        self.issued = 0
        self.failed = 0
        self.total = 0
        self.batch_no = ""
        self.last_no: str | None = None
        self.state = bl.BatchStatus.running

    @workflow.run
    async def run(self, inp: bl.BulkLettersInput) -> bl.BulkResult:
        self.setup(matter_subject(inp.batch_no), Clock("national"), inp.region, inp.team_code)
        self.kit.seq, self.issued, self.failed = inp.seq, inp.issued_before, inp.failed_before
        self.last_no = inp.last_document_no
        self.total, self.batch_no = inp.total, inp.batch_no
        if inp.seq == 0:
            await self.event(
                "bulk_letters_started",
                f"批量发出提示函“{inp.content.topic}”，共{inp.total}家单位",
                f"Bulk letters '{inp.content.topic}' to {inp.total} employers",
            )
        this_run = 0
        while True:
            rows: list[bl.BulkEmployer] = await workflow.execute_activity(
                "load-bulk-rows", bl.LoadRows(batch_no=inp.batch_no, limit=inp.chunk), result_type=list[bl.BulkEmployer], **RECORD
            )
            if not rows:
                break
            for row in rows:
                await self.issue_letter(inp, row)
            this_run += len(rows)
            if this_run >= inp.letters_per_run or workflow.info().is_continue_as_new_suggested():
                workflow.continue_as_new(
                    inp.model_copy(
                        update={
                            "issued_before": self.issued,
                            "failed_before": self.failed,
                            "last_document_no": self.last_no,
                            "seq": self.kit.seq + 1,
                        }
                    )
                )
        self.state = bl.BatchStatus.done
        await workflow.execute_activity("record-bulk-status", bl.BatchStatusRecord(batch_no=inp.batch_no, status=self.state), **RECORD)
        await self.event("bulk_letters_done", f"批量提示函已全部处理：签发{self.issued}份", f"Bulk letters done: {self.issued} issued")
        return bl.BulkResult(batch_no=inp.batch_no, issued=self.issued, failed=self.failed)

    async def issue_letter(self, inp: bl.BulkLettersInput, row: bl.BulkEmployer) -> None:
        request = docs.RenderDocumentInput(
            doc_type=docs.DocumentType.reminder_letter,
            subject=matter_subject(inp.batch_no),
            idempotency_key=bl.letter_key(inp.batch_no, row.line),
            facts=bl.letter_facts(inp.content, inp.issuer, row),
            issued_by=inp.issued_by,
            number_series=f"{inp.team_code}/{docs.DocumentType.reminder_letter.value}",
            issued_on=inp.issued_on,
        )
        try:
            ref: docs.DocumentRef = await workflow.execute_activity(
                docs.RENDER_DOCUMENT_ACTIVITY, request, result_type=docs.DocumentRef, **RENDER, **options.document_queue()
            )
            issued = bl.LetterIssued(batch_no=inp.batch_no, line=row.line, document_id=ref.document_id, document_no=ref.document_no)
            self.issued, self.last_no = self.issued + 1, ref.document_no
        except ActivityError as exc:
            message = getattr(exc.cause, "message", None) or str(exc)
            issued = bl.LetterIssued(batch_no=inp.batch_no, line=row.line, error=message[:500])
            self.failed += 1
        await workflow.execute_activity("record-bulk-letter", issued, **RECORD)

    @workflow.query(name="progress")
    def progress(self) -> bl.BulkProgress:
        """Letters issued so far (this batch), failures and the last 文号."""
        return bl.BulkProgress(
            batch_no=self.batch_no,
            total=self.total,
            issued=self.issued,
            failed=self.failed,
            status=self.state,
            last_document_no=self.last_no,
        )
