"""JupyterHub configuration of the workshop room (read by ``jupyterhub -f hub/jupyterhub_config.py``).

Started by :mod:`hub.room`, which writes the room's settings to ``$PHB_HUB_STATE/room.json``; this
file turns them into JupyterHub's configuration. What it sets, and why:

- login: one shared room password (SharedPasswordAuthenticator, JupyterHub 5+), each participant
  typing their own name, so a room needs no accounts made in advance; names are restricted to a
  short lower-case pattern because each becomes a system user;
- each participant's JupyterLab runs as their own system user with a private home holding a copy of
  the workshop kit (:class:`hub.spawner.RoomSpawner`), under a memory limit;
- idle servers are stopped by jupyterhub-idle-culler, run by the hub as a service;
- the proxy is configurable-http-proxy from the book's locked npm packages; every port but the
  public one is chosen free at start and bound to 127.0.0.1.
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(os.environ.get("PHB_HUB_ROOT", Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(ROOT))  # so that `hub.spawner` imports when the hub reads this file

settings = json.loads((Path(os.environ["PHB_HUB_STATE"]) / "room.json").read_text())
state = Path(settings["state"])
venv_bin = Path(settings["venv_bin"])

c = get_config()  # noqa: F821 (defined by JupyterHub when it reads this file)

# ---------------------------------------------------------------- where the room listens and keeps state
c.JupyterHub.bind_url = f"http://{settings['ip']}:{settings['port']}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = settings["hub_port"]
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(state / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True  # the hub stopping stops every participant's server
c.JupyterHub.cleanup_proxy = True

c.ConfigurableHTTPProxy.command = [settings["proxy_command"]]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings['proxy_api_port']}"
c.ConfigurableHTTPProxy.pid_file = settings["proxy_pid_file"]
c.ConfigurableHTTPProxy.should_start = True

# ---------------------------------------------------------------- login: a shared password, per-name users
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = Path(settings["password_file"]).read_text().strip()
c.Authenticator.allow_all = True
# Lower-case letters, digits, '-' and '_', starting with a letter: each name becomes a system user.
c.Authenticator.username_pattern = r"^[a-z][a-z0-9_-]{0,19}$"

# ---------------------------------------------------------------- participants' servers
c.JupyterHub.spawner_class = "hub.spawner.RoomSpawner"
c.RoomSpawner.user_prefix = settings["prefix"]
c.RoomSpawner.homes = settings["homes"]
c.RoomSpawner.kit = settings["kit"]
c.RoomSpawner.room = settings["cgroup"]
c.RoomSpawner.users_file = settings["users_file"]
c.Spawner.cmd = [str(venv_bin / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.mem_limit = settings["mem_limit"]
c.Spawner.environment = {"PATH": f"{venv_bin}:/usr/local/bin:/usr/bin:/bin"}
# A room on a shared or small machine: twenty JupyterLabs starting at once take a while.
c.Spawner.start_timeout = settings["start_timeout_s"]
c.Spawner.http_timeout = settings["start_timeout_s"]
c.JupyterHub.concurrent_spawn_limit = 200

# ---------------------------------------------------------------- idle servers are stopped
c.JupyterHub.services = [
    {
        "name": "idle-culler",
        "command": [
            sys.executable,
            "-m",
            "jupyterhub_idle_culler",
            f"--timeout={settings['cull_timeout_s']}",
            "--cull-every=60",
        ],
    }
]
c.JupyterHub.load_roles = [
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }
]
