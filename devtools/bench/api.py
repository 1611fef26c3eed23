"""The bench's API process: the production app (`labourflow api`) on the port given."""

from __future__ import annotations

import asyncio
import sys

from infrastructure.logs import configure_logging
from infrastructure.settings import get_settings
from labourflow.runner import serve_api

if __name__ == "__main__":
    settings = get_settings()
    configure_logging("WARNING", "json")
    asyncio.run(serve_api(settings, host="127.0.0.1", port=int(sys.argv[1])))
