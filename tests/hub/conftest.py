"""A workshop room for the fault tests: started once, on 127.0.0.1 and a free port, with its own
participants (system users ``phbtest-…``, homes in ``_build/hub-test/home``), all removed at the end.

The room needs root (each participant is a system user of their own). Without root these tests skip
with that reason, except under CI=true, where they must run: a skip there is a failure.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from hub import room as rooms  # noqa: E402
from hub.client import Participant, arrive  # noqa: E402

FOLDER = ROOT / "_build" / "hub-test"
PREFIX = "phbtest-"
#: Small enough that the memory test's allocation passes it quickly, large enough for a chapter.
MEM_LIMIT = "1G"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    ours = [item for item in items if "tests/hub" in str(item.fspath)]
    if os.geteuid() == 0 or not ours:
        return
    reason = "the workshop room needs root: each participant runs as a system user of their own"
    if os.environ.get("CI") == "true":
        raise pytest.UsageError(f"tests/hub cannot run under CI=true: {reason}")
    for item in ours:
        item.add_marker(pytest.mark.skip(reason=reason))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """After a failure here, the end of the hub's log: in CI the clone, and the log, go with the run."""
    log = rooms.Room(state=FOLDER / "state").log_file
    failed = terminalreporter.stats.get("failed", []) + terminalreporter.stats.get("error", [])
    if log.is_file() and any("tests/hub" in report.nodeid for report in failed):
        terminalreporter.section(f"the end of the room's log ({log})")
        terminalreporter.write_line("\n".join(log.read_text(errors="replace").splitlines()[-40:]))


@pytest.fixture(scope="session")
def room() -> Iterator[rooms.Room]:
    """A running room; stopped, with its users and their homes removed, after the tests."""
    if not (ROOT / "workshop" / "chapters").is_dir():
        pytest.fail("no workshop kit: run make workshop first (make test-hub does)")
    room = rooms.synthetic_room(FOLDER, prefix=PREFIX, mem_limit=MEM_LIMIT)
    rooms.start(room)
    room = rooms.Room.load(room.state)
    try:
        yield room
    finally:
        rooms.stop(room)
        rooms.remove_users(room)


@pytest.fixture(scope="session")
def password(room: rooms.Room) -> str:
    return room.password_file.read_text().strip()


@pytest.fixture(scope="session")
def alice_and_bob(room: rooms.Room, password: str) -> tuple[Participant, Participant]:
    """Two participants with running servers, started at the same time (as in a room)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        alice, bob = pool.map(lambda name: arrive(room.local_url, name, password), ["alice", "bob"])
    return alice, bob
