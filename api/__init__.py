"""FastAPI transport: JSON API under /api/v1 and server-rendered pages. No business rules here."""
