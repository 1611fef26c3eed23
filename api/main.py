"""ASGI entry point for `uvicorn api.main:app` (production servers with several processes)."""

from api.app import create_app

app = create_app()
