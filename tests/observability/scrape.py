"""Reading a Prometheus text exposition as Prometheus stores it: series names exactly as written
(prometheus_client's parser renames a counter `x` to `x_total`, which Prometheus does not)."""

from __future__ import annotations

import re

import httpx

SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)")
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def samples(text: str) -> list[tuple[str, dict[str, str], float]]:
    """(series name, labels, value) of every sample in an exposition."""
    found = []
    for line in text.splitlines():
        if match := SAMPLE.match(line):
            name, labels, value = match.groups()
            found.append((name, dict(LABEL.findall(labels or "")), float(value)))
    return found


def series_names(text: str) -> set[str]:
    """Every series name an exposition holds (`x_bucket`, `x_count`, `x_total`... as scraped)."""
    return {name for name, _, _ in samples(text)}


def value(text: str, name: str, **labels: str) -> float:
    """The one sample of `name` whose labels include `labels` (AssertionError if none or several)."""
    found = [v for n, lab, v in samples(text) if n == name and labels.items() <= lab.items()]
    assert len(found) == 1, f"{name}{labels}: {len(found)} samples"
    return found[0]


def scrape(url: str) -> str:
    response = httpx.get(url, timeout=5)
    response.raise_for_status()
    return response.text
