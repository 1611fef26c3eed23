"""The whole benchmark: which scenarios run on which server, the sizes, the table and the JSON
file."""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import platform
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from devtools.bench import capacity, casecost, documents, intake, pages, sandbox
from devtools.bench.common import Steps, prepare_database, progress
from devtools.bench.procs import Stack, settle

ONLY = ("", "capacity", "intake", "casecost")
SCENARIOS = ("intake", "intake_postgresql", "case_cost", "capacity", "sandbox", "documents", "pages")


@dataclass
class Options:
    quick: bool = False
    out: Path = Path("data/bench/bench.json")
    capacity: int = 0  # 0 = the default for the mode
    repeat: int = 0  # 0 = the default for the mode
    profile: bool = False
    postgres: str = ""  # a PostgreSQL server's URL for the PostgreSQL intake scenario ("": skipped)
    only: str = ""  # one of ONLY: that scenario alone (capacity at 10,000 takes an hour or more)

    def sizes(self) -> dict[str, Any]:
        if self.quick:
            sizes = {
                "repeat": 1,
                "intake_requests": 4,
                "case_cost_cases": 1,
                "renders": 2,
                "letters": 2,
                "replay_rounds": 1,
                "pages_cases": 200,
                "page_requests": 5,
                "capacity": 5,
                "lag_cases": 2,
                "lag_after": 8.0,
                "profile_requests": 4,
            }
        else:
            sizes = {
                "repeat": 3,
                "intake_requests": 60,  # per run: long enough to be a sustained rate, not one burst
                "case_cost_cases": 1,
                "renders": 10,
                "letters": 200,
                "replay_rounds": 2,
                "pages_cases": 10_000,
                "page_requests": 30,
                # 300: the default run stays under 15 minutes on 2 cores (500 took 6.75 of 17.2);
                # 10,000 is measured on its own (`--only capacity --capacity 10000`, README)
                "capacity": 300,
                "lag_cases": 10,
                "lag_after": 20.0,  # s: the probe cases reach their timers in a few seconds
                "profile_requests": 60,
            }
        if self.capacity:
            sizes["capacity"] = self.capacity
        if self.repeat:
            sizes["repeat"] = self.repeat
        return sizes


def machine() -> dict[str, Any]:
    model = ""
    with contextlib.suppress(OSError, StopIteration):
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return {
        "cores": os.cpu_count(),
        "cpu": model,
        "memory_gb": round(memory, 1),
        "python": platform.python_version(),
        "load_average_at_start": os.getloadavg(),
    }


def _strip(result: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in result.items() if k != "histories"}



async def _start(stack: Stack, stacks: list[Stack], what: str) -> None:
    """Database, Temporal server and a ready worker for `stack` (stopped with the others at the end)."""
    stacks.append(stack)
    progress(what)
    await prepare_database(stack.database_url)
    await stack.start_server()
    stack.start_worker()
    await stack.wait_worker_ready()

async def _intake_postgresql(options: Options, work: Path, stacks: list[Stack], sizes: dict[str, Any]) -> dict[str, Any]:
    """The intake scenario with the application database in a throw-away PostgreSQL database (its
    own Temporal server in memory, workers and API), then stopped and dropped."""
    from sqlalchemy.exc import OperationalError

    from devtools.databases import postgres_database
    from infrastructure.temporal import connect

    try:
        database = postgres_database(options.postgres, prefix="lf_bench_")
        url = database.__enter__()
    except OperationalError as exc:
        progress(f"intake (postgresql): skipped, the server at --postgres cannot be used: {exc.orig}")
        return {"skipped": f"PostgreSQL at --postgres cannot be used: {exc.orig}", "metrics": []}
    try:
        stack = Stack(work / "postgresql", server_kind="dev-memory", database=url)
        await _start(stack, stacks, "intake (postgresql): starting Temporal, the workers and the API on PostgreSQL")
        await stack.start_api()
        try:
            client = await connect(stack.settings)
            # one run fewer than SQLite's (the default bench stays under 15 minutes)
            return await intake.run(stack, client, count=sizes["intake_requests"], repeat=max(1, sizes["repeat"] - 1),
                                    database="postgresql")
        finally:
            stack.stop_all()
    finally:
        database.__exit__(None, None, None)


async def run_all(options: Options) -> dict[str, Any]:
    import temporalio

    from infrastructure.temporal import connect

    sizes = options.sizes()
    started = time.monotonic()
    out_dir = options.out.parent
    out_dir.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "meta": {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": machine(),
            "mode": (f"{options.only} only, " if options.only else "") + ("quick" if options.quick else "full"),
            "sizes": sizes,
            "temporalio": temporalio.__version__,
            "note": "figures are noisy (shared machine); compare the ratios to the "
            "raw-Temporal baseline measured in the same run",
        },
        "scenarios": {},
    }
    scenarios = results["scenarios"]
    work = Path(tempfile.mkdtemp(prefix="labourflow-bench-"))
    stacks: list[Stack] = []
    try:
        if options.only == "capacity":
            store = Stack(work / "capacity", server_kind="dev-sqlite")
            await _start(store, stacks, "capacity: starting Temporal with SQLite persistence and a worker")
            scenarios["capacity"] = await capacity.run(
                store,
                cases=sizes["capacity"],
                steps=None,
                lag_cases=sizes["lag_cases"],
                lag_after=sizes["lag_after"],
            )
        elif options.only == "intake":
            main = Stack(work / "main", server_kind="dev-memory")
            await _start(main, stacks, "starting Temporal (dev-memory), the worker and the API")
            await main.start_api()
            scenarios["intake"] = await intake.run(
                main, await connect(main.settings), count=sizes["intake_requests"], repeat=sizes["repeat"]
            )
            main.stop_all()
            if options.postgres:
                scenarios["intake_postgresql"] = await _intake_postgresql(options, work, stacks, sizes)
        elif options.only == "casecost":  # the dev server's case cost alone, to compare two builds
            main = Stack(work / "main", server_kind="dev-memory")
            await _start(main, stacks, "starting Temporal (dev-memory) and the worker")
            dev_cost = await casecost.run(
                main, await connect(main.settings), label="dev server", cases=sizes["case_cost_cases"], repeat=sizes["repeat"]
            )
            scenarios["case_cost"] = {"metrics": list(dev_cost["metrics"]), "runs": {"dev server": _strip(dev_cost)}}
            main.stop_all()
        else:
            main = Stack(
                work / ("main" if not options.quick else "all"),
                server_kind="dev-sqlite" if options.quick else "dev-memory",
            )
            await _start(main, stacks, f"starting Temporal ({main.server_kind}), the worker and the API")
            await main.start_api()
            client = await connect(main.settings)
            scenarios["intake"] = await intake.run(
                main, client, count=sizes["intake_requests"], repeat=sizes["repeat"]
            )
            intake_steps = Steps(**scenarios["intake"]["steps"])
            if options.postgres:
                scenarios["intake_postgresql"] = await _intake_postgresql(options, work, stacks, sizes)
            dev_cost = await casecost.run(
                main, client, label="dev server", cases=sizes["case_cost_cases"], repeat=sizes["repeat"]
            )
            histories = dev_cost["histories"]
            case_cost = {"dev server": _strip(dev_cost)}
            scenarios["case_cost"] = {"metrics": list(dev_cost["metrics"]), "runs": case_cost}
            scenarios["documents"] = await documents.run(
                main, client, renders=sizes["renders"], letters=sizes["letters"]
            )
            if options.profile:
                results["profile"] = await profile_intake(main, out_dir, sizes["profile_requests"])
            if options.quick:
                scenarios["capacity"] = await capacity.run(
                    main,
                    cases=sizes["capacity"],
                    steps=intake_steps,
                    lag_cases=sizes["lag_cases"],
                    lag_after=sizes["lag_after"],
                )
            main.stop_all()
            if not options.quick:
                skipping = Stack(work / "time-skipping", server_kind="time-skipping")
                await _start(skipping, stacks, "starting the time-skipping test server and a worker")
                ts_client = await connect(skipping.settings)
                ts_cost = await casecost.run(
                    skipping,
                    ts_client,
                    label="time-skipping",
                    cases=sizes["case_cost_cases"],
                    repeat=sizes["repeat"],
                )
                case_cost["time-skipping"] = _strip(ts_cost)
                scenarios["case_cost"]["metrics"] += ts_cost["metrics"]
                skipping.stop_all()
            progress("sandbox: replaying the dispute path's histories")
            scenarios["sandbox"] = await sandbox.run(
                main.settings, histories, repeat=sizes["repeat"], rounds=sizes["replay_rounds"]
            )
            scenarios["pages"] = await pages.run(
                cases=sizes["pages_cases"], rounds=sizes["page_requests"], repeat=sizes["repeat"]
            )
            if not options.quick:
                store = Stack(work / "capacity", server_kind="dev-sqlite")
                await _start(store, stacks, "capacity: starting Temporal with SQLite persistence and a worker")
                scenarios["capacity"] = await capacity.run(
                    store,
                    cases=sizes["capacity"],
                    steps=intake_steps,
                    lag_cases=sizes["lag_cases"],
                    lag_after=sizes["lag_after"],
                )
                store.stop_all()
    finally:
        for stack in stacks:
            stack.stop_all()
        shutil.rmtree(work, ignore_errors=True)
    results["meta"]["wall_seconds"] = round(time.monotonic() - started, 1)
    results["meta"]["machine"]["load_average_at_end"] = os.getloadavg()
    options.out.write_text(
        json.dumps(results, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
    )
    return results


async def profile_intake(stack: Stack, out_dir: Path, requests: int) -> dict[str, Any]:
    """py-spy on the worker and the API while `requests` cases are filed at concurrency 10 (not
    timed)."""
    from devtools.bench.profile import Recorder, summarise

    assert stack.worker is not None and stack.api is not None
    progress(f"profile: py-spy on worker and API while {requests} cases are filed")
    await settle(stack)
    recorders = {
        "worker": Recorder(stack.worker.pid, out_dir / "profile-worker.txt"),
        "api": Recorder(stack.api.pid, out_dir / "profile-api.txt"),
    }
    try:
        await asyncio.sleep(1)
        await intake.post_cases(stack, requests, 10)
        await settle(stack)
    finally:
        for recorder in recorders.values():
            recorder.stop()
    return {name: {"file": str(rec.out), **summarise(rec.out)} for name, rec in recorders.items()}


def _fmt(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def table(results: dict[str, Any]) -> str:
    """Markdown table: metric, product median [min–max], baseline median, ratio, target, met."""
    lines = [
        "| Metric | Unit | labourflow median [min–max] | raw Temporal median | ratio | "
        "target | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in SCENARIOS:
        scenario = results["scenarios"].get(name)
        if not scenario:
            continue
        for m in scenario["metrics"]:
            prod, base = m["product"], m["baseline"]
            spread = (
                f"{_fmt(prod['median'])} [{_fmt(prod['min'])}–{_fmt(prod['max'])}]"
                if prod["n"] > 1
                else _fmt(prod["median"])
            )
            met = {True: "yes", False: "**no**", None: ""}[m["met"]]
            lines.append(
                f"| {m['name']} | {m['unit']} | {spread} | "
                f"{_fmt(base['median']) if base else '—'} | "
                f"{_fmt(m['ratio'])} | {m['target']} | {met} |"
            )
    return "\n".join(lines)
