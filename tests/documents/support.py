"""Helpers for document tests: a story-1 case row in the database, and PDF inspection tools."""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from datetime import date
from decimal import Decimal

from devtools.document_samples import li_parties
from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.tables import Case, CaseClaim
from services.access import hash_access_code

LI_CASE_NO = "LD-2026-000123"
LI_ACCESS_CODE = "K7QM-4XTP-9HRW"


async def insert_li_case(
    db: Database,
    keyring: Keyring,
    *,
    case_no: str = LI_CASE_NO,
    access_code: str = LI_ACCESS_CODE,
    team_code: str | None = "union-med-1",
) -> None:
    """Story 1's case as the intake stores it: personal data only encrypted."""
    parties = li_parties()
    assert parties.case is not None and parties.worker is not None and parties.employer is not None
    worker, employer, case = parties.worker, parties.employer, parties.case
    intake = {
        "worker": {k: worker[k] for k in ("ethnicity", "address", "occupation")},
        "employer": {
            k: employer[k]
            for k in ("address", "legal_representative", "legal_representative_title", "phone")
        },
        "description": case["description"],
        "witnesses": case["witnesses"],
    }
    async with db.session() as session:
        session.add(
            Case(
                case_no=case_no,
                workflow_id=f"case/{case_no}",
                access_code_hash=hash_access_code(keyring, case_no, access_code),
                category="wage_arrears",
                stage="arbitration",
                channel="arbitration",
                team_code=team_code,
                employer_name=employer["name"],
                employer_uscc=employer["uscc"],
                knew_on=date(2025, 8, 15),
                filed_on=date(2026, 3, 2),
                total_claimed=Decimal("36000.00"),
                worker_name_enc=keyring.encrypt_text(worker["name"]),
                worker_id_enc=keyring.encrypt_text(worker["id_number"]),
                worker_id_hash=keyring.lookup_hash(worker["id_number"]),
                worker_phone_enc=keyring.encrypt_text(worker["phone"]),
                intake_enc=keyring.encrypt_text(json.dumps(intake, ensure_ascii=False)),
                facts={"case_no": case_no, "category": "wage_arrears"},
            )
        )
        await session.flush()
        session.add(
            CaseClaim(
                case_no=case_no,
                seq=1,
                kind="wages",
                amount=Decimal("36000.00"),
                months=3,
                description="2025年5月至7月工资，每月12,000元",
            )
        )
        await session.commit()


def pdf_text(pdf: bytes) -> str:
    """`pdftotext` of a PDF, whitespace removed (CJK lines wrap anywhere)."""
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return re.sub(r"\s+", "", out.stdout.decode())


def _run_on_file(tool: list[str], pdf: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        return subprocess.run([*tool, handle.name], capture_output=True, check=True).stdout.decode()


def pdf_fonts(pdf: bytes) -> list[dict[str, str]]:
    """`pdffonts` rows: name, emb, sub, uni."""
    rows = []
    for line in _run_on_file(["pdffonts"], pdf).splitlines()[2:]:
        parts = (
            line.split()
        )  # name, type (1-3 words), encoding, emb, sub, uni, object id, generation
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return rows


def pdf_info(pdf: bytes) -> dict[str, str]:
    """`pdfinfo -isodates` fields."""
    lines = _run_on_file(["pdfinfo", "-isodates"], pdf).splitlines()
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
