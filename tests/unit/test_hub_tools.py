"""The workshop room's pure parts, without a hub: the load report and the room's settings."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from hub import load
from hub import room as rooms


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
