"""Infrastructure: what every layer above stands on and no business rule lives in. Settings, logging,
the database (tables, migrations, upserts), encryption, the audit trail, Temporal plumbing (converter,
codec, connection), the notification senders and the document engine (templates, PDF rendering,
numbering, storage), and document signing (a development CA, keys, PAdES signatures and their verification)."""

__version__ = "0.6.0"
