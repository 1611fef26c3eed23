"""Dependencies handed to activity classes: database, keyring, settings, object store, metrics."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.metrics import ProductMetrics
from infrastructure.settings import Settings
from infrastructure.storage import BlobStore, blob_store_for


@dataclass(frozen=True)
class ActivityDeps:
    settings: Settings
    db: Database
    keyring: Keyring
    # The worker process's product metrics (infrastructure/metrics.py); off unless the process
    # exposes them (`labourflow worker`, and tests that look).
    metrics: ProductMetrics = field(default_factory=ProductMetrics.off)

    @cached_property
    def storage(self) -> BlobStore:
        """The object store the settings name (documents' content lives there), built once."""
        return blob_store_for(self.settings, self.db)

    @classmethod
    def from_settings(cls, settings: Settings, metrics: ProductMetrics | None = None) -> ActivityDeps:
        deps = cls(settings=settings, db=Database(settings.resolved_database_url), keyring=Keyring.from_settings(settings),
                   metrics=metrics or ProductMetrics.off())
        _ = deps.storage  # S3 settings that cannot work stop the worker at start, not its first document
        return deps
