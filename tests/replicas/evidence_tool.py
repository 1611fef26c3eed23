"""Stores one evidence file through the product's service, in its own process:
`python -m tests.replicas.evidence_tool CASE_NO FILE` prints the new evidence id. Settings (data
folder, database, object store, keys) come from LABOURFLOW_* variables."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from infrastructure.settings import Settings, finalise
from services.context import ServiceContext
from services.evidence import check_evidence, store_evidence


async def main(case_no: str, name: str, data: bytes) -> None:
    ctx = ServiceContext.from_settings(finalise(Settings()))
    try:
        upload = check_evidence(name, data, ctx.settings.max_upload_bytes)
        row = await store_evidence(ctx.storage, ctx.db, ctx.keyring, case_no, upload, description="工资条")
    finally:
        await ctx.db.dispose()
    print(row.id)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], Path(sys.argv[2]).name, Path(sys.argv[2]).read_bytes()))
