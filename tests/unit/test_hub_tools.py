"""The workshop room's pure parts, without a hub: the load report, the room's settings, and how the
kernel client waits (on a fake channel)."""

from __future__ import annotations

import json
import math
import pwd
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import websocket

from hub import PARTICIPANT_COMMENT, load
from hub import room as rooms
from hub.client import Kernel


def test_percentile_interpolates_between_ranks_and_ignores_missing() -> None:
    assert load.percentile([1.0, 2.0, 3.0, 4.0, 5.0], 50) == 3.0
    assert load.percentile([0.0, 10.0], 95) == pytest.approx(9.5)
    assert load.percentile([math.nan, 4.0], 95) == 4.0
    assert math.isnan(load.percentile([], 95))


def test_the_section_replaces_its_old_self_and_sits_before_goals(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    results.write_text(
        "# Benchmark results\n\n## Book build\n\nbuild table\n\n"
        f"{load.HEADING}\n\nold table\n\n## Goals missed\n\nNone.\n"
    )
    load.write_section(results, [load.HEADING, "", "new table"])
    text = results.read_text()
    assert "old table" not in text and "new table" in text and "build table" in text
    assert text.index("new table") < text.index("## Goals missed")
    assert text.count(load.HEADING) == 1


def test_a_round_with_a_failure_reports_it_and_gives_no_capacity() -> None:
    failed = load.Round(
        2, [load.Outcome("a", 1.0, 2.0, 3.0, 0.1, 400.0, 9.0), load.Outcome("b", error="TimeoutError: no server")]
    )
    lines = load.section([failed], "make hub-load", shared=False)
    row = next(line for line in lines if line.startswith("| 2 |"))
    assert row.split("|")[2].strip() == "1"
    assert "No round without failures" in "\n".join(lines)
    assert any("TimeoutError" in line for line in lines)


def test_capacity_follows_memory_per_participant() -> None:
    ok = load.Round(5, [load.Outcome(f"s{i}", 1, 2, 3, 0.1, 512.0, 10.0) for i in range(5)])
    rows = {
        r.split("|")[1].strip(): r.split("|")[2].strip()
        for r in load.capacity_rows([ok])
        if r.startswith("| ") and "GiB," in r
    }
    assert rows["8 GiB, 4 cores"] == str(int((8 - load.RESERVE_GIB) / 0.5))


def test_room_passwords_are_long_enough_and_readable_off_a_board() -> None:
    password = rooms.make_password()
    assert re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", password)
    assert not set(password) & set("01lIoO")


def test_room_settings_survive_a_save_and_load(tmp_path: Path) -> None:
    room = rooms.Room(state=tmp_path, ip="0.0.0.0", port=8123, prefix="phbx-", mem_limit="1G")
    room.save()
    again = rooms.Room.load(tmp_path)
    assert (again.ip, again.port, again.prefix, again.mem_limit) == ("0.0.0.0", 8123, "phbx-", "1G")
    assert again.local_url == "http://127.0.0.1:8123"
    with pytest.raises(rooms.RoomError, match="make hub"):
        rooms.Room.load(tmp_path / "nothing")


class FakeChannel:
    """A kernel's websocket as :class:`hub.client.Kernel` reads it: frames queued by the test, and
    pings (as the server sends every 30 s) whenever the queue is empty."""

    def __init__(self, answer: Callable[[dict], list[dict]]) -> None:
        self.answer = answer  # what the kernel sends back for a request
        self.frames: list[tuple[int, bytes]] = []
        self.sent: list[dict] = []

    def settimeout(self, seconds: float) -> None:
        assert seconds > 0

    def send(self, text: str) -> None:
        request = json.loads(text)
        self.sent.append(request)
        for message in self.answer(request):
            self.frames.append((websocket.ABNF.OPCODE_TEXT, json.dumps(message).encode()))

    def recv_data(self, control_frame: bool = False) -> tuple[int, bytes]:
        assert control_frame, "pings must come back to the caller, or a silent kernel hangs it"
        return self.frames.pop(0) if self.frames else (websocket.ABNF.OPCODE_PING, b"")


def kernel_over(channel: FakeChannel, timeout_s: float) -> Kernel:
    kernel = Kernel.__new__(Kernel)
    kernel.session_id, kernel.timeout_s, kernel.ws = "test", timeout_s, channel
    return kernel


def reply(request: dict, msg_type: str, content: dict) -> dict:
    return {"header": {"msg_type": msg_type}, "parent_header": request["header"], "content": content}


def test_a_cell_whose_reply_never_comes_times_out_although_the_server_keeps_pinging() -> None:
    kernel = kernel_over(FakeChannel(lambda request: []), timeout_s=0.3)
    with pytest.raises(TimeoutError, match="a cell"):
        kernel.execute("1 + 1")


def test_a_cell_is_answered_among_other_traffic() -> None:
    def kernel_side(request: dict) -> list[dict]:
        other = {"header": {"msg_id": "x"}}
        return [
            reply(other, "status", {"execution_state": "busy"}),
            reply(request, "execute_result", {"data": {"text/plain": "2"}}),
            reply(request, "execute_reply", {"status": "ok"}),
            reply(request, "status", {"execution_state": "idle"}),
        ]

    result = kernel_over(FakeChannel(kernel_side), timeout_s=5).execute("1 + 1")
    assert result.outputs == [{"data": {"text/plain": "2"}}] and result.error is None


def test_a_new_channel_asks_the_kernel_again_until_it_answers() -> None:
    def deaf_at_first(request: dict) -> list[dict]:
        asked = sum(r["header"]["msg_type"] == "kernel_info_request" for r in channel.sent)
        answer = [reply(request, "kernel_info_reply", {}), reply(request, "status", {"execution_state": "idle"})]
        return answer if asked >= 3 else []

    channel = FakeChannel(deaf_at_first)
    kernel_over(channel, timeout_s=5).wait_ready(timeout_s=5, try_s=0.05)
    assert len(channel.sent) == 3
    with pytest.raises(TimeoutError, match="kernel_info_request"):
        kernel_over(FakeChannel(lambda request: []), timeout_s=5).wait_ready(timeout_s=0.2, try_s=0.05)


def test_leftover_participants_are_found_by_prefix_and_comment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A killed test run leaves its participants' accounts; a new room removes those and no other."""

    def account(name: str, comment: str) -> pwd.struct_passwd:
        return pwd.struct_passwd((name, "x", 1001, 1001, comment, f"/gone/{name}", "/usr/sbin/nologin"))

    accounts = [
        account("phbtest-alice", PARTICIPANT_COMMENT),
        account("phbtest-admin", "someone else's account"),
        account("phb-alice", PARTICIPANT_COMMENT),  # a real room's participant
        account("root", "root"),
    ]
    monkeypatch.setattr(pwd, "getpwall", lambda: accounts)
    assert rooms.leftover_users("phbtest-") == ["phbtest-alice"]


def test_a_fault_for_a_running_cell_waits_until_the_cell_runs() -> None:
    def kernel_side(request: dict) -> list[dict]:
        return [reply(request, "status", {"execution_state": "busy"}), reply(request, "execute_input", {})]

    kernel = kernel_over(FakeChannel(kernel_side), timeout_s=5)
    kernel.wait_started(kernel.submit("import threading\nthreading.Event().wait()"))
    silent = kernel_over(FakeChannel(lambda request: []), timeout_s=5)
    with pytest.raises(TimeoutError, match="the start of a cell"):
        silent.wait_started(silent.submit("1"), timeout_s=0.2)
