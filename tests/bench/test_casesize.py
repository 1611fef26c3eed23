"""A case filed through the real intake code (its workflow on the time-skipping server, its intake
documents rendered by the real worker) grows the application database by at most 50 KB once the
documents' content is in an object store: issue 21's target, measured by `devtools.bench.casesize`."""

from __future__ import annotations

from devtools.bench.casesize import intake


async def test_a_case_at_intake_costs_the_database_at_most_50_kb_besides_its_document_objects() -> None:
    figures = await intake(None, 2)
    assert figures["documents_per_case"] >= 2  # the receipt and the mediation application at least
    # Each document's signed PDF and compressed HTML are objects: in the bucket with S3, in the
    # embedded store's `blob` table here, so the database holds them too.
    assert figures["document_object_bytes"] > 100_000 * figures["documents_per_case"] / 2
    assert figures["tables"]["blob"] >= figures["document_object_bytes"]
    assert "document_content" not in figures["tables"]
    assert 0 < figures["database_bytes_without_objects"] <= 50 * 1024
