"""Signing fixtures: a development CA in a temporary folder, a real WeasyPrint PDF with Chinese text, a local TSA."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from asn1crypto import tsp  # type: ignore[import-untyped]
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.keys.internal import translate_pyca_cryptography_cert_to_asn1, translate_pyca_cryptography_key_to_asn1
from pyhanko.sign.signers import SimpleSigner
from pyhanko.sign.timestamps import DummyTimeStamper

from infrastructure.signing.ca import DevCertificateAuthority
from infrastructure.signing.keys import load_pkcs12_signer

CRL_URL = "http://127.0.0.1:8000/pki/dev-ca.crl"
UNION = ("hd-union", "北京市海淀区总工会")
CENTRE = ("hd-mediation", "海淀区劳动争议调解中心")

# About one page of what the document templates produce: headings, a table, body text in both CJK faces.
DOCUMENT_HTML = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>
@page { size: A4; margin: 30mm 24mm 28mm 27mm; }
body { font-family: "Noto Serif CJK SC"; font-size: 12pt; line-height: 1.7; }
h1 { font-family: "Noto Sans CJK SC"; font-size: 20pt; text-align: center; }
table { border-collapse: collapse; width: 100%; } td { border: 1px solid #000; padding: 2mm; }
</style></head><body>
<h1>劳动争议调解申请书</h1>
<table><tr><td>申请人</td><td>张三，男，汉族，1990年5月出生</td></tr>
<tr><td>被申请人</td><td>北京某某科技有限公司，统一社会信用代码 91110108MA00000000</td></tr></table>
<p>请求事项：一、请求被申请人支付2026年8月至10月拖欠工资共计人民币贰万肆仟元整（¥24,000.00）；二、请求被申请人支付未签订书面劳动合同的二倍工资差额。</p>
<p>事实与理由：申请人自2025年3月1日起在被申请人处担任软件工程师，月工资人民币捌仟元。被申请人自2026年8月起未按时足额支付劳动报酬，经申请人多次催要仍未支付。根据《中华人民共和国劳动合同法》第三十条、第八十二条及《劳动争议调解仲裁法》的规定，特申请调解。</p>
<p>此致<br>北京市海淀区劳动争议调解中心</p>
<p style="text-align:right">申请人：张三<br>2026年11月25日</p>
</body></html>"""


def render_document(html: str = DOCUMENT_HTML) -> bytes:
    """A real WeasyPrint PDF, as the document renderer makes them."""
    import weasyprint

    pdf: bytes = weasyprint.HTML(string=html).write_pdf()
    return pdf


@pytest.fixture(autouse=True)
def _quiet_pyhanko() -> Iterator[None]:
    """pyHanko logs every failed path validation with a traceback at ERROR: expected in these tests."""
    logger = logging.getLogger("pyhanko")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)


@pytest.fixture(scope="session")
def unsigned_pdf() -> bytes:
    """One page of Chinese text rendered by WeasyPrint (shared: tests never change bytes in place)."""
    return render_document()


@pytest.fixture(scope="session")
def dev_ca(tmp_path_factory: pytest.TempPathFactory) -> DevCertificateAuthority:
    """A development CA shared by the tests that only sign and verify (never revoke)."""
    ca = DevCertificateAuthority.ensure(tmp_path_factory.mktemp("pki"), crl_url=CRL_URL)
    ca.ensure_organisation(*UNION)
    ca.ensure_organisation(*CENTRE)
    return ca


@pytest.fixture
def fresh_ca(tmp_path: Path) -> DevCertificateAuthority:
    """A development CA of the test's own, for revocation and rotation."""
    ca = DevCertificateAuthority.ensure(tmp_path / "pki", crl_url=CRL_URL)
    ca.ensure_organisation(*UNION)
    return ca


@pytest.fixture(scope="session")
def union_signer(dev_ca: DevCertificateAuthority) -> SimpleSigner:
    """The union's signer from its PKCS#12 file."""
    return load_pkcs12_signer(dev_ca.key_config(UNION[0]))


@pytest.fixture
def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


# ---- a local RFC 3161 time-stamping authority --------------------------------------------------


class LocalTsa:
    """A TSA on 127.0.0.1 answering RFC 3161 requests over HTTP (pyHanko's DummyTimeStamper behind it)."""

    def __init__(self) -> None:
        now = datetime.now(UTC)
        root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        root_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "labourflow test TSA root (TEST ONLY)")])
        self.root = (
            x509.CertificateBuilder()
            .subject_name(root_name)
            .issuer_name(root_name)
            .public_key(root_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(hours=1))
            .not_valid_after(now + timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .sign(root_key, hashes.SHA256())
        )
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "labourflow test TSA (TEST ONLY)")]))
            .issuer_name(root_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(hours=1))
            .not_valid_after(now + timedelta(days=30))
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
            .sign(root_key, hashes.SHA256())
        )
        self.stamper = DummyTimeStamper(
            tsa_cert=translate_pyca_cryptography_cert_to_asn1(cert),
            tsa_key=translate_pyca_cryptography_key_to_asn1(key),
            certs_to_embed=[translate_pyca_cryptography_cert_to_asn1(self.root)],  # type: ignore[arg-type]
        )
        self.requests = 0
        tsa = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                reply = tsa.stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
                tsa.requests += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/tsa"


@pytest.fixture(scope="session")
def local_tsa() -> Iterator[LocalTsa]:
    tsa = LocalTsa()
    thread = threading.Thread(target=tsa.server.serve_forever, daemon=True)
    thread.start()
    yield tsa
    tsa.server.shutdown()
    tsa.server.server_close()
