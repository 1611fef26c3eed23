"""labourflow application shell: settings, logging, database, Temporal plumbing, CLI and runner."""

__version__ = "0.1.0"
