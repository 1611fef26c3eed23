"""Dependencies handed to activity classes: database, keyring, settings, templates."""

from __future__ import annotations

from dataclasses import dataclass

from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.settings import Settings


@dataclass(frozen=True)
class ActivityDeps:
    settings: Settings
    db: Database
    keyring: Keyring

    @classmethod
    def from_settings(cls, settings: Settings) -> ActivityDeps:
        return cls(settings=settings, db=Database(settings.resolved_database_url), keyring=Keyring.from_settings(settings))
