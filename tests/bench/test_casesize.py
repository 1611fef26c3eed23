"""A case filed through the real intake code (its workflow on the time-skipping server, its intake
documents rendered by the real worker) grows the application database by at most 50 KB: with the
embedded default the documents' content is in files beside the SQLite database, not in it. Issue
21's target, measured by `devtools.bench.casesize`."""

from __future__ import annotations

from devtools.bench.casesize import intake


async def test_a_case_at_intake_costs_the_database_at_most_50_kb_besides_its_document_objects() -> None:
    figures = await intake(None, 2)
    assert figures["documents_per_case"] >= 2  # the receipt and the mediation application at least
    # Each document's signed PDF and compressed HTML are objects: in the bucket with S3, in the
    # embedded default's folder here (its `blob` table does not grow).
    assert figures["document_object_bytes"] > 100_000 * figures["documents_per_case"] / 2
    assert "blob" not in figures["tables"] and "document_content" not in figures["tables"]
    assert 0 < figures["database_bytes"] <= 50 * 1024
