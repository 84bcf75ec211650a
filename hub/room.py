"""Start, inspect and stop a workshop room: JupyterHub in the background on the trainer's machine.

Why a launcher around ``jupyterhub``: a trainer needs one command that starts the room in the
background, prints the address and the password to write on the board, and a second command that
stops the room *and everything it started* (the proxy, every participant's JupyterLab and kernels),
so that nothing is left running after the session. Everything the room keeps (its pid, database,
cookie secret, password, log, the participants it created) lives in one state folder,
``_build/hub`` by default.

``make hub`` and ``make hub-stop`` call::

    python -m hub.room start [--ip 127.0.0.1] [--port 8100] [--state _build/hub] [--kit workshop]
    python -m hub.room stop  [--state _build/hub]
    python -m hub.room status [--state _build/hub]

The launcher never sleeps for a fixed time: it waits until the hub's REST API answers (or the hub
exits, or a deadline passes), and on stop until the processes are gone.
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import psutil
import requests

from hub import PARTICIPANT_COMMENT, cgroup, runtime

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
CONFIG_FILE = Path(__file__).with_name("jupyterhub_config.py")
PROXY_COMMAND = ROOT / "node_modules" / ".bin" / "configurable-http-proxy"

#: How long the hub may take to answer its API after starting, and to exit after SIGTERM.
START_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 60.0

#: Characters of a generated room password: no 0/O, 1/l/I, so it can be read off a board.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


class RoomError(RuntimeError):
    """The room cannot be started or stopped; the message says why and what to do."""


@dataclass
class Room:
    """Where a room keeps its state, who it serves, and the limits it applies.

    ``prefix`` is put before each participant's name to make their system user (``phb-alice``), so
    that no name typed at the login page can ever be an existing account such as ``root``; two rooms
    on one machine must use different prefixes.
    """

    state: Path = ROOT / "_build" / "hub"
    ip: str = "127.0.0.1"
    port: int = 8100
    kit: Path = ROOT / "workshop"
    homes: Path = Path("/home")
    prefix: str = "phb-"
    mem_limit: str = "2G"
    cull_timeout_s: int = 3600
    start_timeout_s: int = 300
    hub_port: int = 0
    proxy_api_port: int = 0
    participants_bin: str = ""

    # ------------------------------------------------------------------ files in the state folder
    @property
    def settings_file(self) -> Path:
        return self.state / "room.json"

    @property
    def pid_file(self) -> Path:
        return self.state / "jupyterhub.pid"

    @property
    def proxy_pid_file(self) -> Path:
        return self.state / "proxy.pid"

    @property
    def password_file(self) -> Path:
        return self.state / "password"

    @property
    def log_file(self) -> Path:
        return self.state / "jupyterhub.log"

    @property
    def users_file(self) -> Path:
        """System users this room created, one a line (appended by the spawner)."""
        return self.state / "users.txt"

    @property
    def cgroup_name(self) -> str:
        """The room's parent memory group (one per prefix, so two rooms never share one)."""
        return f"jupyterhub-{self.prefix.rstrip('-_') or 'room'}"

    @property
    def url(self) -> str:
        """The address participants type; for 0.0.0.0, this machine's first non-loopback address."""
        host = self.ip
        if host in ("0.0.0.0", ""):
            host = _first_lan_address() or "127.0.0.1"
        return f"http://{host}:{self.port}/"

    @property
    def local_url(self) -> str:
        """An address of the hub that works from this machine itself (for the API checks)."""
        host = "127.0.0.1" if self.ip in ("0.0.0.0", "") else self.ip
        return f"http://{host}:{self.port}"

    def save(self) -> None:
        """Write the settings the hub's configuration file reads (hub/jupyterhub_config.py)."""
        data = {k: str(v) if isinstance(v, Path) else v for k, v in asdict(self).items()}
        data.update(
            cgroup=self.cgroup_name,
            users_file=str(self.users_file),
            proxy_pid_file=str(self.proxy_pid_file),
            venv_bin=self.participants_bin or str(VENV_BIN),
            proxy_command=str(PROXY_COMMAND),
            password_file=str(self.password_file),
        )
        self.settings_file.write_text(json.dumps(data, indent=2))

    @classmethod
    def load(cls, state: Path) -> Room:
        """The room whose settings are saved in ``state`` (as written by :meth:`save`)."""
        settings = state / "room.json"
        if not settings.is_file():
            raise RoomError(f"no room in {state} (no room.json): start one with make hub")
        data = json.loads(settings.read_text())
        known = {f for f in cls.__dataclass_fields__}
        values = {k: v for k, v in data.items() if k in known}
        for key in ("state", "kit", "homes"):
            values[key] = Path(values[key])
        return cls(**values)


# ---------------------------------------------------------------------- small helpers
def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port free on ``host`` now (the OS picks it)."""
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _first_lan_address() -> str | None:
    """This machine's first IPv4 address that is not loopback, if any."""
    for addresses in psutil.net_if_addrs().values():
        for a in addresses:
            if a.family == socket.AF_INET and not a.address.startswith("127."):
                return a.address
    return None


def make_password(length: int = 12) -> str:
    """A random room password in groups of four, e.g. ``kq7m-x3tp-9raw``."""
    raw = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))
    return "-".join(raw[i : i + 4] for i in range(0, length, 4))


def read_pid(path: Path) -> int | None:
    """The pid in ``path`` if that process is alive, else None."""
    try:
        pid = int(path.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    return pid if psutil.pid_exists(pid) else None


def wait_until(condition: Callable[[], bool], timeout_s: float, interval_s: float = 0.1) -> bool:
    """Check ``condition`` until it holds (True) or ``timeout_s`` passes (False).

    This is waiting for a state, not a fixed sleep: it returns as soon as the condition holds.
    """
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval_s)
    return condition()


def api_answers(base_url: str) -> bool:
    """True when the hub's REST API answers with its version."""
    try:
        response = requests.get(f"{base_url}/hub/api/", timeout=2)
        return response.ok and "version" in response.json()
    except (requests.RequestException, ValueError):
        return False


# ---------------------------------------------------------------------- start
def check_can_run(room: Room) -> None:
    """Refuse, with the reason, a room that could not isolate participants or has nothing to serve."""
    if os.geteuid() != 0:
        raise RoomError(
            "make hub must run as root: each participant gets a system user of their own "
            "(that is what keeps one participant's files from another's)"
        )
    if not (room.kit / "chapters").is_dir():
        raise RoomError(f"no workshop kit in {room.kit}: run make workshop first")
    if not PROXY_COMMAND.exists():
        raise RoomError(f"{PROXY_COMMAND} is missing: run make setup (npm ci installs it)")
    if not (VENV_BIN / "jupyterhub").exists():
        raise RoomError("jupyterhub is not installed in the virtual environment: run make setup")


def start(room: Room) -> str:
    """Start the room in the background and return its URL once the hub's API answers."""
    check_can_run(room)
    room.state.mkdir(parents=True, exist_ok=True)
    os.chmod(room.state, 0o700)  # database, cookie secret and password: root only
    running = read_pid(room.pid_file)
    if running:
        saved = Room.load(room.state)
        if api_answers(saved.local_url):
            return saved.url
        raise RoomError(
            f"a hub (pid {running}) is running from {room.state} but does not answer: run make hub-stop first"
        )
    if room.port == 0:
        room.port = free_port(room.ip if room.ip not in ("0.0.0.0", "") else "127.0.0.1")
    room.participants_bin = str(runtime.participants_bin())
    room.hub_port = free_port()
    room.proxy_api_port = free_port()
    if not room.password_file.exists():
        room.password_file.write_text(os.environ.get("HUB_PASSWORD") or make_password())
        os.chmod(room.password_file, 0o600)
    room.save()
    log = room.log_file.open("ab")
    env = {
        **os.environ,
        "PHB_HUB_STATE": str(room.state),
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
    }
    hub = subprocess.Popen(
        [str(VENV_BIN / "jupyterhub"), "-f", str(CONFIG_FILE)],
        cwd=room.state,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    room.pid_file.write_text(str(hub.pid))
    ready = wait_until(lambda: hub.poll() is not None or api_answers(room.local_url), START_TIMEOUT_S)
    if hub.poll() is not None or not ready:
        tail = room.log_file.read_text(errors="replace").splitlines()[-15:]
        stop(room)
        raise RoomError(f"the hub did not start; the end of its log ({room.log_file}):\n  " + "\n  ".join(tail))
    return room.url


# ---------------------------------------------------------------------- stop
def room_users(room: Room) -> set[str]:
    """The system users this room created."""
    if not room.users_file.exists():
        return set()
    return {line.strip() for line in room.users_file.read_text().splitlines() if line.strip()}


def room_processes(room: Room) -> list[psutil.Process]:
    """Every process the room started that is still alive: hub, proxy, participants' processes."""
    pids: set[int] = set()
    for pid_file in (room.pid_file, room.proxy_pid_file):
        pid = read_pid(pid_file)
        if pid:
            pids.add(pid)
    group_root = cgroup.group_path(room.cgroup_name, "")
    if group_root is not None and group_root.is_dir():
        for group in group_root.iterdir():
            if group.is_dir():
                pids.update(cgroup.pids(group))
    uids = set()
    for name in room_users(room):
        try:
            uids.add(_uid(name))
        except KeyError:
            continue
    for proc in psutil.process_iter(["uids"]):
        try:
            if proc.info["uids"] and proc.info["uids"].real in uids:
                pids.add(proc.pid)
        except psutil.Error:
            continue
    found = []
    for pid in sorted(pids):
        try:
            found.append(psutil.Process(pid))
        except psutil.NoSuchProcess:
            continue
    return found


def _uid(name: str) -> int:
    return pwd.getpwnam(name).pw_uid


def _end(processes: Iterable[psutil.Process], timeout_s: float) -> list[psutil.Process]:
    """SIGTERM the processes, wait for them to exit, SIGKILL what remains; return those killed."""
    processes = list(processes)
    for proc in processes:
        try:
            proc.terminate()
        except psutil.NoSuchProcess:
            pass
    _, alive = psutil.wait_procs(processes, timeout=timeout_s)
    for proc in alive:
        try:
            proc.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(alive, timeout=10)
    return alive


def stop(room: Room) -> list[str]:
    """Stop the hub, then anything of the room's still running; return what had to be swept up.

    The hub itself stops the proxy, the idle culler and every single-user server when it receives
    SIGTERM. Anything left after that (a kernel orphaned by a crash, say) belongs to the room's
    system users or memory groups and is ended by pid here. Saved files are kept.
    """
    swept: list[str] = []
    hub_pid = read_pid(room.pid_file)
    if hub_pid:
        hub = psutil.Process(hub_pid)
        hub.send_signal(signal.SIGTERM)
        try:
            hub.wait(timeout=STOP_TIMEOUT_S)
        except psutil.TimeoutExpired:
            hub.kill()
            swept.append(f"hub pid {hub_pid} did not exit on SIGTERM: killed")
    leftovers = room_processes(room)
    for proc in leftovers:
        try:
            swept.append(f"pid {proc.pid} ({proc.name()}, user {proc.username()}) left running: ended")
        except psutil.Error:
            continue
    _end(leftovers, timeout_s=10)
    busy = cgroup.remove_room(room.cgroup_name)
    swept += [f"memory group {g} still holds processes" for g in busy]
    for pid_file in (room.pid_file, room.proxy_pid_file):
        pid_file.unlink(missing_ok=True)
    return swept


def status(room: Room) -> str:
    """One line: running (with URL and process count) or stopped."""
    pid = read_pid(room.pid_file)
    if pid and api_answers(room.local_url):
        return f"running: {room.url} (hub pid {pid}, {len(room_processes(room))} processes)"
    return "stopped" if not pid else f"hub pid {pid} is alive but its API does not answer"


def remove_users(room: Room) -> list[str]:
    """Delete the room's system users and their homes (for synthetic rooms: tests, load tests)."""
    removed = []
    for name in sorted(room_users(room)):
        result = subprocess.run(["userdel", "--remove", name], capture_output=True, text=True)
        if result.returncode in (0, 6):  # 6: no such user
            removed.append(name)
    room.users_file.unlink(missing_ok=True)
    return removed


def leftover_users(prefix: str) -> list[str]:
    """Participants' system users named with ``prefix`` that still exist (see :func:`synthetic_room`)."""
    return sorted(
        account.pw_name
        for account in pwd.getpwall()
        if account.pw_name.startswith(prefix) and account.pw_gecos == PARTICIPANT_COMMENT
    )


def synthetic_room(folder: Path, prefix: str, mem_limit: str = "2G") -> Room:
    """A room for simulated participants (load and fault tests) kept entirely inside ``folder``.

    Its state is private (``folder/state``, 0700) and its homes sit beside it (``folder/home``),
    since participants must reach their homes; ``folder`` is opened to them for that (0755).

    A run that was killed (a CI timeout, say) leaves its participants' system users behind, with
    homes that may have gone with the clone they lived in; a new room would reuse those accounts.
    The prefix is this kind of room's own, so any such user left over is removed first.
    """
    for name in leftover_users(prefix):
        subprocess.run(["userdel", "--remove", name], capture_output=True, text=True)
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o755)
    (folder / "home").mkdir(exist_ok=True)
    os.chmod(folder / "home", 0o755)
    return Room(
        state=folder / "state", ip="127.0.0.1", port=0, prefix=prefix, homes=folder / "home", mem_limit=mem_limit
    )


# ---------------------------------------------------------------------- command line
def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m hub.room", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("action", choices=["start", "stop", "status"])
    parser.add_argument("--state", type=Path, default=Room.state)
    parser.add_argument(
        "--ip",
        default=os.environ.get("HUB_IP") or Room.ip,
        help="address to listen on: 127.0.0.1 (this machine only) or the room "
        "network's address of this machine (0.0.0.0: every address)",
    )
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("HUB_PORT") or Room.port), help="0 picks a free port"
    )
    parser.add_argument("--kit", type=Path, default=Room.kit)
    parser.add_argument("--homes", type=Path, default=Room.homes)
    parser.add_argument("--prefix", default=Room.prefix)
    parser.add_argument("--mem-limit", default=os.environ.get("HUB_MEM_LIMIT") or Room.mem_limit)
    parser.add_argument(
        "--cull-timeout",
        type=int,
        default=Room.cull_timeout_s,
        help="seconds of inactivity after which a participant's server is stopped",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.action == "start":
            room = Room(
                state=args.state.resolve(),
                ip=args.ip,
                port=args.port,
                kit=args.kit.resolve(),
                homes=args.homes.resolve(),
                prefix=args.prefix,
                mem_limit=args.mem_limit,
                cull_timeout_s=args.cull_timeout,
            )
            url = start(room)
            room = Room.load(room.state)
            limit = (
                f"{room.mem_limit} per participant (memory control group)"
                if cgroup.available()
                else "NOT enforced (no writable memory cgroup here)"
            )
            print(
                f"The workshop room is open: {url}\n"
                f"  password: {room.password_file.read_text().strip()}  "
                f"(everyone types their own name, lower case, and this password)\n"
                f"  memory limit: {limit}; idle servers stop after {room.cull_timeout_s // 60} min\n"
                f"  log: {room.log_file}\n  stop it with: make hub-stop"
            )
        elif args.action == "stop":
            room = Room.load(args.state.resolve())
            swept = stop(room)
            for line in swept:
                print(f"hub-stop: {line}")
            left = room_processes(room)
            if left:
                print(f"hub-stop: still running: {[p.pid for p in left]}", file=sys.stderr)
                return 1
            print(f"The workshop room is stopped; participants' files are kept in {room.homes}/{room.prefix}<name>.")
        else:
            print(status(Room.load(args.state.resolve())))
    except RoomError as error:
        print(f"hub: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
