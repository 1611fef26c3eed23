"""The one Jinja2 environment for web pages (autoescape, StrictUndefined)."""

from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import quote

from jinja2 import BytecodeCache, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.bccache import Bucket


class _SharedBytecode(BytecodeCache):
    """The page templates' compiled code, shared by every page environment of the process.

    `page_environment` compiles all 46 page templates up front: about 1 s of CPU on the 2-core CI
    machine, once per app, and a process can build several (the tests build hundreds). The second
    and later environments load the code instead of parsing and compiling again. Safe because every
    page environment is configured by `page_environment` alone, and Jinja checks each entry against
    its template source's checksum: an edited template is compiled afresh."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def load_bytecode(self, bucket: Bucket) -> None:
        with self._lock:
            code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        code = bucket.bytecode_to_string()
        with self._lock:
            self._code[bucket.key] = code


_BYTECODE = _SharedBytecode()


def page_environment(templates_dir: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates_dir / "pages")),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=_BYTECODE,
    )
    # Task ids hold '/', '#' and ':': links quote every character that is not plain.
    env.filters["quote_all"] = lambda value: quote(str(value), safe="")
    for name in env.list_templates(extensions=["html"]):
        env.get_template(name)  # compile now, so no visitor waits for it
    return env
