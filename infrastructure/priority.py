"""Lowering a process's CPU priority so that it counts against the other processes of the machine.

`os.nice` alone is not enough on Linux with autogroup scheduling (`/proc/sys/kernel/
sched_autogroup_enabled`, on by default in Debian's and most desktop and VM kernels): every session
(`setsid`, as `labourflow run` and the bench start their processes) is a scheduling group of its
own, the CPU is shared fairly between groups, and a thread's nice value only weighs against the
threads of its own group. Measured here (2 cores, 2 busy loops at nice 0 and 2 at nice 19, each in
its own session): 2.46, 2.47, 2.44 and 2.54 s of CPU in 5 s, the nice values ignored; with the
group's nice set as well: 4.87, 4.86, 0.10 and 0.10 s. So a process that leads its own session also
sets its group's nice (`/proc/self/autogroup`, man 7 sched). One that does not (started from a
shell in the shell's session) leaves the group alone: the group holds other processes, such as the
API beside it, which must not be slowed with it."""

from __future__ import annotations

import os
from pathlib import Path

AUTOGROUP = Path("/proc/self/autogroup")


def lower_priority(increment: int, *, autogroup: Path = AUTOGROUP) -> int:
    """Make this process `increment` nicer (0..19), for its own threads and, when it leads its own
    session under autogroup scheduling, for its session's group. Returns the process's nice value."""
    if not 0 <= increment <= 19:
        raise ValueError(f"a nice increment is 0..19, got {increment}")
    value = os.nice(increment) if increment else os.nice(0)
    if increment and os.getsid(0) == os.getpid() and autogroup.exists():
        try:
            current = int(autogroup.read_text().split("nice")[1])
            # raising the group's nice needs no privilege; never lower it
            autogroup.write_text(str(max(current, value)))
        except (OSError, IndexError, ValueError):
            pass  # no autogroup (containers without /proc write access): the thread's nice stands
    return value
