"""No ID number or mobile number leaves the encrypted columns: the real product (Temporal dev
server persisting to SQLite, a worker process, the web app process) takes cases with realistic
ID numbers (valid check digit) and mobile numbers, runs their workflows to mediation and answers
a worker and a mediator; then the logs of every process, the exported workflow histories
(`temporal workflow show --output json`), Temporal's SQLite files and every text column of the
application database (except the AES-GCM ciphertext columns) are scanned for both patterns."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import LargeBinary, String, Text
from sqlalchemy import select as sa_select
from sqlmodel import SQLModel, select

import infrastructure.tables  # noqa: F401 (registers every table)
from domain.identifiers import id_number_check_char
from infrastructure.tables import StoredDocument
from tests.reliability.product import BIN, Product
from tests.stories import dismissal, limitation_trap, platform_rider, wage_arrears
from tests.support import free_port, wait_for

pytestmark = pytest.mark.timeout(600)
# A number standing alone: not inside a longer run of letters and digits (a UUID's last group such
# as `a17518707278` or a base64 token is not a phone number), nor a decimal fraction (`0.1751...`).
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z.])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<![0-9A-Za-z.])1[3-9][0-9]{9}(?![0-9A-Za-z])")
CIPHERTEXT = re.compile(r".*_enc$")  # AES-GCM columns (checked by tests/trust/test_codec.py)


# Hex digests (SHA-256 of documents, the worker's build id in every workflow task event) are not
# personal data, but a run of digits inside one can look like a mobile number: the build id changes
# with the code, and one did. They are blanked before scanning; a number next to them still counts.
HEX_DIGEST = re.compile(r"(?<![0-9A-Za-z])[0-9a-fA-F]{32,}(?![0-9A-Za-z])")
# Temporal's request ids and run ids are UUIDs, blanked the same way (a CI run once matched the
# digits of one's last group).
UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def personal_numbers(text: str) -> list[str]:
    """ID numbers whose check digit is valid, and mainland mobile numbers, found in `text`."""
    text = UUID.sub(" ", HEX_DIGEST.sub(" ", text))
    ids = [m for m in ID_NUMBER.findall(text) if id_number_check_char(m[:17]) == m[17].upper()]
    return ids + MOBILE.findall(text)


def _around(text: str, hit: str) -> str:
    """The characters around the first occurrence of `hit`, to tell a leak from a lookalike."""
    at = text.find(hit)
    return text[max(0, at - 60) : at + len(hit) + 30]


def _api(product: Product, port: int) -> subprocess.Popen[bytes]:
    log = (product.data / "api.log").open("ab")
    return subprocess.Popen(
        [sys.executable, "-m", "labourflow", "api", "--host", "127.0.0.1", "--port", str(port)],
        env=product.env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


async def _app_database_texts(product: Product) -> list[tuple[str, str]]:
    found = []
    async with product.db.session() as session:
        for table in SQLModel.metadata.sorted_tables:
            columns = [
                c
                for c in table.columns
                if not CIPHERTEXT.match(c.name)
                and not isinstance(c.type, LargeBinary)
                and (isinstance(c.type, String | Text) or c.type.__class__.__name__ == "JSON")
            ]
            if not columns:
                continue
            for row in (await session.execute(sa_select(*columns))).all():
                found += [
                    (
                        f"{table.name}.{c.name}",
                        json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v,
                    )
                    for c, v in zip(columns, row, strict=True)
                    if v is not None
                ]
    return found


async def test_no_id_or_mobile_number_in_logs_histories_or_databases(product: Product) -> None:
    bodies = [wage_arrears(), dismissal(), platform_rider(), limitation_trap()]
    submitted = {
        n for body in bodies for n in (body["worker"]["id_number"], body["worker"]["mobile"])
    }
    assert set(personal_numbers(" ".join(submitted))) == submitted  # the patterns find what we sent

    product.start_worker()
    port = free_port()
    api = _api(product, port)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/healthz", timeout=60)
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            filed = [(await http.post("/api/v1/cases", json=body)).json() for body in bodies]
            numbers = [f["case_no"] for f in filed]

            async def under_way() -> (
                bool
            ):  # past intake, receipt issued (each story takes its own road)
                stages = await product.stages()
                async with product.db.session() as session:
                    receipts = set((await session.exec(select(StoredDocument.subject))).all())
                return all(
                    stages.get(n) not in {None, "intake"} and f"case:{n}" in receipts
                    for n in numbers
                )

            await product.wait(under_way, "the cases' workflows to run", timeout=180)
            for f in filed:  # the worker reads their case; a mediator their inbox and the case
                assert (
                    await http.get(
                        f"/api/v1/cases/{f['case_no']}", headers={"X-Access-Code": f["access_code"]}
                    )
                ).status_code == 200
            token = (
                await http.post(
                    "/api/v1/auth/token",
                    data={"username": "mediator", "password": "demo-password-123"},
                )
            ).json()
            staff = {"Authorization": f"Bearer {token['access_token']}"}
            assert (await http.get("/api/v1/tasks", headers=staff)).status_code == 200
            await http.get(f"/api/v1/cases/{numbers[0]}", headers=staff)
            await http.get(
                f"/api/v1/cases?q={bodies[0]['worker']['mobile']}", headers=staff
            )  # a search by phone
    finally:
        api.terminate()
        api.wait(timeout=20)

    histories = []
    for number in numbers:
        shown = subprocess.run(  # noqa: ASYNC221 (the test waits for the CLI anyway)
            [
                str(BIN / "temporal"),
                "workflow",
                "show",
                "--workflow-id",
                f"case/{number}",
                "--address",
                f"127.0.0.1:{product.grpc}",
                "--output",
                "json",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        histories.append(shown.stdout)
        assert "events" in shown.stdout
    product.stop_workers()
    product.stop_server()

    scanned: dict[str, list[tuple[str, str]]] = {
        "logs": [
            (path.name, path.read_text(errors="replace"))
            for path in sorted(product.data.glob("*.log"))
        ],
        "workflow histories": [(f"case/{n}", h) for n, h in zip(numbers, histories, strict=True)],
        "Temporal SQLite": [
            (path.name, path.read_bytes().decode("latin-1"))
            for path in sorted(Path(product.data).glob("temporal.db*"))  # noqa: ASYNC240
        ],
        "application database": await _app_database_texts(product),
    }
    matches = [
        (kind, where, hit, _around(text, hit))
        for kind, items in scanned.items()
        for where, text in items
        for hit in personal_numbers(text)
    ]
    sizes = {kind: (len(items), sum(len(t) for _, t in items)) for kind, items in scanned.items()}
    print(
        f"PII scan: {', '.join(f'{k}: {n} items, {c} characters' for k, (n, c) in sizes.items())}; "
        f"{len(matches)} matches"
    )
    assert all(n for n, _ in sizes.values())
    assert not matches, matches[:20]
