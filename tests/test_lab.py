"""JupyterLab check: the server of ``make lab`` starts and runs every notebook.

The server is the one ``make lab`` starts (the ``lab`` recipe of the Makefile,
with the ``jupyter`` of the current environment), listening on 127.0.0.1 only,
with a random token and temporary configuration, data and runtime folders: the
user's own Jupyter files are neither read nor written.

Each numbered notebook of ``notebooks/`` is then run the way JupyterLab runs
it: a session is opened through the REST API (``POST /api/sessions``) with the
kernel spec the notebook declares, and its code cells are sent over the
kernel's WebSocket (``/api/kernels/<id>/channels``); any error output fails
the test with the cell and its traceback. Each notebook runs with its own
defaults, as a user of ``make lab`` runs it (interactive maps and widgets).
The static mode (``statique = True``, injected by papermill) is what ``mit
exporter`` runs: the export tests execute every notebook that way, so it is
not run a second time here (it kept ``make test`` over 5 minutes).

JupyterLab is a development dependency: if it is missing the tests fail (they
are never skipped).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
NUMBERED = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))

START_TIMEOUT = 60  # seconds for the server to answer /api/status
KERNEL_TIMEOUT = 60  # seconds for a kernel to become idle
CELL_TIMEOUT = 600  # seconds for one cell
MISSING_LAB = (
    "JupyterLab absent de l'environnement ({path}) : installez les dépendances "
    'de développement (make install, ou pip install -e ".[dev]")'
)

# Talk to 127.0.0.1 directly, whatever http_proxy says.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def lab_command() -> list[str]:
    """The ``make lab`` command, with the ``jupyter`` of this environment.

    The Makefile recipe is ``$(VENV)/bin/jupyter lab notebooks/ $(LAB_ROOT)``:
    its literal arguments are kept, its executable is taken next to the running Python
    (the same file under ``make test``, and also right in a conda env).
    """
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(r"^lab:.*\n\t(.+)$", makefile, flags=re.MULTILINE)
    if match is None:
        pytest.fail("Cible « lab » introuvable dans le Makefile")
    # make variables ($(LAB_ROOT): --allow-root as root) are set below
    argv = [a for a in shlex.split(match.group(1)) if not re.fullmatch(r"\$\(\w+\)", a)]
    if len(argv) < 2 or not argv[0].endswith("/jupyter") or argv[1] != "lab":
        pytest.fail(f"La cible « lab » ne lance plus « jupyter lab » : {argv}")
    jupyter = Path(sys.executable).parent / "jupyter"
    lab = Path(sys.executable).parent / "jupyter-lab"
    if not (jupyter.exists() and lab.exists()):
        pytest.fail(MISSING_LAB.format(path=lab))
    return [str(jupyter), *argv[1:]]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def declared_kernel(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return nb.metadata["kernelspec"]["name"]


class Lab:
    """A running JupyterLab server: REST calls and kernel channels."""

    def __init__(self, proc: subprocess.Popen, port: int, token: str, log: Path):
        self.proc = proc
        self.url = f"http://127.0.0.1:{port}"
        self.ws_url = f"ws://127.0.0.1:{port}"
        self.token = token
        self.log = log

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def request(self, method: str, path: str, body=None, timeout: float = 30):
        """(HTTP status, decoded JSON or text) of one REST call with the token."""
        req = urllib.request.Request(
            self.url + path,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={
                "Authorization": f"token {self.token}",
                "Content-Type": "application/json",
            },
        )
        try:
            with _OPENER.open(req, timeout=timeout) as resp:
                status, raw = resp.status, resp.read()
        except urllib.error.HTTPError as err:
            status, raw = err.code, err.read()
        is_json = raw[:1] in (b"{", b"[")
        return status, json.loads(raw) if is_json else raw.decode(errors="replace")

    def api(self, method: str, path: str, body=None):
        status, data = self.request(method, path, body)
        assert 200 <= status < 300, f"{method} {path} : HTTP {status} {data}"
        return data

    def wait_ready(self) -> dict:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(
                    f"Le serveur JupyterLab s'est arrêté (code {self.proc.returncode})"
                    f" :\n{self.log_tail()}"
                )
            try:
                status, data = self.request("GET", "/api/status", timeout=2)
            except OSError:
                status = None
            if status == 200:
                return data
            time.sleep(0.25)
        pytest.fail(
            f"JupyterLab ne répond pas après {START_TIMEOUT} s :\n{self.log_tail()}"
        )

    def wait_idle(self, kernel_id: str) -> dict:
        deadline = time.monotonic() + KERNEL_TIMEOUT
        model = {}
        while time.monotonic() < deadline:
            model = self.api("GET", f"/api/kernels/{kernel_id}")
            if model["execution_state"] == "idle":
                return model
            if model["execution_state"] == "dead":
                break
            time.sleep(0.25)
        pytest.fail(
            f"Le noyau {kernel_id} n'est pas prêt : {model.get('execution_state')}"
            f"\n{self.log_tail()}"
        )

    def shutdown_kernels(self) -> None:
        with contextlib.suppress(OSError, AssertionError):
            for kernel in self.api("GET", "/api/kernels"):
                self.request("DELETE", f"/api/kernels/{kernel['id']}")

    @contextlib.contextmanager
    def channels(self, kernel_id: str):
        """The kernel's WebSocket, as JupyterLab opens it."""
        import websocket  # websocket-client, a dependency of jupyter_server

        session = uuid.uuid4().hex
        ws = websocket.create_connection(
            f"{self.ws_url}/api/kernels/{kernel_id}/channels?session_id={session}",
            header=[f"Authorization: token {self.token}"],
            timeout=CELL_TIMEOUT,
            http_no_proxy=["127.0.0.1"],
        )
        try:
            yield Channels(ws, session)
        finally:
            ws.close()


def _decode(raw: str | bytes) -> dict:
    """A kernel message from the WebSocket (JSON, or binary with buffers)."""
    if isinstance(raw, bytes):  # 4-byte count, offsets, then the JSON part
        count = int.from_bytes(raw[:4], "big")
        offsets = [
            int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(count)
        ]
        raw = raw[offsets[0] : offsets[1] if count > 1 else None].decode()
    return json.loads(raw)


class Channels:
    """Shell and IOPub of one kernel over the server's WebSocket."""

    def __init__(self, ws, session: str):
        self.ws = ws
        self.session = session

    def send(self, msg_type: str, content: dict) -> str:
        msg_id = uuid.uuid4().hex
        self.ws.send(
            json.dumps(
                {
                    "header": {
                        "msg_id": msg_id,
                        "msg_type": msg_type,
                        "username": "test_lab",
                        "session": self.session,
                        "date": "",
                        "version": "5.3",
                    },
                    "parent_header": {},
                    "metadata": {},
                    "content": content,
                    "channel": "shell",
                    "buffers": [],
                }
            )
        )
        return msg_id

    def replies(self, msg_id: str, reply_type: str):
        """Messages answering ``msg_id`` until its reply and the kernel idle."""
        replied = idle = False
        while not (replied and idle):
            msg = _decode(self.ws.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["header"]["msg_type"]
            if kind == reply_type:
                replied = True
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                idle = True
            yield msg

    def kernel_info(self) -> dict:
        msg_id = self.send("kernel_info_request", {})
        return next(
            m["content"]
            for m in self.replies(msg_id, "kernel_info_reply")
            if m["header"]["msg_type"] == "kernel_info_reply"
        )

    def execute(self, code: str) -> tuple[str, list[str]]:
        """Run ``code``; return (stdout, errors), errors as French text."""
        msg_id = self.send(
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
        stdout, errors = [], []
        for msg in self.replies(msg_id, "execute_reply"):
            kind, content = msg["header"]["msg_type"], msg["content"]
            if kind == "stream" and content["name"] == "stdout":
                stdout.append(content["text"])
            elif kind == "error":
                trace = "\n".join(content.get("traceback", []))
                trace = re.sub(r"\x1b\[[0-9;]*m", "", trace)  # ANSI colours
                errors.append(f"{content['ename']}: {content['evalue']}\n{trace}")
            elif kind == "execute_reply" and content["status"] != "ok" and not errors:
                errors.append(f"réponse {content['status']} : {content}")
        return "".join(stdout), errors


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Lab:
    """``make lab``'s server on a free local port, stopped even on failure."""
    command = lab_command()
    home = tmp_path_factory.mktemp("jupyter")
    env = dict(os.environ)
    for var, sub in [
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTER_DATA_DIR", "data"),
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("JUPYTERLAB_SETTINGS_DIR", "lab/user-settings"),
        ("JUPYTERLAB_WORKSPACES_DIR", "lab/workspaces"),
        ("IPYTHONDIR", "ipython"),
    ]:
        (home / sub).mkdir(parents=True)
        env[var] = str(home / sub)
    token = secrets.token_hex(24)
    env["JUPYTER_TOKEN"] = token  # not on the command line, not in `ps`
    env.pop("JUPYTER_PREFER_ENV_PATH", None)
    port = free_port()
    log = home / "serveur.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                *command,
                "--no-browser",
                "--ServerApp.ip=127.0.0.1",
                f"--ServerApp.port={port}",
                "--ServerApp.port_retries=0",
                # `make lab` refuses to run as root (containers, CI) without it
                *(["--allow-root"] if os.geteuid() == 0 else []),
            ],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Lab(proc, port, token, log)
    try:
        server.wait_ready()
        yield server
    finally:
        if proc.poll() is None:
            server.shutdown_kernels()
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


def test_numbered_notebooks_exist():
    assert NUMBERED, f"aucun notebook numéroté dans {NOTEBOOKS}"


def test_server_is_jupyterlab_on_the_notebooks_folder(lab):
    status = lab.api("GET", "/api/status")
    assert status["started"]
    status_code, page = lab.request("GET", "/lab")
    assert status_code == 200 and "JupyterLab" in page
    # Without the token, nothing is served.
    anonymous = urllib.request.Request(lab.url + "/api/contents")
    with pytest.raises(urllib.error.HTTPError) as refused:
        _OPENER.open(anonymous, timeout=10)
    assert refused.value.code == 403


def test_kernelspecs_include_the_notebooks_kernel(lab):
    specs = lab.api("GET", "/api/kernelspecs")["kernelspecs"]
    for path in NUMBERED:
        assert declared_kernel(path) in specs, (path.name, sorted(specs))


def test_contents_lists_the_numbered_notebooks(lab):
    listing = lab.api("GET", "/api/contents")
    notebooks = {i["name"] for i in listing["content"] if i["type"] == "notebook"}
    assert {p.name for p in NUMBERED} <= notebooks
    first = lab.api("GET", f"/api/contents/{NUMBERED[0].name}")
    assert first["type"] == "notebook" and first["content"]["cells"]


def test_kernel_starts_idle_runs_this_environment_and_stops(lab):
    name = declared_kernel(NUMBERED[0])
    kernel = lab.api("POST", "/api/kernels", {"name": name, "path": NUMBERED[0].name})
    try:
        with lab.channels(kernel["id"]) as channels:
            # As in JupyterLab: the kernel is "starting" until a client asks it.
            assert channels.kernel_info()["status"] == "ok"
            model = lab.wait_idle(kernel["id"])
            assert model["name"] == name and model["connections"] == 1
            stdout, errors = channels.execute(
                "import os, sys, mitlib\n"
                "print(sys.prefix, os.getcwd(), mitlib.__file__, sep='\\n')"
            )
        assert errors == []
        prefix, cwd, mitlib_file = stdout.splitlines()
        assert Path(prefix).resolve() == Path(sys.prefix).resolve()
        assert Path(cwd).resolve() == NOTEBOOKS.resolve()
        assert Path(mitlib_file).resolve().is_relative_to(ROOT / "mitlib")
    finally:
        lab.request("DELETE", f"/api/kernels/{kernel['id']}")
    status, _ = lab.request("GET", f"/api/kernels/{kernel['id']}")
    assert status == 404
    assert kernel["id"] not in {k["id"] for k in lab.api("GET", "/api/kernels")}


def parameterized(path: Path, mode: str) -> nbformat.NotebookNode:
    """The notebook as papermill runs it: its own defaults in interactive
    mode (nothing injected), ``statique = True`` injected in static mode."""
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    nb = load_notebook_node(str(path))
    if mode == "interactif":
        return nb
    assert has_static_parameter(path), f"{path.name} : pas de paramètre statique"
    return parameterize_notebook(nb, {"statique": True})


def has_static_parameter(path: Path) -> bool:
    """Whether the cell tagged ``parameters`` defines ``statique``."""
    nb = nbformat.read(path, as_version=4)
    return any(
        "parameters" in cell.metadata.get("tags", [])
        and re.search(r"^statique\s*=", cell.source, flags=re.MULTILINE)
        for cell in nb.cells
    )


def cases():
    for path in NUMBERED:
        assert has_static_parameter(path), f"{path.name} : pas de paramètre statique"
        yield pytest.param(path, "interactif", id=f"{path.stem}-interactif")


@pytest.mark.parametrize(("path", "mode"), list(cases()))
def test_notebook_runs_through_the_lab_server(lab, path, mode):
    nb = parameterized(path, mode)
    session = lab.api(
        "POST",
        "/api/sessions",
        {
            "path": path.name,
            "name": path.name,
            "type": "notebook",
            "kernel": {"name": nb.metadata["kernelspec"]["name"]},
        },
    )
    try:
        with lab.channels(session["kernel"]["id"]) as channels:
            assert channels.kernel_info()["status"] == "ok"
            lab.wait_idle(session["kernel"]["id"])
            for number, cell in enumerate(nb.cells):
                if cell.cell_type != "code" or not cell.source.strip():
                    continue
                _, errors = channels.execute(cell.source)
                assert not errors, (
                    f"{path.name} ({mode}), cellule {number} :\n{cell.source}\n\n"
                    + "\n".join(errors)
                )
    finally:
        lab.request("DELETE", f"/api/sessions/{session['id']}")
