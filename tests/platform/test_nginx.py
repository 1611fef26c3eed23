"""deploy/nginx.conf: its body limit equals the API's own, and in a real nginx (Debian's; the
upstream, ports and certificate paths replaced, nothing else) it redirects HTTP to HTTPS, sends
HSTS, passes X-Forwarded-For/Proto from what it saw itself, and turns away a
body over the limit while passing one under it."""

from __future__ import annotations

import json
import re
import shutil
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import httpx
import pytest
import yaml

from api.middleware import UPLOAD_FILES, BodySizeLimit
from infrastructure.settings import Settings
from services.evidence import MAX_FILES
from tests.platform.pki import TestCA
from tests.support import free_port

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "deploy/nginx.conf"
UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def nginx_body_limit(conf: str) -> int:
    """client_max_body_size of the HTTPS server, in bytes."""
    [(number, unit)] = re.findall(r"^\s*client_max_body_size\s+(\d+)([kKmMgG]?);", conf, re.MULTILINE)
    return int(number) * UNITS[unit.lower()]


def app_multipart_limit() -> int:
    """What the API accepts for a form with files, with the limits compose gives it (or the defaults)."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    env = compose["x-labourflow"]["environment"]
    given = {name: int(env[f"LABOURFLOW_{name.upper()}"]) for name in ("max_body_bytes", "max_upload_bytes")
             if f"LABOURFLOW_{name.upper()}" in env}
    settings = Settings(**given)  # type: ignore[arg-type]
    middleware = BodySizeLimit(app=None, max_body=settings.max_body_bytes, max_upload=settings.max_upload_bytes)  # type: ignore[arg-type]
    return middleware._limit({"type": "http", "headers": [(b"content-type", b"multipart/form-data; boundary=x")]})


def test_nginx_body_limit_is_the_apps() -> None:
    assert UPLOAD_FILES == MAX_FILES, "the middleware's file count is the intake form's"
    assert nginx_body_limit(CONF.read_text()) == app_multipart_limit()


@dataclass
class Front:
    http: str
    https: str
    ca: Path
    seen: list[dict[str, str]]


class _Echo(BaseHTTPRequestHandler):
    seen: ClassVar[list[dict[str, str]]] = []

    def _answer(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        received = len(self.rfile.read(length)) if length else 0
        self.seen.append(dict(self.headers.items()) | {"received": str(received)})
        body = json.dumps({"received": received}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def front(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Front]:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        pytest.fail("nginx is missing: `make test` installs it (deploy/system-packages.sh --test, Debian nginx-light)")
    folder = tmp_path_factory.mktemp("nginx")
    ca = TestCA(folder, "public")
    site = ca.issue("site", dns=("localhost",))
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    http, https = free_port(), free_port()
    conf = CONF.read_text()
    replaced = {
        "resolver 127.0.0.11 valid=10s;": "",
        "server api:8000;": f"server 127.0.0.1:{upstream.server_address[1]};",
        "listen 80;": f"listen 127.0.0.1:{http};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https} ssl http2;",
        "/etc/nginx/tls/fullchain.pem": str(site.cert),
        "/etc/nginx/tls/privkey.pem": str(site.key),
    }
    for old, new in replaced.items():
        assert old in conf, old
        conf = conf.replace(old, new)
    (folder / "labourflow.conf").write_text(conf)
    main = folder / "nginx.conf"
    main.write_text(
        f"daemon off;\nmaster_process off;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  client_body_temp_path {folder}/body; proxy_temp_path {folder}/proxy;\n"
        f"  fastcgi_temp_path {folder}/fcgi; uwsgi_temp_path {folder}/uwsgi; scgi_temp_path {folder}/scgi;\n"
        f"  include {folder}/labourflow.conf;\n}}\n"
    )
    checked = subprocess.run([nginx, "-t", "-p", str(folder), "-c", str(main), "-e", str(folder / "error.log")],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen([nginx, "-p", str(folder), "-c", str(main), "-e", str(folder / "error.log")])
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{http}/nginx-health", timeout=1)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, (folder / "error.log").read_text()
                time.sleep(0.1)
        yield Front(f"http://localhost:{http}", f"https://localhost:{https}", ca.pem, _Echo.seen)
    finally:
        process.terminate()
        process.wait(timeout=10)
        upstream.shutdown()


def test_http_redirects_to_https(front: Front) -> None:
    response = httpx.get(f"{front.http}/status?x=1", follow_redirects=False)
    assert response.status_code == 301 and response.headers["location"] == "https://localhost/status?x=1"
    assert httpx.get(f"{front.http}/nginx-health").text == "ok\n"


def test_https_passes_what_the_proxy_saw(front: Front) -> None:
    with httpx.Client(verify=ssl.create_default_context(cafile=str(front.ca))) as client:
        response = client.get(f"{front.https}/healthz", headers={"X-Forwarded-For": "6.6.6.6"})
    assert response.status_code == 200 and response.http_version in ("HTTP/1.1", "HTTP/2")
    assert response.headers["strict-transport-security"] == "max-age=63072000"
    headers = {k.lower(): v for k, v in front.seen[-1].items()}
    assert headers["x-forwarded-for"] == "127.0.0.1", "a client's own X-Forwarded-For must not pass"
    assert headers["x-forwarded-proto"] == "https" and headers["host"] == "localhost"


def test_body_limit(front: Front) -> None:
    limit = nginx_body_limit(CONF.read_text())
    verify = ssl.create_default_context(cafile=str(front.ca))
    form = {"content-type": "multipart/form-data; boundary=x"}
    with httpx.Client(verify=verify, timeout=60) as client:
        assert client.post(f"{front.https}/", content=b"x" * (limit + 1), headers=form).status_code == 413
        passed = client.post(f"{front.https}/", content=b"x" * limit, headers=form)
    assert passed.status_code == 200 and passed.json() == {"received": limit}
