"""A worker's lower CPU priority (`infrastructure.priority`) holds against processes of other
sessions: `labourflow run` and the bench start each process in a session of its own, and under
Linux's autogroup scheduling a plain `os.nice` then counted for nothing (each session got an equal
share of the CPU whatever its nice value)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from infrastructure.priority import lower_priority

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="Linux /proc only")

BUSY = textwrap.dedent(
    """
    import os, sys
    os.sched_setaffinity(0, {int(sys.argv[2])})
    from infrastructure.priority import lower_priority
    if int(sys.argv[1]):
        lower_priority(int(sys.argv[1]))
    print("ready", flush=True)
    while True:
        pass
    """
)


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _spawn(code: str, *args: str, new_session: bool) -> subprocess.Popen[str]:
    root = Path(__file__).resolve().parents[2]
    return subprocess.Popen([sys.executable, "-c", code, *args], cwd=root, stdout=subprocess.PIPE, text=True,
                            start_new_session=new_session, env={**os.environ, "PYTHONPATH": str(root)})


def test_a_lowered_process_in_its_own_session_yields_to_other_sessions() -> None:
    """Three busy loops on one CPU, each in its own session; the one at nice 19 gets a small share,
    not a third."""
    cpu = sorted(os.sched_getaffinity(0))[0]
    loops = [_spawn(BUSY, str(nice), str(cpu), new_session=True) for nice in (0, 0, 19)]
    try:
        for loop in loops:
            assert loop.stdout is not None and loop.stdout.readline().strip() == "ready"
        start = [_cpu_seconds(loop.pid) for loop in loops]
        time.sleep(2.0)
        used = [_cpu_seconds(loop.pid) - s for loop, s in zip(loops, start, strict=True)]
    finally:
        for loop in loops:
            loop.kill()
            loop.wait()
    normal = min(used[:2])
    assert normal > 0.2, f"the busy loops hardly ran: {used}"
    assert used[2] < 0.25 * normal, f"nice 19 in its own session took {used[2]:.2f} s against {normal:.2f} s"


def test_the_session_group_is_lowered_only_by_its_leader(tmp_path: Path) -> None:
    autogroup = Path("/proc/self/autogroup")
    if not autogroup.exists():
        pytest.skip("this kernel has no autogroup scheduling")
    report = textwrap.dedent(
        """
        import os, sys
        from infrastructure.priority import lower_priority
        value = lower_priority(int(sys.argv[1]))
        group = open("/proc/self/autogroup").read().split("nice")
        # a session in the root group (never setsid'd, as under some CI runners) shows an empty file
        print(value, group[1].strip() if len(group) > 1 else "root-group")
        """
    )
    leader = _spawn(report, "7", new_session=True)
    out, _ = leader.communicate(timeout=30)
    base = os.getpriority(os.PRIO_PROCESS, 0)
    assert out.split() == [str(min(base + 7, 19)), str(min(base + 7, 19))], "its own session's group lowered too"
    mine = autogroup.read_text()
    member = _spawn(report, "7", new_session=False)
    out, _ = member.communicate(timeout=30)
    assert out.split()[0] == str(min(base + 7, 19))
    assert autogroup.read_text() == mine, "a process in someone else's session left that group alone"


def test_increments_outside_0_to_19_are_refused() -> None:
    with pytest.raises(ValueError, match=r"0\.\.19"):
        lower_priority(20)
    with pytest.raises(ValueError, match=r"0\.\.19"):
        lower_priority(-1)
