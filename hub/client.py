"""A participant, driven from code: log in, start a server, open a notebook, run it in a kernel.

Why: the simulated class (:mod:`hub.load`) and the fault tests (``tests/hub``) must do what a person
in the room does, through the same doors: the hub's login form and REST API, the single-user
server's contents and sessions API, and the kernel's websocket (the channel JupyterLab itself uses to
run cells). No browser is needed for that, so twenty participants fit on a small machine.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import requests
import websocket

# What marks a chart of the book in an output: phb.charts stores every chart as a Vega-Lite spec
# under this MIME type, which the front end draws.
from hub.room import wait_until
from phb.charts.theme import LIVE_MIME as CHART_MIME


class LoginRefused(RuntimeError):
    """The hub refused the name and password."""


class CellFailed(RuntimeError):
    """A cell raised an error in the kernel (the message carries its name and value)."""


@dataclass
class Execution:
    """What one cell sent back: its outputs (display, result, stream, error) and widget updates."""

    outputs: list[dict[str, Any]] = field(default_factory=list)
    comm_updates: list[dict[str, Any]] = field(default_factory=list)
    error: dict[str, Any] | None = None
    seconds: float = 0.0

    def has_chart(self) -> bool:
        """True if an output, or a widget's updated output, holds one of the book's charts."""
        bundles = [o.get("data", {}) for o in self.outputs]
        for update in self.comm_updates:
            bundles += [o.get("data", {}) for o in update.get("state", {}).get("outputs", [])]
        return any(CHART_MIME in b for b in bundles)


class Kernel:
    """A kernel of a participant's server, driven through its websocket channel (JSON messages)."""

    def __init__(self, ws_url: str, token: str, timeout_s: float = 300.0) -> None:
        self.session_id = uuid.uuid4().hex
        self.timeout_s = timeout_s
        self.ws = websocket.create_connection(
            f"{ws_url}?session_id={self.session_id}", header=[f"Authorization: token {token}"], timeout=timeout_s
        )

    def close(self) -> None:
        self.ws.close()

    def _message(self, msg_type: str, content: dict[str, Any], channel: str = "shell") -> dict:
        return {
            "header": {
                "msg_id": uuid.uuid4().hex,
                "msg_type": msg_type,
                "username": "room",
                "session": self.session_id,
                "version": "5.3",
                "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            },
            "parent_header": {},
            "metadata": {},
            "content": content,
            "channel": channel,
            "buffers": [],
        }

    def _next_message(self, deadline: float, waiting_for: str) -> dict[str, Any]:
        """The next JSON message from the kernel's channel, or TimeoutError at ``deadline``.

        Why not ``ws.recv()`` with a socket timeout: the server pings the websocket every 30 s or
        so, and ``recv`` answers pings inside its own loop, so a reply that never comes would keep
        it waiting for ever (a CI run hung that way). Control frames come back here instead, and
        the deadline is checked between every frame.
        """
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no answer from the kernel to {waiting_for} before the deadline")
            self.ws.settimeout(remaining)
            try:
                opcode, data = self.ws.recv_data(control_frame=True)
            except websocket.WebSocketTimeoutException:
                continue
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                raise ConnectionError(f"the server closed the kernel's channel while waiting for {waiting_for}")
            if opcode in (websocket.ABNF.OPCODE_TEXT, websocket.ABNF.OPCODE_BINARY):
                return json.loads(data)

    def _replies(
        self, msg_id: str, waiting_for: str = "a cell", deadline: float | None = None
    ) -> Iterator[dict[str, Any]]:
        """Messages answering ``msg_id``, until the kernel is idle again and has replied.

        The whole exchange must finish by ``deadline`` (default: the kernel's ``timeout_s`` from
        now), however busy the channel.
        """
        deadline = time.monotonic() + self.timeout_s if deadline is None else deadline
        replied = idle = False
        while not (replied and idle):
            message = self._next_message(deadline, waiting_for)
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = message["header"]["msg_type"]
            if kind == "status" and message["content"].get("execution_state") == "idle":
                idle = True
            elif kind.endswith("_reply"):
                replied = True
            yield message

    def submit(self, code: str) -> str:
        """Send ``code`` to run as one cell without waiting for it; return the request's id."""
        request = self._message(
            "execute_request",
            {
                "code": code,
                "silent": False,
                "store_history": True,
                "user_expressions": {},
                "allow_stdin": False,
                "stop_on_error": True,
            },
        )
        self.ws.send(json.dumps(request))
        return request["header"]["msg_id"]

    def wait_started(self, msg_id: str, timeout_s: float = 60.0) -> None:
        """Return once the kernel has taken request ``msg_id`` and started running it (its
        ``execute_input`` on iopub).

        Why: a request still on its way when the kernel dies is not lost; the server can hand it to
        the restarted kernel, which then runs it (a fault test once restarted a kernel straight into
        the endless cell it had sent the old one). A fault meant for a running cell waits for this.
        """
        deadline = time.monotonic() + timeout_s
        while True:
            message = self._next_message(deadline, "the start of a cell")
            if message.get("parent_header", {}).get("msg_id") == msg_id and (
                message["header"]["msg_type"] == "execute_input"
            ):
                return

    def wait_ready(self, timeout_s: float = 120.0, try_s: float = 5.0) -> None:
        """Return once the kernel answers a ``kernel_info_request`` on both channels a cell needs:
        the reply on shell and the idle status on iopub (what JupyterLab asks first, and what
        jupyter_server's own "nudge" checks).

        On a new channel the first answers on iopub can be lost while its subscription is still being
        set up (ZeroMQ's "slow joiner"; jupyter_server nudges a kernel for the same reason), so each
        try waits ``try_s`` and asks again, until ``timeout_s``; then TimeoutError. A kernel busy with
        a cell answers only when the cell ends.
        """
        deadline = time.monotonic() + timeout_s
        while True:
            request = self._message("kernel_info_request", {})
            self.ws.send(json.dumps(request))
            try_until = min(deadline, time.monotonic() + try_s)
            try:
                for _ in self._replies(request["header"]["msg_id"], "kernel_info_request", try_until):
                    pass
                return
            except TimeoutError:
                if time.monotonic() >= deadline:
                    raise TimeoutError(
                        f"the kernel did not answer kernel_info_request on shell and iopub in {timeout_s:g} s"
                    ) from None

    def execute(self, code: str, raise_on_error: bool = True) -> Execution:
        """Run ``code`` as one cell and collect what it sends back."""
        started = time.monotonic()
        msg_id = self.submit(code)
        result = Execution()
        for message in self._replies(msg_id):
            kind, content = message["header"]["msg_type"], message["content"]
            if kind in ("display_data", "execute_result", "stream", "update_display_data"):
                result.outputs.append(content)
            elif kind == "error":
                result.error = content
            elif kind == "comm_msg" and content.get("data", {}).get("method") == "update":
                result.comm_updates.append(content["data"])
        result.seconds = time.monotonic() - started
        if result.error and raise_on_error:
            raise CellFailed(f"{result.error.get('ename')}: {result.error.get('evalue')}")
        return result


class Participant:
    """One person in the room: a name, the room's password, a browser-like session."""

    def __init__(self, base_url: str, name: str, password: str, timeout_s: float = 300.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.name = name
        self.password = password
        self.timeout_s = timeout_s
        self.http = requests.Session()
        self.token: str | None = None

    # ------------------------------------------------------------------ the hub
    def login(self) -> None:
        """Log in through the login form, as a browser does; raise LoginRefused if refused."""
        self.http.get(f"{self.base_url}/hub/login", timeout=self.timeout_s).raise_for_status()
        form = {"username": self.name, "password": self.password, "_xsrf": self.http.cookies.get("_xsrf", "")}
        response = self.http.post(
            f"{self.base_url}/hub/login?next=", data=form, allow_redirects=False, timeout=self.timeout_s
        )
        if response.status_code not in (301, 302, 303):
            raise LoginRefused(f"{self.name}: login refused (HTTP {response.status_code})")
        self.token = self._new_token()

    def _new_token(self) -> str:
        """An API token of this participant (asked for with the login cookie, as JupyterLab does)."""
        response = self.http.post(
            f"{self.base_url}/hub/api/users/{self.name}/tokens",
            json={"note": "simulated participant", "expires_in": 7200},
            headers={"X-XSRFToken": self.http.cookies.get("_xsrf", "")},
            timeout=self.timeout_s,
        )
        response.raise_for_status()
        return response.json()["token"]

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"token {self.token}"}

    def hub_api(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """A call to the hub's REST API as this participant."""
        return self.http.request(
            method, f"{self.base_url}/hub/api/{path}", headers=self.auth, timeout=self.timeout_s, **kwargs
        )

    def start_server(self) -> None:
        """Ask for a server and return when the hub reports it ready (its progress stream ends)."""
        response = self.hub_api("POST", f"users/{self.name}/server")
        if response.status_code not in (201, 202, 400):  # 400: already running
            response.raise_for_status()
        self.wait_ready()

    def wait_ready(self) -> None:
        """Follow the hub's progress events for this server until it is ready (or failed)."""
        with self.http.get(
            f"{self.base_url}/hub/api/users/{self.name}/server/progress",
            headers=self.auth,
            stream=True,
            timeout=self.timeout_s,
        ) as events:
            events.raise_for_status()
            for line in events.iter_lines(decode_unicode=True):
                if not line or not line.startswith("data:"):
                    continue
                event = json.loads(line[5:])
                if event.get("ready"):
                    return
                if event.get("failed"):
                    raise RuntimeError(f"{self.name}: server failed to start: {event.get('message')}")
        raise RuntimeError(f"{self.name}: progress stream ended before the server was ready")

    def server_running(self) -> bool:
        """True when the hub lists this participant's server as ready."""
        user = self.hub_api("GET", f"users/{self.name}").json()
        return bool(user.get("servers", {}).get("", {}).get("ready"))

    def stop_server(self) -> None:
        """Stop this participant's server and wait until the hub says it is gone."""
        response = self.hub_api("DELETE", f"users/{self.name}/server")
        if response.status_code == 202:  # stopping in the background: follow it
            wait_until(
                lambda: not self.hub_api("GET", f"users/{self.name}").json().get("servers"),
                self.timeout_s,
                interval_s=0.2,
            )

    # ------------------------------------------------------------------ the participant's server
    def server_api(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """A call to the participant's own JupyterLab server (jupyter_server REST API)."""
        return self.http.request(
            method, f"{self.base_url}/user/{self.name}/api/{path}", headers=self.auth, timeout=self.timeout_s, **kwargs
        )

    def read_notebook(self, path: str) -> dict[str, Any]:
        """The notebook at ``path`` (relative to the participant's home), as JSON."""
        response = self.server_api("GET", f"contents/{quote(path)}?content=1&type=notebook")
        response.raise_for_status()
        return response.json()["content"]

    def write_file(self, path: str, text: str) -> requests.Response:
        """Save a text file, as the editor's Save does."""
        return self.server_api(
            "PUT", f"contents/{quote(path)}", json={"type": "file", "format": "text", "content": text}
        )

    def read_file(self, path: str) -> requests.Response:
        return self.server_api("GET", f"contents/{quote(path)}?content=1&type=file&format=text")

    def open_kernel(self, notebook_path: str) -> tuple[str, Kernel]:
        """Open a notebook as JupyterLab does: a session, whose kernel runs in the notebook's folder,
        and a channel to it once the kernel answers ``kernel_info`` (JupyterLab asks that first too)."""
        response = self.server_api(
            "POST",
            "sessions",
            json={
                "path": notebook_path,
                "type": "notebook",
                "name": notebook_path.rsplit("/", 1)[-1],
                "kernel": {"name": "python3"},
            },
        )
        response.raise_for_status()
        kernel_id = response.json()["kernel"]["id"]
        return kernel_id, self.kernel_channel(kernel_id)

    def close_notebook(self, kernel_id: str) -> None:
        """End the session (and so the kernel) that ``kernel_id`` runs, as closing the notebook and
        shutting its kernel down does in JupyterLab; the next :meth:`open_kernel` starts afresh."""
        for session in self.server_api("GET", "sessions").json():
            if session.get("kernel", {}).get("id") == kernel_id:
                self.server_api("DELETE", f"sessions/{session['id']}").raise_for_status()

    def kernel_channel(self, kernel_id: str, timeout_s: float | None = None) -> Kernel:
        """A channel (websocket) to kernel ``kernel_id``, once the kernel has answered on it
        (:meth:`Kernel.wait_ready`, within ``timeout_s``; default: the participant's timeout)."""
        ws_base = self.base_url.replace("http://", "ws://").replace("https://", "wss://")
        url = f"{ws_base}/user/{self.name}/api/kernels/{kernel_id}/channels"
        kernel = Kernel(url, self.token or "", self.timeout_s)
        try:
            kernel.wait_ready(self.timeout_s if timeout_s is None else timeout_s)
        except TimeoutError:
            kernel.close()
            raise
        return kernel


def arrive(base_url: str, name: str, password: str, timeout_s: float = 300.0) -> Participant:
    """A participant logged in with a running server: the first minute of a session."""
    person = Participant(base_url, name, password, timeout_s)
    person.login()
    person.start_server()
    return person


def code_cells(notebook: dict[str, Any]) -> list[str]:
    """The source of each code cell, in order."""
    return [
        "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
        for c in notebook["cells"]
        if c["cell_type"] == "code"
    ]
