"""Per-participant memory limits through Linux control groups.

Why: JupyterHub's LocalProcessSpawner accepts ``mem_limit`` but does not enforce it (it only passes
the number to the server as ``MEM_LIMIT``). One participant's runaway cell could then take the whole
machine's memory from the room. A memory control group enforces a limit on a process and everything
it starts (their JupyterLab server and its kernels): above it the kernel's OOM killer ends one of
them, in that participant's group only.

Both layouts are supported: cgroup v2 (one unified hierarchy with a ``memory`` controller) and v1 (a
``memory`` hierarchy of its own). Where neither is writable (not root, or a container without
cgroups), :func:`available` is False and the room runs without limits, saying so.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")


@dataclass(frozen=True)
class Hierarchy:
    """Where memory groups are made, and the names of the files that set and read memory."""

    root: Path
    limit_file: str  # memory.max (v2) or memory.limit_in_bytes (v1)
    usage_file: str  # memory.current (v2) or memory.usage_in_bytes (v1)


def hierarchy() -> Hierarchy | None:
    """The writable memory hierarchy on this machine, or None if there is none."""
    unified = CGROUP_ROOT / "cgroup.controllers"
    if unified.is_file() and "memory" in unified.read_text().split():
        candidate = Hierarchy(CGROUP_ROOT, "memory.max", "memory.current")
    elif (CGROUP_ROOT / "memory" / "memory.limit_in_bytes").is_file():
        candidate = Hierarchy(CGROUP_ROOT / "memory", "memory.limit_in_bytes", "memory.usage_in_bytes")
    else:
        return None
    return candidate if os.access(candidate.root, os.W_OK) else None


def available() -> bool:
    """True when this process can create memory groups (root on a machine with cgroups)."""
    return hierarchy() is not None


def group_path(room: str, user: str) -> Path | None:
    """The memory group of ``user`` in the room named ``room`` (None without cgroups)."""
    found = hierarchy()
    return None if found is None else found.root / room / user


def prepare(room: str, user: str, limit_bytes: int) -> Path | None:
    """Create (or reuse) the group for ``user`` with a memory limit; return its path.

    On cgroup v2 the room's parent group must hand the memory controller to its children.
    """
    found = hierarchy()
    if found is None:
        return None
    parent = found.root / room
    parent.mkdir(exist_ok=True)
    if found.limit_file == "memory.max":
        control = parent / "cgroup.subtree_control"
        if "memory" not in control.read_text().split():
            control.write_text("+memory")
    group = parent / user
    group.mkdir(exist_ok=True)
    (group / found.limit_file).write_text(str(int(limit_bytes)))
    return group


def join(group: Path) -> None:
    """Move the calling process into ``group`` (call in the child before it execs the server)."""
    (group / "cgroup.procs").write_text(str(os.getpid()))


def pids(group: Path) -> list[int]:
    """The processes in ``group`` (empty if it is gone)."""
    try:
        return [int(line) for line in (group / "cgroup.procs").read_text().split()]
    except FileNotFoundError:
        return []


def usage_bytes(group: Path) -> int | None:
    """Memory the group uses now, as the kernel counts it (includes its page cache)."""
    found = hierarchy()
    try:
        return int((group / found.usage_file).read_text()) if found else None
    except FileNotFoundError:
        return None


def remove_room(room: str) -> list[Path]:
    """Remove the room's empty groups; return those still holding processes (not removed)."""
    found = hierarchy()
    if found is None or not (found.root / room).is_dir():
        return []
    busy = []
    for group in sorted((found.root / room).iterdir()):
        if group.is_dir():
            try:
                group.rmdir()
            except OSError:
                busy.append(group)
    if not busy:
        try:
            (found.root / room).rmdir()
        except OSError:
            pass
    return busy
