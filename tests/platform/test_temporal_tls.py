"""TLS and mTLS to Temporal, for real: a `temporal server start-dev` (which has no TLS options of its
own) behind nginx, which terminates TLS (HTTP/2 by ALPN, as gRPC clients require; stunnel cannot
negotiate it), demands a client certificate from our test CA and passes the gRPC calls on.
`infrastructure.temporal.connect` with the certificate settings gets through; without a client
certificate, with one from another CA, without TLS, or not trusting the server's CA, it is refused.
The server certificate names only `temporal.internal`, so connecting to 127.0.0.1 also proves
`LABOURFLOW_TEMPORAL_TLS_SERVER_NAME` is used for verification."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from infrastructure.settings import Environment, Settings
from infrastructure.temporal import connect, tls_config
from tests.platform.pki import Issued, TestCA
from tests.support import free_port

pytestmark = [pytest.mark.devserver, pytest.mark.timeout(120)]

TEMPORAL = Path(sys.executable).parent / "temporal"
SERVER_NAME = "temporal.internal"


@dataclass(frozen=True)
class TLSFront:
    """Where the TLS front listens, and the certificates around it."""

    address: str
    ca: Path
    client: Issued
    foreign_client: Issued
    foreign_ca: Path


def _wait_port(port: int, process: subprocess.Popen[bytes], what: str, log: Path) -> None:
    import socket

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited: {log.read_text()[-2000:]}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"{what} did not listen on {port}")


def _wait_serving(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    """The dev server's port opens before its frontend is healthy: a first call then fails with
    "Frontend is not healthy yet" (CI saw it once). Wait until the cluster says it is serving."""
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"temporal server start-dev exited: {log.read_text()[-2000:]}")
        check = subprocess.run([str(TEMPORAL), "operator", "cluster", "health", "--address", f"127.0.0.1:{port}"],
                               capture_output=True, text=True, timeout=30)
        if check.returncode == 0 and "SERVING" in check.stdout:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"the dev server on {port} is not healthy after 60 s: {check.stdout}{check.stderr}")
        time.sleep(0.2)


@pytest.fixture(scope="module")
def tls_front(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TLSFront]:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        pytest.fail("nginx is missing: `make test` installs it (deploy/system-packages.sh --test, Debian nginx-light)")
    folder = tmp_path_factory.mktemp("temporal-tls")
    ca, foreign = TestCA(folder, "province"), TestCA(folder, "foreign")
    server = ca.issue("frontend", dns=(SERVER_NAME,))
    client, foreign_client = ca.issue("worker", server=False), foreign.issue("worker", server=False)
    grpc, front = free_port(), free_port()
    dev_log, tunnel_log = folder / "temporal.log", folder / "nginx-error.log"
    dev = subprocess.Popen(
        [str(TEMPORAL), "server", "start-dev", "--ip", "127.0.0.1", "--port", str(grpc), "--headless", "--log-level", "error"],
        stdout=dev_log.open("wb"), stderr=subprocess.STDOUT,
    )
    config = folder / "nginx.conf"
    config.write_text(
        f"daemon off;\nmaster_process off;\npid {folder}/nginx.pid;\nerror_log {tunnel_log} info;\nevents {{}}\n"
        "http {\n  access_log off;\n"
        f"  client_body_temp_path {folder}/body; proxy_temp_path {folder}/proxy; fastcgi_temp_path {folder}/fcgi;\n"
        f"  uwsgi_temp_path {folder}/uwsgi; scgi_temp_path {folder}/scgi;\n"
        "  server {\n"
        f"    listen 127.0.0.1:{front} ssl http2;\n"
        f"    ssl_certificate {server.cert};\n    ssl_certificate_key {server.key};\n"
        "    ssl_protocols TLSv1.2 TLSv1.3;\n"
        f"    ssl_client_certificate {ca.pem};\n    ssl_verify_client on;\n"
        f"    location / {{ grpc_pass grpc://127.0.0.1:{grpc}; grpc_read_timeout 120s; }}\n"
        "  }\n}\n"
    )
    tunnel = subprocess.Popen([nginx, "-p", str(folder), "-c", str(config), "-e", str(tunnel_log)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        _wait_port(grpc, dev, "temporal server start-dev", dev_log)
        _wait_serving(grpc, dev, dev_log)
        _wait_port(front, tunnel, "nginx", tunnel_log)
        yield TLSFront(f"127.0.0.1:{front}", ca.pem, client, foreign_client, foreign.pem)
    finally:
        for process in (tunnel, dev):
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def _settings(front: TLSFront, **tls: object) -> Settings:
    return Settings(env=Environment.test, temporal_address=front.address, encryption_keys={"k1": "A" * 43 + "="},
                    encryption_key_id="k1", lookup_hash_key="h", session_secret="s", **tls)  # type: ignore[arg-type]


async def test_client_certificate_from_the_ca_connects(tls_front: TLSFront) -> None:
    settings = _settings(tls_front, temporal_tls_server_ca=tls_front.ca, temporal_tls_client_cert=tls_front.client.cert,
                         temporal_tls_client_key=tls_front.client.key, temporal_tls_server_name=SERVER_NAME)
    client = await connect(settings)
    assert await client.service_client.check_health()
    # A real call through the tunnel into the dev server: the namespace it serves.
    from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest

    described = await client.workflow_service.describe_namespace(DescribeNamespaceRequest(namespace="default"))
    assert described.namespace_info.name == "default"


# What each refusal looks like: nginx answers a TLS client without a (valid) certificate with HTTP 400,
# which the gRPC client sees as a failed call; the other cases fail in the handshake or in HTTP/2.
EXPECTED_REFUSAL: dict[str, str | tuple[str, ...]] = {
    "no client certificate": "400 Bad Request",
    "certificate from another CA": "400 Bad Request",
    # the TLS listener drops a plaintext HTTP/2 preface: the client sees either the broken frame or the
    # closed connection, depending on which it reads first (CI once got the second)
    "plain gRPC": ("http2 error", "connection closed"),
    "server CA not trusted": "UnknownIssuer",
    "no server name override": "NotValidForName",
}


@pytest.mark.parametrize(
    "case",
    ["no client certificate", "certificate from another CA", "plain gRPC", "server CA not trusted", "no server name override"],
)
async def test_refused_without_the_right_credentials(tls_front: TLSFront, case: str) -> None:
    good = {"temporal_tls_server_ca": tls_front.ca, "temporal_tls_client_cert": tls_front.client.cert,
            "temporal_tls_client_key": tls_front.client.key, "temporal_tls_server_name": SERVER_NAME}
    changed: dict[str, object] = {
        "no client certificate": {k: v for k, v in good.items() if "client" not in k},
        "certificate from another CA": good | {"temporal_tls_client_cert": tls_front.foreign_client.cert,
                                               "temporal_tls_client_key": tls_front.foreign_client.key},
        "plain gRPC": {},
        "server CA not trusted": good | {"temporal_tls_server_ca": tls_front.foreign_ca},
        "no server name override": {k: v for k, v in good.items() if k != "temporal_tls_server_name"},
    }[case]  # type: ignore[assignment]
    with pytest.raises(ConnectionError, match="not reachable") as refused:
        await connect(_settings(tls_front, **changed))  # type: ignore[arg-type]
    expected = EXPECTED_REFUSAL[case]
    assert any(text in str(refused.value) for text in ((expected,) if isinstance(expected, str) else expected)), str(refused.value)


def test_tls_is_off_by_default_and_an_api_key_turns_it_on(tmp_path: Path) -> None:
    assert tls_config(Settings()) is False
    assert tls_config(Settings(temporal_api_key="cloud-key")) is True
    assert tls_config(Settings(temporal_tls=True)) is True
