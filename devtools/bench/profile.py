"""Profiles with py-spy (attached to the worker and API processes, every thread sampled), written as
collapsed stacks, and a summary of the hot spots: own time by function, and total time by the
product's own modules."""

from __future__ import annotations

import collections
import contextlib
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

PY_SPY = Path(sys.executable).parent / "py-spy"
OWN = ("labourflow/", "infrastructure/", "services/", "workflows/", "activities/", "api/", "domain/")


class Recorder:
    """`py-spy record --pid` on one process until stopped."""

    def __init__(self, pid: int, out: Path, rate: int = 50) -> None:
        self.out = out
        self.log = out.with_suffix(".log")
        with self.log.open("wb") as log:
            self.popen = subprocess.Popen(
                [
                    str(PY_SPY),
                    "record",
                    "--pid",
                    str(pid),
                    "--format",
                    "raw",
                    "--output",
                    str(out),
                    "--rate",
                    str(rate),
                    "--nonblocking",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGINT)
            try:
                self.popen.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()


def _frame_name(frame: str) -> str:
    """'func (pkg/module.py:12)' -> 'func (pkg/module.py)'; py-spy gives import-relative paths."""
    name, _, location = frame.partition(" (")
    path = location.rstrip(")").rsplit(":", 1)[0]
    if "site-packages/" in path:
        path = path.split("site-packages/", 1)[1]
    return f"{name} ({path})"


def _own(name: str) -> bool:
    path = name.rsplit(" (", 1)[-1]
    return path.startswith(OWN) and not path.startswith("devtools/bench/")


def summarise(collapsed: Path, top: int = 15) -> dict[str, Any]:
    """Own time (leaf frame) and inclusive time per function, as shares of all samples."""
    own: collections.Counter[str] = collections.Counter()
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    if not collapsed.exists():
        return {"samples": 0, "own": [], "inclusive": [], "inclusive_product_code": []}
    for line in collapsed.read_text(errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        with contextlib.suppress(ValueError):
            count = int(count_text)
            frames = [_frame_name(f) for f in stack.split(";") if f]
            if not frames:
                continue
            total += count
            own[frames[-1]] += count
            for frame in set(frames):
                inclusive[frame] += count

    def share(counter: collections.Counter[str], keep: Any = None) -> list[dict[str, Any]]:
        rows = [(name, n) for name, n in counter.most_common() if keep is None or keep(name)][:top]
        return [{"function": name, "share": round(n / total, 4)} for name, n in rows]

    return {
        "samples": total,
        "own": share(own),
        "inclusive_product_code": share(
            inclusive,
            lambda name: any(f"({o}" in name for o in OWN) and "devtools/bench/" not in name,
        ),
    }
