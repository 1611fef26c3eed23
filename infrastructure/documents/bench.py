"""How much signing adds to issuing a document: the unsigned render against the render plus the
signature, per document, after a warm-up round (a running worker has its fonts and keys loaded).

Used by `labourflow documents bench` (stored documents, re-rendered from their stored inputs) and
`python -m devtools documents bench` (the catalogue samples).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from infrastructure.documents.environment import render_html
from infrastructure.documents.render import html_to_pdf
from infrastructure.documents.sealing import Issuer, sign_issued
from infrastructure.settings import Settings

BUDGET = 1.5  # a signed PDF may cost at most this many times the unsigned render


@dataclass(frozen=True)
class BenchItem:
    """One document to time: a label, its template and rendering context."""

    label: str
    template: str
    context: dict[str, Any]
    document_id: str


@dataclass(frozen=True)
class BenchLine:
    label: str
    render_ms: float  # median: template + WeasyPrint
    sign_ms: float  # median: the signature with its seal and QR code

    @property
    def ratio(self) -> float:
        """Signed PDF cost / unsigned render cost."""
        return (self.render_ms + self.sign_ms) / self.render_ms


def run_bench(settings: Settings, templates_dir: Path, items: Sequence[BenchItem], rounds: int, issuer: Issuer) -> list[BenchLine]:
    """Time each item `rounds` times after one warm-up round (CPU-bound; call from a thread in async code)."""
    render: dict[str, list[float]] = {item.label: [] for item in items}
    sign: dict[str, list[float]] = {item.label: [] for item in items}
    for round_no in range(rounds + 1):
        for item in items:
            started = time.perf_counter()
            pdf = html_to_pdf(render_html(templates_dir, item.template, item.context), identifier=item.document_id)
            rendered = time.perf_counter()
            sign_issued(
                settings,
                issuer,
                pdf.pdf,
                document_no=item.context.get("doc", {}).get("document_no") or item.document_id[:8],
                signing_time=datetime.now(UTC),
                qr_url=f"{settings.base_url}/verify/{item.document_id}?c=000000000000",
                ink=pdf.last_page_ink,
            )
            if round_no:
                render[item.label].append(rendered - started)
                sign[item.label].append(time.perf_counter() - rendered)
    return [BenchLine(label, statistics.median(render[label]) * 1000, statistics.median(sign[label]) * 1000) for label in render]


def summary(lines: Sequence[BenchLine]) -> str:
    """The median render, signature and ratio over all documents, and whether the budget holds."""
    render = statistics.median(line.render_ms for line in lines)
    sign = statistics.median(line.sign_ms for line in lines)
    total = sum(line.render_ms + line.sign_ms for line in lines) / sum(line.render_ms for line in lines)
    verdict = "within" if total <= BUDGET else "OVER"
    return (
        f"{len(lines)} documents: render median {render:.0f} ms, signature median {sign:.0f} ms;"
        f" a signed PDF costs {total:.2f} x the unsigned render ({verdict} the {BUDGET} x budget)"
    )
