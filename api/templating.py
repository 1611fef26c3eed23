"""The one Jinja2 environment for web pages (autoescape, StrictUndefined)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape


def page_environment(templates_dir: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates_dir / "pages")),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # Task ids hold '/', '#' and ':': links quote every character that is not plain.
    env.filters["quote_all"] = lambda value: quote(str(value), safe="")
    for name in env.list_templates(extensions=["html"]):
        env.get_template(name)  # compile now, so no visitor waits for it
    return env
