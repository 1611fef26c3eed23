"""The shared Typer application and helpers for one-line errors."""

from __future__ import annotations

from typing import NoReturn

import typer

app = typer.Typer(
    name="labourflow",
    help="labourflow: durable workflows for labour dispute resolution (劳动争议多元化解).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print one line saying what is wrong and what is valid, then exit (2 = bad input)."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)
