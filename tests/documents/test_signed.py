"""Documents anyone can verify: issued documents are signed by their organisation, and the public page,
the JSON API and the command line each tell a genuine file from an altered one, one signed by a key
of another CA, one whose certificate was revoked and one a correction superseded."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from activities.deps import ActivityDeps
from activities.documents import DocumentActivities
from api.app import create_app
from devtools.document_samples import sample_for
from domain.documents import DocumentType, RenderDocumentInput
from infrastructure.crypto import Keyring
from infrastructure.db import Database, migrate
from infrastructure.documents import store
from infrastructure.documents.sealing import Issuer, check_value, seal_box, sign_issued
from infrastructure.settings import Settings, get_settings
from infrastructure.signing import keystore
from infrastructure.signing.ca import DevCertificateAuthority
from infrastructure.signing.keys import load_pkcs12_signer
from infrastructure.signing.sign import SealBox, sign_pdf
from infrastructure.signing.verify import VerificationStatus, unsigned_original, verify_pdf
from infrastructure.tables import StoredDocument
from labourflow.cli.base import app as cli
from services.document_verification import CheckStatus, DocumentCheck, check_code, verify_upload
from tests.conftest import make_settings
from tests.documents.conftest import RenderedSample

MATTER = "SV-2026-000007"
SERIES = "union-fed-1/opinion_notice"
POPPLER = shutil.which("pdfsig") is not None and shutil.which("certutil") is not None


def _opinion(key: str, **extra: object) -> RenderDocumentInput:
    sample = sample_for(DocumentType.opinion_notice)
    values: dict[str, object] = {
        "doc_type": DocumentType.opinion_notice,
        "subject": f"matter:{MATTER}",
        "idempotency_key": key,
        "facts": sample.facts,
        "number_series": SERIES,
        "issued_on": date(2026, 9, 21),
        "issued_by": "union",
    }
    return RenderDocumentInput.model_validate(values | extra)


def _flip_byte(pdf: bytes) -> bytes:
    """One byte changed inside the page content (signed bytes), as a forger editing the text would."""
    unsigned = unsigned_original(pdf)
    assert unsigned is not None
    offset = unsigned.index(b"stream\n", len(unsigned) // 3) + 40
    return pdf[:offset] + bytes([pdf[offset] ^ 1]) + pdf[offset + 1 :]


@dataclass(frozen=True)
class World:
    settings: Settings
    files: dict[str, bytes]  # the case name -> the PDF a person would upload
    ids: dict[str, str]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    """A database of its own with its own development CA (this module revokes a certificate):
    notice A signed with the platform's first certificate, which is then revoked (rotation gives
    the platform a new one), notice B and its correction B2 signed with the new one, and the files
    people might bring."""
    folder = tmp_path_factory.mktemp("signed")
    settings = make_settings(folder, signing_pki_dir=folder / "pki")
    migrate(settings.resolved_database_url)

    async def build() -> tuple[dict[str, StoredDocument | None], dict[str, bytes], dict[str, str]]:
        db = Database(settings.resolved_database_url)
        keyring = Keyring.from_settings(settings)
        activities = DocumentActivities(ActivityDeps(settings, db, keyring))
        try:
            a = await activities.render_document(_opinion("supervision/A/opinion_notice/1"))
            row_a = await store.get_document(db, a.document_id)
            assert row_a is not None and row_a.signer_serial
            keystore.dev_ca(settings).revoke(int(row_a.signer_serial, 16))
            b = await activities.render_document(_opinion("supervision/B/opinion_notice/1"))
            b2 = await activities.render_document(_opinion("supervision/B/opinion_notice/2", supersedes=b.document_id, number_series=None))
            rows = {name: await store.get_document(db, ref.document_id) for name, ref in (("a", a), ("b", b), ("b2", b2))}
            pdfs: dict[str, bytes] = {}
            for name, row in rows.items():
                assert row is not None
                pdfs[name] = await store.read_content(db, activities._deps.storage, keyring, row, store.ContentFormat.pdf)
        finally:
            await db.dispose()
        return rows, pdfs, {"a": a.document_id, "b": b.document_id, "b2": b2.document_id}

    rows, pdfs, ids = asyncio.run(build())
    assert rows["b2"] is not None and rows["a"] is not None
    assert rows["b2"].signer_serial != rows["a"].signer_serial  # rotated after the revocation
    # pyHanko runs its own event loop: sign outside asyncio.run
    foreign = DevCertificateAuthority.ensure(folder / "foreign-pki", crl_url="http://foreign.example/crl")
    imposter = foreign.ensure_organisation(settings.signing_platform_code, settings.signing_platform_name)
    unsigned = unsigned_original(pdfs["b2"])
    assert unsigned is not None
    forged = sign_pdf(
        unsigned,
        load_pkcs12_signer(foreign.key_config(imposter.org_code)),
        org_name=settings.signing_platform_name,
        document_no=rows["b2"].document_no or "",
        signing_time=datetime.now(UTC),
    )
    files = {
        "genuine": pdfs["b2"],
        "altered": _flip_byte(pdfs["b2"]),
        "foreign": forged,
        "revoked": pdfs["a"],
        "superseded": pdfs["b"],
    }
    return World(settings, files, ids)


EXPECTED = {
    "genuine": CheckStatus.genuine,
    "altered": CheckStatus.altered,
    "foreign": CheckStatus.unknown_signer,
    "revoked": CheckStatus.revoked,
    "superseded": CheckStatus.superseded,
}


# ---- every catalogue document, signed, validates (pyHanko; Poppler/NSS) ---------------------------


@pytest.fixture(scope="module")
def signed_samples(
    rendered_samples: dict[DocumentType, RenderedSample], tmp_path_factory: pytest.TempPathFactory
) -> dict[DocumentType, bytes]:
    settings = make_settings(tmp_path_factory.mktemp("catalogue"))
    issuer = Issuer("hd-union", "北京市海淀区总工会")
    return {
        doc_type: sign_issued(
            settings,
            issuer,
            sample.rendered.pdf.pdf,
            document_no=sample.context["doc"]["document_no"] or sample.context["doc"]["id"][:8],
            signing_time=datetime.now(UTC).replace(microsecond=0),
            qr_url=f"http://127.0.0.1:8000/verify/{sample.context['doc']['id']}?c=0123456789ab",
            ink=sample.rendered.pdf.last_page_ink,
        ).pdf
        for doc_type, sample in rendered_samples.items()
    }


@pytest.mark.parametrize("doc_type", list(DocumentType))
def test_each_catalogue_document_signed_validates_with_pyhanko_against_the_dev_ca(
    doc_type: DocumentType,
    signed_samples: dict[DocumentType, bytes],
    rendered_samples: dict[DocumentType, RenderedSample],
    settings: Settings,
) -> None:
    signed = signed_samples[doc_type]
    trust = keystore.trust(settings)
    result = verify_pdf(signed, trust.roots, trust.crls)

    assert result.status is VerificationStatus.GENUINE, result.message_en
    assert result.org_name == "北京市海淀区总工会" and result.deciding is not None and result.deciding.test_certificate
    assert result.revocation_checked
    # The unsigned render is byte for byte inside the signed file: the stored hash still refers to it.
    assert signed.startswith(rendered_samples[doc_type].rendered.pdf.pdf)
    assert result.unsigned_sha256 == rendered_samples[doc_type].rendered.pdf.sha256


@pytest.mark.parametrize("doc_type", list(DocumentType))
def test_the_seal_covers_nothing_printed_on_the_last_page(
    doc_type: DocumentType, rendered_samples: dict[DocumentType, RenderedSample]
) -> None:
    ink = rendered_samples[doc_type].rendered.pdf.last_page_ink
    box = seal_box(ink)
    assert ink and not [r for r in ink if r[0] < box.x2 and box.x1 < r[2] and r[1] < box.y2 and box.y1 < r[3]]
    if doc_type is DocumentType.case_receipt:  # its contact line sits where the seal usually goes
        assert box != SealBox()


@pytest.fixture(scope="module")
def nss_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An NSS database trusting the shared development root, as pdfsig reads it."""
    if not POPPLER:
        pytest.skip("Poppler's pdfsig or NSS certutil is missing (Debian: poppler-utils, libnss3-tools)")
    settings = make_settings(tmp_path_factory.mktemp("nss-settings"))
    folder = tmp_path_factory.mktemp("nss")
    subprocess.run(["certutil", "-N", "-d", f"sql:{folder}", "--empty-password"], check=True, capture_output=True)
    root = keystore.dev_ca(settings).root_certificate_path
    subprocess.run(
        ["certutil", "-A", "-d", f"sql:{folder}", "-n", "dev-ca", "-t", "C,C,", "-i", str(root)], check=True, capture_output=True
    )
    return f"sql:{folder}"


@pytest.mark.parametrize("doc_type", list(DocumentType))
def test_pdfsig_reports_each_signed_document_valid_and_pdffonts_embedded_cjk(
    doc_type: DocumentType, signed_samples: dict[DocumentType, bytes], nss_db: str, tmp_path: Path
) -> None:
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed_samples[doc_type])
    out = subprocess.run(["pdfsig", "-nssdir", nss_db, str(path)], capture_output=True, text=True, timeout=60).stdout
    assert "Signature Validation: Signature is Valid." in out, out
    assert "Certificate Validation: Certificate is Trusted." in out, out
    fonts = [
        line.split() for line in subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, timeout=60).stdout.splitlines()[2:]
    ]
    cjk = [f for f in fonts if "CJK" in f[0]]
    assert cjk and all(f[-5] == "yes" for f in cjk), fonts  # the "emb" column


@pytest.mark.skipif(shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None, reason="zbar-tools or poppler-utils missing")
def test_the_qr_code_in_the_seal_carries_the_verification_address(world: World, tmp_path: Path) -> None:
    path = tmp_path / "b2.pdf"
    path.write_bytes(world.files["genuine"])
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    last = re.search(r"^Pages:\s+(\d+)", info, re.M)
    assert last is not None
    # the seal, with its QR code, is on the last page
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-singlefile", "-f", last.group(1), "-l", last.group(1), str(path), str(tmp_path / "last")],
        check=True,
    )
    out = subprocess.run(["zbarimg", "--quiet", "--raw", str(tmp_path / "last.png")], capture_output=True, text=True).stdout.strip()
    keyring = Keyring.from_settings(world.settings)
    assert out == f"http://127.0.0.1:8000/verify/{world.ids['b2']}?c={check_value(keyring, world.ids['b2'])}"


# ---- the service: each case gets its own answer -----------------------------------------------------


async def _verify(world: World, name: str) -> DocumentCheck:
    db = Database(world.settings.resolved_database_url)
    try:
        return await verify_upload(db, world.settings, world.files[name])
    finally:
        await db.dispose()


@pytest.mark.parametrize("name", list(EXPECTED))
async def test_the_service_tells_each_case_apart(world: World, name: str) -> None:
    check = await _verify(world, name)
    assert check.status is EXPECTED[name], check.message_en
    assert check.genuine is (name == "genuine")


async def test_a_genuine_file_says_who_issued_it_when_and_for_which_matter(world: World) -> None:
    check = await _verify(world, "genuine")
    assert check.signed_by == world.settings.signing_platform_name and check.signed_at is not None
    assert check.belongs_to == MATTER and check.document is not None
    assert (check.document.document_id, check.document.version, check.document.document_no) == (
        world.ids["b2"],
        2,
        "〔2026〕浦工监意字第2号",
    )
    assert check.test_certificate and "测试证书" in check.message_zh


async def test_a_superseded_file_names_the_correction(world: World) -> None:
    check = await _verify(world, "superseded")
    assert check.superseded_by is not None and check.superseded_by.document_id == world.ids["b2"]
    assert "已被更正" in check.message_zh and "superseded" in check.message_en


async def test_the_qr_code_names_the_document_and_refuses_a_wrong_check_value(world: World) -> None:
    db = Database(world.settings.resolved_database_url)
    keyring = Keyring.from_settings(world.settings)
    try:
        current = await check_code(db, keyring, world.settings, world.ids["b2"], check_value(keyring, world.ids["b2"]))
        old = await check_code(db, keyring, world.settings, world.ids["b"], check_value(keyring, world.ids["b"]))
        wrong = await check_code(db, keyring, world.settings, world.ids["b2"], check_value(keyring, world.ids["b"]))
    finally:
        await db.dispose()
    assert current.status is CheckStatus.registered and current.belongs_to == MATTER
    assert current.test_certificate, "signed with the development CA: the QR answer says TEST too"
    assert old.status is CheckStatus.superseded and old.superseded_by is not None
    assert wrong.status is CheckStatus.unknown_document and wrong.document is None


# ---- the same answers from the JSON API, the page and the command line ----------------------------


@pytest.fixture
async def http(world: World) -> httpx.AsyncClient:
    app = create_app(world.settings.model_copy(update={"rate_limit_verify": "1000/60"}), start_pending=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        yield client  # type: ignore[misc]


@pytest.mark.parametrize("name", list(EXPECTED))
async def test_the_api_tells_each_case_apart_without_sign_in(world: World, http: httpx.AsyncClient, name: str) -> None:
    response = await http.post("/api/v1/documents/verify", files={"file": ("doc.pdf", world.files[name], "application/pdf")})
    assert response.status_code == 200, response.text
    assert response.json()["status"] == EXPECTED[name].value


@pytest.mark.parametrize("name", list(EXPECTED))
async def test_the_page_tells_each_case_apart(world: World, http: httpx.AsyncClient, name: str) -> None:
    form = await http.get("/verify?lang=en")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token is not None
    response = await http.post(
        "/verify", data={"csrf_token": token.group(1)}, files={"pdf": ("doc.pdf", world.files[name], "application/pdf")}
    )
    assert response.status_code == 200
    assert f'data-status="{EXPECTED[name].value}"' in response.text


async def test_the_page_follows_the_qr_code(world: World, http: httpx.AsyncClient) -> None:
    keyring = Keyring.from_settings(world.settings)
    response = await http.get(f"/verify/{world.ids['b2']}?c={check_value(keyring, world.ids['b2'])}&lang=zh")
    assert 'data-status="registered"' in response.text and MATTER in response.text and "〔2026〕浦工监意字第2号" in response.text


async def test_the_crl_is_served_and_lists_the_revoked_certificate(world: World, http: httpx.AsyncClient) -> None:
    from cryptography import x509

    response = await http.get("/pki/dev-ca.crl")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pkix-crl"
    assert len(list(x509.load_der_x509_crl(response.content))) == 1


def _cli_env(s: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line reads its settings from the environment: point it at this world."""
    for key, value in {
        "ENV": "test",
        "DATA_DIR": str(s.data_dir),
        "DATABASE_URL": s.database_url,
        "ENCRYPTION_KEYS": ",".join(f"{k}:{v}" for k, v in s.encryption_keys.items()),
        "ENCRYPTION_KEY_ID": s.encryption_key_id,
        "LOOKUP_HASH_KEY": s.lookup_hash_key,
        "SESSION_SECRET": s.session_secret,
        "SIGNING_PKI_DIR": str(s.resolved_pki_dir),
    }.items():
        monkeypatch.setenv(f"LABOURFLOW_{key}", value)
    get_settings.cache_clear()


@pytest.mark.parametrize("name", list(EXPECTED))
def test_the_cli_tells_each_case_apart(world: World, name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _cli_env(world.settings, monkeypatch)
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(world.files[name])
    try:
        result = CliRunner().invoke(cli, ["documents", "verify", str(path)])
    finally:
        get_settings.cache_clear()
    assert result.output.startswith(f"{EXPECTED[name].value}: "), result.output
    assert result.exit_code == (0 if name == "genuine" else 1)


def test_the_bench_times_render_and_signature_of_stored_documents(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    _cli_env(world.settings, monkeypatch)
    try:
        result = CliRunner().invoke(cli, ["documents", "bench", "--rounds", "1"])
    finally:
        get_settings.cache_clear()
    lines = result.output.strip().splitlines()
    assert [line.split()[0] for line in lines[:-1]] == ["opinion_notice"] * 3, result.output
    assert re.match(r"3 documents: render median \d+ ms, signature median \d+ ms; a signed PDF costs \d\.\d\d x", lines[-1]), lines[-1]
    assert result.exit_code == (0 if "within" in lines[-1] else 1)


async def test_the_code_printed_in_the_footer_finds_the_document_for_a_paper_copy(world: World, http: httpx.AsyncClient) -> None:
    from infrastructure.documents.context import verification_code

    current = await http.get(f"/verify?code={verification_code(world.ids['b2']).lower()}&lang=en")
    old = await http.get(f"/verify?code={verification_code(world.ids['b'])}&lang=en")
    wrong = await http.get("/verify?code=0000-0000-0000&lang=en")
    assert current.status_code == 200 and 'data-status="registered"' in current.text and MATTER in current.text
    assert old.status_code == 200 and 'data-status="superseded"' in old.text
    assert wrong.status_code == 404 and 'data-status="unknown_document"' in wrong.text
