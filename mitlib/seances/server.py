"""Serve a live session: Voilà on 127.0.0.1, no code shown, nothing fetched.

:func:`start` launches Voilà on a notebook of ``notebooks/seances/`` in a
child process, with the ``mitlib`` Voilà template (the ``lab`` one without
its links to a CDN: ``mitlib/assets/jupyter``), the session's parameters in
the environment (:mod:`mitlib.seances.params`), source cells stripped and
tracebacks never sent to the browser; :func:`serve` is what ``mit seance``
runs: it prints the address, waits, and stops everything on Ctrl-C.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from mitlib.core.config import ASSETS_DIR, NOTEBOOKS_DIR
from mitlib.core.errors import ExecutionError, OptionError
from mitlib.core.text import format_fr
from mitlib.seances.params import ENV, encode_parameters

__all__ = ["SESSIONS", "SessionServer", "free_port", "serve", "start"]

#: Session → (notebook in notebooks/seances, French title).
SESSIONS = {
    "comite": ("comite.ipynb", "Séance du comité d'attribution"),
    "binomes": ("binomes.ipynb", "Atelier des binômes"),
    "diagnostic": ("diagnostic.ipynb", "Explorateur du diagnostic"),
}
#: Loopback only, unless the user asks otherwise.
DEFAULT_IP = "127.0.0.1"
#: Seconds to wait for Voilà to answer.
START_TIMEOUT = 60


def free_port(ip: str = DEFAULT_IP) -> int:
    """A TCP port free on *ip* now."""
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind((ip, 0))
        return int(s.getsockname()[1])


@dataclass
class SessionServer:
    """A running Voilà process serving one session."""

    kind: str
    url: str
    process: subprocess.Popen
    log_path: Path
    started: float = field(default_factory=time.perf_counter)

    def wait_ready(self, timeout: float = START_TIMEOUT) -> float:
        """Block until Voilà answers; seconds since the start.

        Raises
        ------
        ExecutionError
            Voilà stopped or did not answer in time (French, with the end of
            its log).
        """
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise ExecutionError(
                    "Le serveur de la séance s'est arrêté au démarrage :\n"
                    + self.log_tail()
                )
            try:
                # a static file: answering it does not start a kernel
                with urllib.request.urlopen(self.url + "voila/static/", timeout=2):
                    pass
            except urllib.error.HTTPError:
                pass  # the server answers (404, 403…): it is up
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
                continue
            return time.perf_counter() - self.started
        self.stop()
        raise ExecutionError(
            f"Le serveur de la séance n'a pas répondu en {timeout:.0f} s :\n"
            + self.log_tail()
        )

    def log_tail(self, lines: int = 15) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, timeout: float = 10) -> None:
        """Stop Voilà and its kernels (its whole process group)."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def voila_command(notebook: Path, port: int, ip: str) -> list[str]:
    """The Voilà command line of a session."""
    return [
        sys.executable,
        "-m",
        "mitlib.seances.voila_main",
        str(notebook),
        "--no-browser",
        f"--port={port}",
        f"--Voila.ip={ip}",
        "--template=mitlib",
        "--theme=light",
        "--strip_sources=True",
        "--VoilaConfiguration.show_tracebacks=False",
        # the kernel stays alive however long the meeting lasts
        "--MappingKernelManager.cull_idle_timeout=0",
    ]


def start(
    kind: str,
    *,
    port: int | None = None,
    ip: str = DEFAULT_IP,
    **params,
) -> SessionServer:
    """Start the session *kind* (:data:`SESSIONS`); returns at once (call
    :meth:`SessionServer.wait_ready`).

    *params* are the session's parameters (:mod:`mitlib.seances.params`).
    """
    if kind not in SESSIONS:
        raise OptionError(
            f"Séance « {kind} » inconnue : {', '.join(SESSIONS)} sont possibles."
        )
    notebook = NOTEBOOKS_DIR / "seances" / SESSIONS[kind][0]
    port = port or free_port(ip)
    env = dict(os.environ)
    env[ENV] = encode_parameters(**params)
    shared = str(ASSETS_DIR / "jupyter")
    env["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (shared, env.get("JUPYTER_PATH", "")) if p
    )
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    log = Path(tempfile.mkstemp(prefix=f"mitlib-seance-{kind}-", suffix=".log")[1])
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(
            voila_command(notebook, port, ip),
            cwd=notebook.parent,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # one group: Voilà and its kernels
        )
    host = f"[{ip}]" if ":" in ip else ip
    return SessionServer(kind, f"http://{host}:{port}/", process, log)


def _say(message: str) -> None:
    print(message, flush=True)


def serve(
    kind: str, *, port: int | None = None, ip: str = DEFAULT_IP, say=_say, **params
) -> int:
    """Serve *kind* until Ctrl-C (what ``mit seance`` runs); exit code 0."""
    title = SESSIONS.get(kind, ("", kind))[1]
    server = start(kind, port=port, ip=ip, **params)
    try:
        seconds = server.wait_ready()
        say(
            f"Séance « {title} » prête en {format_fr(seconds, 1)} s : {server.url}\n"
            "Ouvrez cette adresse dans un navigateur de cet ordinateur. "
            "Ctrl-C pour arrêter la séance."
        )
        if ip not in (DEFAULT_IP, "localhost", "::1"):
            say(
                f"Attention : la séance écoute sur {ip}, d'autres ordinateurs du "
                "réseau peuvent l'ouvrir."
            )
        while server.process.poll() is None:
            time.sleep(0.5)
        raise ExecutionError(
            "Le serveur de la séance s'est arrêté :\n" + server.log_tail()
        )
    except KeyboardInterrupt:
        say("Arrêt de la séance…")
        return 0
    finally:
        server.stop()
        with contextlib.suppress(OSError):
            server.log_path.unlink()
        if server.process.returncode is not None:
            say("Séance arrêtée.")
