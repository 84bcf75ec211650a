"""The room's spawner: each participant's JupyterLab runs as a system user of their own.

Why separate system users: the hub runs as root, so LocalProcessSpawner can start each participant's
server as another Unix user. Their home is theirs alone (mode 0700), so neither a participant nor
code in their kernel can read or change another participant's files: the operating system refuses.

What this adds to LocalProcessSpawner:

- the system user is the room's prefix plus the name typed at login (``phb-alice`` for ``alice``),
  so a participant can never be spawned as an existing account (``root``, ``postgres``), and it is
  created on the first login (``useradd``), with a private home holding a copy of the workshop kit;
- the memory limit (``Spawner.mem_limit``) is enforced with a memory control group around the server
  and every kernel it starts (LocalProcessSpawner itself only passes the number on);
- when a server stops, anything still in its group (a kernel orphaned by a crash) is ended too.
"""

from __future__ import annotations

import asyncio
import json
import os
import pwd
import shutil
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner
from traitlets import Unicode

from hub import PARTICIPANT_COMMENT, cgroup

#: JupyterLab settings each new home starts with: never ask to fetch news from the internet (a room
#: fetches nothing from another host), and start a notebook's kernel without asking which (every
#: chapter uses the one Python kernel): two questions fewer to interrupt a class.
_USER_SETTINGS = ".jupyter/lab/user-settings/@jupyterlab"
LAB_SETTINGS = {
    f"{_USER_SETTINGS}/apputils-extension/notification.jupyterlab-settings": json.dumps(
        {"fetchNews": "false", "checkForUpdates": False}
    ),
    f"{_USER_SETTINGS}/notebook-extension/tracker.jupyterlab-settings": json.dumps({"autoStartDefaultKernel": True}),
}

#: What each participant's home receives from the kit on first login (not the zip, not the marker).
KIT_ITEMS = ("README.md", "chapters", "data", "phb", "widgets", "pyproject.toml", "requirements.txt", "references.bib")


class RoomSpawner(LocalProcessSpawner):
    """LocalProcessSpawner with per-participant system users, a private copy of the kit, memory groups."""

    user_prefix = Unicode("phb-", config=True, help="put before a login name to make the system user")
    homes = Unicode("/home", config=True, help="folder in which participants' homes are created")
    kit = Unicode("", config=True, help="the workshop kit (make workshop output) copied to new homes")
    room = Unicode("jupyterhub-room", config=True, help="the room's parent memory group")
    users_file = Unicode("", config=True, help="file listing the system users this room created")

    @property
    def system_user(self) -> str:
        """The Unix account this participant's server runs as."""
        return f"{self.user_prefix}{self.user.name}"

    # ------------------------------------------------------------------ the participant's account
    def ensure_account(self) -> pwd.struct_passwd:
        """Create the participant's system user and private home on first login; return it."""
        try:
            return pwd.getpwnam(self.system_user)
        except KeyError:
            pass
        home = Path(self.homes) / self.system_user
        subprocess.run(
            [
                "useradd",
                "--create-home",
                "--home-dir",
                str(home),
                "--user-group",
                "--shell",
                "/usr/sbin/nologin",
                "--comment",
                PARTICIPANT_COMMENT,
                self.system_user,
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        if self.users_file:
            with open(self.users_file, "a") as listing:
                listing.write(self.system_user + "\n")
        account = pwd.getpwnam(self.system_user)
        os.chmod(account.pw_dir, 0o700)
        self.log.info("Created system user %s for %s", self.system_user, self.user.name)
        return account

    def copy_kit(self, account: pwd.struct_passwd) -> None:
        """Give a new home its own copy of the kit, owned by the participant; never overwrite work."""
        home = Path(account.pw_dir)
        if not self.kit or (home / "chapters").exists():
            return
        for item in KIT_ITEMS:
            source = Path(self.kit) / item
            target = home / item
            if source.is_dir():
                shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
            elif source.is_file():
                shutil.copy2(source, target)
        for relative, text in LAB_SETTINGS.items():
            (home / relative).parent.mkdir(parents=True, exist_ok=True)
            (home / relative).write_text(text)
        for path in [home, *home.rglob("*")]:
            os.chown(path, account.pw_uid, account.pw_gid, follow_symlinks=False)

    def prepare_account(self) -> pwd.struct_passwd:
        """Account, kit and memory group, ready for the server to start."""
        account = self.ensure_account()
        self.copy_kit(account)
        limit = int(self.mem_limit) if self.mem_limit else 0
        self._group = cgroup.prepare(self.room, self.system_user, limit) if limit else None
        if limit and self._group is None:
            self.log.warning("No writable memory cgroup: %s's memory limit is not enforced", self.user.name)
        return account

    # ------------------------------------------------------------------ LocalProcessSpawner, by system user
    def make_preexec_fn(self, name: str) -> Callable[[], None]:
        """Join the participant's memory group (while still root), then become their system user."""
        become_user = super().make_preexec_fn(self.system_user)
        group = getattr(self, "_group", None)

        def preexec() -> None:
            if group is not None:
                cgroup.join(group)
            become_user()

        return preexec

    def user_env(self, env: dict[str, str]) -> dict[str, str]:
        """USER, HOME and SHELL of the system user (not of the login name)."""
        account = pwd.getpwnam(self.system_user)
        env.update(USER=self.system_user, HOME=account.pw_dir, SHELL=account.pw_shell or "/bin/sh")
        return env

    async def move_certs(self, paths: dict[str, str]) -> dict[str, str]:  # internal SSL is off
        return paths

    async def start(self) -> tuple[str, int]:
        """Prepare the account off the hub's event loop, then start the server as that user."""
        await asyncio.to_thread(self.prepare_account)
        return await super().start()

    async def stop(self, now: bool = False) -> None:
        """Stop the server, then end whatever it left in its memory group (orphaned kernels)."""
        await super().stop(now=now)
        group = getattr(self, "_group", None) or cgroup.group_path(self.room, self.system_user)
        if group is None:
            return
        for pid in cgroup.pids(group):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                continue
