"""A simulated class: N participants at once against a room on 127.0.0.1, measured.

Why: a trainer needs to know, before the day, whether their machine holds the room. Each simulated
participant does what a person does at the start of a session, through the same interfaces
(:mod:`hub.client`): logs in, starts their server, opens chapter 7's student copy, runs it cell by
cell in the kernel, then moves the uptake explorer (``Explorer.set``, which is what a slider's
change calls) and waits for the widget to redraw its chart.

Per round of N it reports: time from login to a running server, time from login to the first chart
output, time to run the whole notebook, time for the explorer to redraw after a move (median and
95th percentile of each), memory per participant (resident memory of their server and kernel,
summed, while every participant's kernel is alive), CPU seconds per participant, and failures.

Bounded: at most :data:`MAX_PARTICIPANTS` per round, each round under a deadline; the room is its
own (state ``_build/hub-load``, system users ``phbload-…``, all removed afterwards) and listens on
127.0.0.1 only. ``make hub-load`` runs N = 5, 10, 20 and writes the table to benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import pwd
import statistics
import sys
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from hub import room as rooms
from hub.client import Participant, code_cells

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "chapters/07_how_many_would_take_a_budget.ipynb"
MAX_PARTICIPANTS = 40
ROUND_DEADLINE_S = 900.0
HEADING = "## Workshop room on JupyterHub (make hub-load)"
#: What the simulated participant types after running the chapter: show the explorer, move it.
SHOW_EXPLORER = "ex = uptake_explorer(scenario)\ndisplay(ex)"
MOVE_EXPLORER = "ex.set(share_aware=0.5)"
#: Memory kept back for the system, the hub and the proxy when sizing a machine.
RESERVE_GIB = 2.0
MIB = 1024 * 1024


@dataclass
class Outcome:
    """What one simulated participant measured (seconds from the start of their login)."""

    name: str
    server_s: float = math.nan
    first_chart_s: float = math.nan
    notebook_s: float = math.nan
    move_s: float = math.nan
    rss_mib: float = math.nan
    cpu_s: float = math.nan
    error: str = ""


@dataclass
class Round:
    """One round: N participants started together."""

    n: int
    outcomes: list[Outcome] = field(default_factory=list)
    wall_s: float = 0.0
    hub_rss_mib: float = 0.0

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.error]


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100) by linear interpolation between closest ranks."""
    data = sorted(v for v in values if not math.isnan(v))
    if not data:
        return math.nan
    rank = (len(data) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return data[low] + (data[high] - data[low]) * (rank - low)


def user_usage(system_user: str) -> tuple[float, float]:
    """Resident memory (MiB) and CPU seconds of every process run by ``system_user``."""
    uid = pwd.getpwnam(system_user).pw_uid
    rss = cpu = 0.0
    for proc in psutil.process_iter(["uids"]):
        try:
            if proc.info["uids"] and proc.info["uids"].real == uid:
                rss += proc.memory_info().rss
                times = proc.cpu_times()
                cpu += times.user + times.system + times.children_user + times.children_system
        except psutil.Error:
            continue
    return rss / MIB, cpu


def simulate(
    base_url: str,
    password: str,
    name: str,
    prefix: str,
    start: threading.Barrier,
    measured: threading.Barrier,
    outcome: Outcome,
) -> None:
    """One participant's session; fills ``outcome``. Waits at ``measured`` so memory is taken
    while every participant's kernel is alive."""
    kernel = None
    participant = Participant(base_url, name, password)
    try:
        start.wait()
        t0 = time.monotonic()
        participant.login()
        participant.start_server()
        outcome.server_s = time.monotonic() - t0
        notebook = participant.read_notebook(NOTEBOOK)
        _, kernel = participant.open_kernel(NOTEBOOK)
        for code in code_cells(notebook):
            if kernel.execute(code).has_chart() and math.isnan(outcome.first_chart_s):
                outcome.first_chart_s = time.monotonic() - t0
        outcome.notebook_s = time.monotonic() - t0
        kernel.execute(SHOW_EXPLORER)
        move = kernel.execute(MOVE_EXPLORER)
        if not move.has_chart():
            raise RuntimeError("the explorer did not redraw its chart after a move")
        outcome.move_s = move.seconds
        if math.isnan(outcome.first_chart_s):
            raise RuntimeError(f"{NOTEBOOK} produced no chart")
    except Exception as error:  # a failure is counted and reported, not raised
        outcome.error = f"{type(error).__name__}: {error}"
        traceback.print_exc(file=sys.stderr)
    finally:
        try:
            measured.wait(timeout=ROUND_DEADLINE_S)
        except threading.BrokenBarrierError:
            pass
        if not outcome.error:
            outcome.rss_mib, outcome.cpu_s = user_usage(prefix + name)
        try:
            measured.wait(timeout=ROUND_DEADLINE_S)  # nobody stops until everyone is measured
        except threading.BrokenBarrierError:
            pass
        if kernel is not None:
            kernel.close()
        try:
            participant.stop_server()
        except Exception:  # noqa: BLE001 (the hub stopping cleans up anyway)
            pass


def run_round(room: rooms.Room, n: int) -> Round:
    """N participants at once; returns their outcomes."""
    password = room.password_file.read_text().strip()
    names = [f"n{n:02d}-s{i:02d}" for i in range(1, n + 1)]
    start, measured = threading.Barrier(n), threading.Barrier(n)
    result = Round(n, [Outcome(name) for name in names])
    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=n) as pool:
        futures = [
            pool.submit(simulate, room.local_url, password, o.name, room.prefix, start, measured, o)
            for o in result.outcomes
        ]
        done, pending = wait(futures, timeout=ROUND_DEADLINE_S)
        for future in pending:
            future.cancel()
        for outcome, future in zip(result.outcomes, futures):
            if future in pending and not outcome.error:
                outcome.error = f"not finished within {ROUND_DEADLINE_S:.0f} s"
    result.wall_s = time.monotonic() - began
    result.hub_rss_mib = sum(p.memory_info().rss for p in rooms.room_processes(room) if p.username() == "root") / MIB
    return result


# ---------------------------------------------------------------------- the report
def fmt(seconds: float) -> str:
    return "–" if math.isnan(seconds) else f"{seconds:.1f} s"


def round_rows(rounds: list[Round]) -> list[str]:
    """The table: one row per N."""
    rows = [
        "| N | failures | running server, median / p95 | first chart, median / p95 | "
        "whole notebook, median / p95 | explorer redraw, median / p95 | memory per participant, "
        "median / max | CPU per participant, median | round wall time |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rounds:

        def col(attr: str, outcomes=r.outcomes) -> list:
            return [getattr(x, attr) for x in outcomes]

        rss = [v for v in col("rss_mib") if not math.isnan(v)]
        rows.append(
            f"| {r.n} | {len(r.failures)} | {fmt(statistics.median(col('server_s')))} / "
            f"{fmt(percentile(col('server_s'), 95))} | {fmt(statistics.median(col('first_chart_s')))} / "
            f"{fmt(percentile(col('first_chart_s'), 95))} | {fmt(statistics.median(col('notebook_s')))} / "
            f"{fmt(percentile(col('notebook_s'), 95))} | {fmt(statistics.median(col('move_s')))} / "
            f"{fmt(percentile(col('move_s'), 95))} | "
            + (f"{statistics.median(rss):.0f} / {max(rss):.0f} MiB" if rss else "–")
            + f" | {fmt(percentile(col('cpu_s'), 50))} | {fmt(r.wall_s)} |"
        )
    return rows


def capacity_rows(rounds: list[Round]) -> list[str]:
    """What the measurements imply for machines of a given memory and number of cores."""
    measured = [r for r in rounds if not r.failures]
    if not measured:
        return ["No round without failures: no capacity estimate."]
    mem = max(max(o.rss_mib for o in r.outcomes) for r in measured) / 1024  # GiB, worst participant
    cpu = statistics.median(o.cpu_s for r in measured for o in r.outcomes)
    lines = [
        f"Sizing from these rounds: a participant running chapter 7 holds up to **{mem:.2f} GiB** "
        f"(the worst participant: server and kernel), and starting (server, kernel, the whole "
        f"chapter) takes about **{cpu:.0f} CPU seconds**. Keeping {RESERVE_GIB:.0f} GiB for the "
        "system, the hub and the proxy, the table gives how many participants, each with one "
        "notebook open, a machine's memory holds, and roughly how long the last of 30 "
        "participants who all press Run All at the same moment waits (30 × CPU seconds ÷ cores: "
        "CPU time alone, on a machine doing nothing else).",
        "",
        "| machine | participants its memory holds | 30 starting at once: the last waits about |",
        "|---|---|---|",
    ]
    for gib, cores in ((8, 4), (16, 8), (24, 2), (32, 8), (64, 16)):
        holds = int((gib - RESERVE_GIB) / mem) if mem > 0 else 0
        lines.append(f"| {gib} GiB, {cores} cores | {holds} | {30 * cpu / cores:.0f} s |")
    lines += [
        "",
        "Memory is the hard limit (the room's per-participant limit stops one runaway "
        "kernel from taking the rest); cores set how long a simultaneous start takes. Resident "
        "memory counts the shared libraries once per process, so it overstates a little what "
        "each extra participant adds. Kernels left idle use no CPU, so a class that starts in "
        "waves (a table at a time) needs fewer cores than the table suggests.",
    ]
    return lines


def section(rounds: list[Round], command: str, shared: bool) -> list[str]:
    """The RESULTS.md section for these rounds."""
    machine = f"{platform.machine()}, {os.cpu_count()} cores, {psutil.virtual_memory().total / 1024**3:.0f} GiB"
    lines = [
        HEADING,
        "",
        f"Command: `{command}`, run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on "
        f"{machine}"
        + (
            ", **shared with other engineers' builds and tests at the time** (load "
            f"average {os.getloadavg()[0]:.0f} at the end of the run; timings are an "
            "upper bound for a machine of its own)"
            if shared
            else ""
        )
        + ". Each round starts N simulated participants at the same instant on a room on "
        "127.0.0.1 (hub.load): log in, start a JupyterLab server (first login: a new system "
        "user with a copy of the kit), open chapter 7's student copy, run every code cell "
        "through the kernel's websocket, then show the uptake explorer and move it "
        "(`ex.set(share_aware=0.5)`, what a slider change calls) until the widget redraws "
        "its chart. Times are from the start of the login; memory is the resident memory of "
        "the participant's processes (server and kernel) while every kernel is alive.",
        "",
    ]
    lines += round_rows(rounds)
    hub = max((r.hub_rss_mib for r in rounds), default=0)
    lines += ["", f"The hub, proxy and idle culler together: {hub:.0f} MiB at most.", ""]
    lines += capacity_rows(rounds)
    failures = [f"- N={r.n}, {o.name}: {o.error}" for r in rounds for o in r.failures]
    if failures:
        lines += ["", "Failures:", *failures]
    return lines


def write_section(results: Path, lines: list[str]) -> None:
    """Replace (or add, before "Goals missed") this section of RESULTS.md, keeping the others."""
    text = results.read_text() if results.exists() else "# Benchmark results\n"
    kept, skipping = [], False
    for line in text.splitlines():
        if line.startswith("## "):
            skipping = line.strip() == HEADING
        if not skipping:
            kept.append(line)
    at = next((i for i, line in enumerate(kept) if line.startswith("## Goals missed")), len(kept))
    new = kept[:at] + lines + [""] + kept[at:]
    results.write_text("\n".join(new).rstrip("\n") + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m hub.load", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, nargs="+", default=[5, 10, 20])
    parser.add_argument("--results", type=Path, default=None, help="RESULTS.md to write the table to")
    parser.add_argument(
        "--state",
        type=Path,
        default=ROOT / "_build" / "hub-load",
        help="folder for the room's state and its participants' homes",
    )
    parser.add_argument(
        "--shared", action="store_true", help="say in RESULTS.md that the machine was shared during the run"
    )
    args = parser.parse_args(argv)
    if any(n < 1 or n > MAX_PARTICIPANTS for n in args.n):
        parser.error(f"each N must be between 1 and {MAX_PARTICIPANTS}")
    room = rooms.synthetic_room(args.state.resolve(), prefix="phbload-", mem_limit="2G")
    rounds: list[Round] = []
    try:
        print(f"hub-load: room at {rooms.start(room)}", file=sys.stderr)
        room = rooms.Room.load(room.state)
        for n in args.n:
            print(f"hub-load: {n} participants at once", file=sys.stderr)
            rounds.append(run_round(room, n))
            print("\n".join(round_rows(rounds[-1:])), file=sys.stderr)
    finally:
        rooms.stop(room)
        rooms.remove_users(room)
    command = "make hub-load" if args.n == [5, 10, 20] else f"make hub-load HUB_LOAD_N='{' '.join(map(str, args.n))}'"
    lines = section(rounds, command + (" HUB_LOAD_FLAGS=--shared" if args.shared else ""), args.shared)
    print("\n".join(lines))
    if args.results:
        write_section(args.results, lines)
    return 1 if any(r.failures for r in rounds) else 0


if __name__ == "__main__":
    raise SystemExit(main())
