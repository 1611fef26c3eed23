"""Temporal plumbing shared by API, worker, CLI and tests: the data converter (pydantic + AES-GCM
payload codec), search attributes, and connecting a client."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterable, Sequence
from pathlib import Path

import temporalio.converter
from temporalio.api.common.v1 import Payload
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest, ListSearchAttributesRequest
from temporalio.client import Client, Interceptor
from temporalio.common import SearchAttributeKey, SearchAttributePair, TypedSearchAttributes
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import PayloadCodec
from temporalio.runtime import Runtime
from temporalio.service import TLSConfig

from domain import search_attributes as search_attribute_names
from infrastructure.crypto import DecryptionError, Keyring
from infrastructure.settings import Settings

ENCODING = b"binary/encrypted"


class EncryptionCodec(PayloadCodec):
    """Encrypts every payload with AES-256-GCM; the key id travels in the metadata for rotation."""

    def __init__(self, keyring: Keyring) -> None:
        self._keyring = keyring

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        encoded = []
        for payload in payloads:
            kid, blob = self._keyring.encrypt(payload.SerializeToString())
            encoded.append(
                Payload(metadata={"encoding": ENCODING, "encryption-key-id": kid.encode()}, data=blob)
            )
        return encoded

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        decoded = []
        for payload in payloads:
            if payload.metadata.get("encoding") != ENCODING:
                decoded.append(payload)
                continue
            kid = payload.metadata["encryption-key-id"].decode()
            try:
                plain = self._keyring.decrypt(kid, payload.data)
            except DecryptionError:
                raise
            decoded.append(Payload.FromString(plain))
        return decoded


def data_converter(settings: Settings) -> temporalio.converter.DataConverter:
    """The one data converter (pydantic v2 + encryption codec) for API, worker and tests."""
    return dataclasses.replace(
        pydantic_data_converter, payload_codec=EncryptionCodec(Keyring.from_settings(settings))
    )




SEARCH_ATTRIBUTES: tuple[SearchAttributeKey[str], ...] = tuple(
    SearchAttributeKey.for_keyword(name) for name in search_attribute_names.KEYWORDS
)


def case_search_attributes(case_no: str, category: str, region: str) -> TypedSearchAttributes:
    """The search attributes a case workflow starts with: business ids and routing facts only."""
    values = {
        search_attribute_names.CASE_NO: case_no,
        search_attribute_names.STAGE: "intake",
        search_attribute_names.CHANNEL: "",
        search_attribute_names.CATEGORY: category,
        search_attribute_names.REGION: region,
    }
    return TypedSearchAttributes([SearchAttributePair(key, values[key.name]) for key in SEARCH_ATTRIBUTES])


def dev_server_search_attribute_args(keys: Iterable[SearchAttributeKey[str]] = SEARCH_ATTRIBUTES) -> list[str]:
    """`--search-attribute Name=Keyword` arguments for `temporal server start-dev`."""
    args: list[str] = []
    for key in keys:
        args += ["--search-attribute", f"{key.name}=Keyword"]
    return args


def dev_server_persistence_args(db_file: Path | str) -> list[str]:
    """`temporal server start-dev` arguments to persist to the SQLite file `db_file` in WAL mode: the
    server's writes no longer wait for readers and each commit appends to the log instead of copying
    pages to a rollback journal; with SQLite's default full synchronisation it stays durable. Twice
    the start rate, and half the time for 1,000 workflows to reach their timer, measured on 2 cores
    (README, "Performance"). The mode is kept in the file: an existing database is converted."""
    return ["--db-filename", str(db_file), "--sqlite-pragma", "journal_mode=wal"]


async def ensure_search_attributes(client: Client, namespace: str) -> None:
    """Register our search attributes on a server we did not start (idempotent)."""
    existing = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=namespace)
    )
    missing = {
        key.name: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD
        for key in SEARCH_ATTRIBUTES
        if key.name not in existing.custom_attributes
    }
    if missing:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(namespace=namespace, search_attributes=missing)
        )


def tls_config(settings: Settings) -> TLSConfig | bool:
    """TLS to the Temporal frontend from settings: False (plain, the default), True (the system's CAs)
    or a TLSConfig with a private CA, a client certificate and key (mTLS) and a server name override."""
    files = (settings.temporal_tls_server_ca, settings.temporal_tls_client_cert, settings.temporal_tls_client_key)
    wanted = settings.temporal_tls or bool(settings.temporal_api_key) or any(files) or bool(settings.temporal_tls_server_name)
    if not wanted:
        return False
    ca, cert, key = (path.read_bytes() if path else None for path in files)
    if not (ca or cert or settings.temporal_tls_server_name):
        return True
    return TLSConfig(
        server_root_ca_cert=ca,
        client_cert=cert,
        client_private_key=key,
        domain=settings.temporal_tls_server_name or None,
    )


async def connect(settings: Settings, *, attempts: int = 1, delay: float = 1.0, runtime: Runtime | None = None,
                  interceptors: Sequence[Interceptor] = ()) -> Client:
    """Connect a client with the production converter and the TLS settings, retrying `attempts`
    times. A worker passes its own `runtime` (metrics) and the tracing interceptor, which its workers inherit."""
    last: Exception | None = None
    tls = tls_config(settings)
    for attempt in range(attempts):
        try:
            return await Client.connect(
                settings.temporal_address,
                namespace=settings.temporal_namespace,
                data_converter=data_converter(settings),
                tls=tls,
                api_key=settings.temporal_api_key or None,
                runtime=runtime,
                interceptors=interceptors,
            )
        except Exception as exc:
            last = exc
            if attempt + 1 < attempts:
                await asyncio.sleep(delay)
    raise ConnectionError(
        f"Temporal is not reachable at {settings.temporal_address} (LABOURFLOW_TEMPORAL_ADDRESS): {last}"
    )
