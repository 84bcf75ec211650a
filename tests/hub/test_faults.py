"""Faults a workshop room must survive, tested on a real room (see conftest.py).

- one participant's kernel dying mid-run is restarted, and nobody else's kernel notices;
- a participant cannot read or change another participant's files;
- a wrong password is refused;
- a participant's runaway memory is stopped at their limit, not at the machine's;
- the hub restarted (make hub-stop, make hub) keeps every participant's saved work, and stopping
  it leaves no process of the room behind.
"""

from __future__ import annotations

import os
import pwd
import stat
from collections.abc import Callable

import psutil
import pytest

from hub import cgroup
from hub import room as rooms
from hub.client import Kernel, LoginRefused, Participant, arrive

NOTEBOOK = "chapters/07_how_many_would_take_a_budget.ipynb"


def kernel_process(system_user: str, kernel_id: str) -> psutil.Process:
    """The process of a kernel, found by its owner and the connection file named after its id."""
    uid = pwd.getpwnam(system_user).pw_uid
    for proc in psutil.process_iter(["uids", "cmdline"]):
        if (
            proc.info["uids"]
            and proc.info["uids"].real == uid
            and any(kernel_id in part for part in proc.info["cmdline"] or [])
        ):
            return proc
    raise LookupError(f"no kernel {kernel_id} of {system_user}")


def wait_for_new_kernel(system_user: str, kernel_id: str, old_pid: int, timeout_s: float = 120):
    """The restarted kernel's process, once the server has started a new one for the same id."""
    found: list[psutil.Process] = []

    def restarted() -> bool:
        try:
            found.append(kernel_process(system_user, kernel_id))
        except LookupError:
            return False
        return found[-1].pid != old_pid

    if rooms.wait_until(restarted, timeout_s, interval_s=0.2):
        return found[-1]
    raise TimeoutError(f"kernel {kernel_id} of {system_user} was not restarted in {timeout_s} s")


def test_wrong_password_is_refused(room: rooms.Room, password: str) -> None:
    with pytest.raises(LoginRefused):
        Participant(room.local_url, "mallory", password + "x").login()
    with pytest.raises(LoginRefused):
        Participant(room.local_url, "mallory", "").login()
    Participant(room.local_url, "mallory", password).login()  # the right one is let in


def test_a_name_that_is_not_allowed_is_refused(room: rooms.Room, password: str) -> None:
    """Names become system users: 'root' is only ever phbtest-root, odd names are refused."""
    with pytest.raises(LoginRefused):
        Participant(room.local_url, "../etc", password).login()
    with pytest.raises(LoginRefused):
        Participant(room.local_url, "x" * 40, password).login()


def test_participants_cannot_read_or_change_each_others_files(
    room: rooms.Room, alice_and_bob: tuple[Participant, Participant]
) -> None:
    alice, bob = alice_and_bob
    assert alice.write_file("notes.txt", "alice's notes").ok
    alice_home = pwd.getpwnam(room.prefix + "alice").pw_dir
    mode = os.stat(alice_home)
    assert stat.S_IMODE(mode.st_mode) == 0o700
    assert mode.st_uid == pwd.getpwnam(room.prefix + "alice").pw_uid
    _, kernel = bob.open_kernel(NOTEBOOK)
    try:
        target = os.path.join(alice_home, "notes.txt")
        attempts = {
            "read": f"open({target!r}).read()",
            "write": f"open({target!r}, 'a').write('bob was here')",
            "create": f"open({os.path.join(alice_home, 'bob.txt')!r}, 'w').write('x')",
            "list": f"import os; os.listdir({alice_home!r})",
            "notebook": f"open({os.path.join(alice_home, NOTEBOOK)!r}).read()",
        }
        for what, code in attempts.items():
            result = kernel.execute(code, raise_on_error=False)
            assert result.error and result.error["ename"] == "PermissionError", what
    finally:
        kernel.close()
    assert alice.read_file("notes.txt").json()["content"] == "alice's notes"
    # Bob's own server will not serve Alice's files either, nor Alice's token reach Bob's server.
    outside = f"contents/../{room.prefix}alice/notes.txt"
    assert bob.server_api("GET", outside).status_code >= 400
    response = alice.http.get(
        f"{room.local_url}/user/bob/api/contents", headers=alice.auth, allow_redirects=False, timeout=60
    )
    assert response.status_code in (302, 403, 404)


def only_alices_kernel_restarts(
    room: rooms.Room, alice: Participant, bob: Participant, fault: Callable[[Kernel, psutil.Process], None]
) -> None:
    """Apply ``fault`` to Alice's kernel while Bob's holds state; Alice's must come back as a new,
    working kernel of hers, and Bob's must be the same process with its state, still answering."""
    alice_id, alice_kernel = alice.open_kernel(NOTEBOOK)
    bob_id, bob_kernel = bob.open_kernel(NOTEBOOK)
    try:
        bob_kernel.execute("from phb.models import uptake\nkept = uptake.evaluate(**uptake.scenario())")
        bob_pid = kernel_process(room.prefix + bob.name, bob_id).pid
        alice_kernel.execute("x = 1")
        old = kernel_process(room.prefix + alice.name, alice_id)
        fault(alice_kernel, old)
        restarted = wait_for_new_kernel(room.prefix + alice.name, alice_id, old.pid)
        assert restarted.username() == room.prefix + alice.name
        fresh = alice.kernel_channel(alice_id, timeout_s=120)  # a new channel, as JupyterLab opens
        try:
            result = fresh.execute("'x' in globals(), 6 * 7")
            assert result.outputs[-1]["data"]["text/plain"] == "(False, 42)"  # new, and working
        finally:
            fresh.close()
        assert kernel_process(room.prefix + bob.name, bob_id).pid == bob_pid
        assert bob_kernel.execute("len(kept) > 0").outputs[-1]["data"]["text/plain"] == "True"
        assert alice.server_running() and bob.server_running()
    finally:
        alice_kernel.close()
        bob_kernel.close()
        alice.close_notebook(alice_id)  # the next test starts new kernels, not these
        bob.close_notebook(bob_id)


def test_a_killed_kernel_restarts_without_touching_another(
    room: rooms.Room, alice_and_bob: tuple[Participant, Participant]
) -> None:
    def kill_mid_run(kernel: Kernel, process: psutil.Process) -> None:
        # A cell that never ends, killed once it runs (not on its way: the new kernel would run it).
        kernel.wait_started(kernel.submit("import threading\nthreading.Event().wait()"))
        process.kill()

    only_alices_kernel_restarts(room, *alice_and_bob, kill_mid_run)


@pytest.mark.skipif(not cgroup.available(), reason="no writable memory cgroup: limits not enforced here")
def test_memory_beyond_the_limit_stops_only_that_kernel(
    room: rooms.Room, alice_and_bob: tuple[Participant, Participant]
) -> None:
    def run_away(kernel: Kernel, process: psutil.Process) -> None:
        # 1.5 GiB touched page by page, above the room's 1 GiB limit: the kernel is OOM-killed.
        kernel.submit("b = bytearray(1536 * 2**20)\nb[::4096] = b'1' * len(b[::4096])")

    only_alices_kernel_restarts(room, *alice_and_bob, run_away)


def test_restarting_the_hub_keeps_saved_work(
    room: rooms.Room, password: str, alice_and_bob: tuple[Participant, Participant]
) -> None:
    gina = alice_and_bob[0]
    notebook = gina.read_notebook(NOTEBOOK)
    notebook["cells"].append({"cell_type": "markdown", "metadata": {}, "source": "Gina's answer"})
    saved = gina.server_api(
        "PUT", f"contents/{NOTEBOOK}", json={"type": "notebook", "format": "json", "content": notebook}
    )
    assert saved.ok
    assert gina.write_file("answers.txt", "three concerns").ok

    swept = rooms.stop(room)
    assert rooms.room_processes(room) == [], "the room left processes running"
    assert not [line for line in swept if "hub pid" in line], swept  # the hub exited on SIGTERM
    rooms.start(room)

    again = arrive(room.local_url, gina.name, password)
    assert again.read_file("answers.txt").json()["content"] == "three concerns"
    cells = again.read_notebook(NOTEBOOK)["cells"]
    assert "".join(cells[-1]["source"]) == "Gina's answer"
