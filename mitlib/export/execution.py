"""Headless execution of the notebooks, with bounded waits.

:func:`execute_notebook` runs a notebook top to bottom (papermill parameters
injected into the cell tagged ``parameters``) and returns it executed; nothing
is written. It runs in a fresh kernel, or in a :class:`WarmKernel` that runs
several notebooks in turn: an export pays the kernel's start and its imports
(pandas, geopandas, folium: most of a small notebook's time) once per worker
instead of once per page. Before each notebook but the first, the warm kernel's
namespace is emptied (``%reset -f``); the modules stay imported.

No wait can stall an export. Every wait has a bound, and reaching one raises
:class:`~mitlib.core.errors.ExecutionError` with a French message naming the
notebook and the cell:

- kernel start-up: :data:`STARTUP_TIMEOUT`;
- one cell: :data:`CELL_TIMEOUT`; the whole notebook: :data:`NOTEBOOK_TIMEOUT`
  (the last cells get only what is left of it);
- outputs still expected after a cell's reply: :data:`IOPUB_TIMEOUT`.

Why a stall could happen (issue 8): when a cell displays into an ipywidgets
``Output`` widget (the explorers of notebooks 01 to 03 do), nbclient mimics the
front end and writes a ``comm_msg`` back to the kernel on the shell socket
while it is awaiting the cell's ``execute_reply`` on that same asyncio ZeroMQ
socket. The write can consume the socket's edge-triggered wake-up: the reply
is there but nobody is woken, and the client sleeps until its poll times out
(the cell timeout, 600 s then: exports of ten minutes instead of one, with no
error). Two guards, each enough alone: the mimic no longer writes to the
kernel (:class:`SilentOutputWidget`; the kernel side of an Output widget has
no use for it headless) and the channels poll in short slices
(:class:`_SlicedChannel`), so a lost wake-up costs at most
:data:`POLL_SLICE` seconds.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from pathlib import Path
from queue import Empty

import nbformat
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.channels import AsyncZMQSocketChannel
from jupyter_core.utils import run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient.output_widget import OutputWidget
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.log import logger
from traitlets import Type

from mitlib.core.errors import ExecutionError

_ANSI = re.compile(r"\x1b\[[0-9;]*m")

__all__ = [
    "CELL_TIMEOUT",
    "IOPUB_TIMEOUT",
    "NOTEBOOK_TIMEOUT",
    "POLL_SLICE",
    "STARTUP_TIMEOUT",
    "WarmKernel",
    "execute_notebook",
]

#: Seconds a single cell may run (the slowest takes a few seconds).
CELL_TIMEOUT = 180
#: Seconds the whole notebook may run (the slowest takes well under a minute).
NOTEBOOK_TIMEOUT = 600
#: Seconds to wait for a new kernel to answer.
STARTUP_TIMEOUT = 60
#: Seconds to wait for a cell's last outputs once the kernel has replied.
IOPUB_TIMEOUT = 30
#: Longest single sleep on a kernel socket, in seconds.
POLL_SLICE = 0.5

_ENGINE = "mitlib-borne"


class _SlicedChannel(AsyncZMQSocketChannel):
    """A kernel channel that never sleeps more than :data:`POLL_SLICE` at once.

    After each slice pyzmq polls the socket for real, so a message whose
    wake-up was lost is picked up at the next slice instead of at the caller's
    timeout (or never, for a wait without timeout).
    """

    async def get_msg(self, timeout: float | None = None) -> dict:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = POLL_SLICE if deadline is None else deadline - time.monotonic()
            step = max(1, int(1000 * min(POLL_SLICE, left)))
            if await self.socket.poll(step):
                return await self._recv()
            if deadline is not None and time.monotonic() >= deadline:
                raise Empty


class SlicedKernelClient(AsyncKernelClient):
    """The asynchronous kernel client with sliced polling on every channel."""

    shell_channel_class = Type(_SlicedChannel)
    iopub_channel_class = Type(_SlicedChannel)
    stdin_channel_class = Type(_SlicedChannel)
    control_channel_class = Type(_SlicedChannel)


class SilentOutputWidget(OutputWidget):
    """nbclient's Output widget mimic, minus its replies to the kernel.

    Outputs still go into the widget (and out of the cell) exactly as in a
    browser; only the state echo on the shell socket, the write that raced the
    cell's reply, is dropped.
    """

    def sync_state(self) -> None:
        pass


def _quiet_kernel_manager(log):
    """A kernel manager class whose kernel writes its stderr to ``log``.

    ipykernel prints transport warnings and, at shutdown, interrupt messages
    on its stderr: they would drown the export's French progress lines. Its
    client is :class:`SlicedKernelClient`.
    """
    from jupyter_client.manager import AsyncKernelManager

    class QuietKernelManager(AsyncKernelManager):
        client_factory = Type(SlicedKernelClient)

        async def _async_start_kernel(self, **kw):
            kw.setdefault("stderr", log)
            await super()._async_start_kernel(**kw)

        start_kernel = _async_start_kernel

    return QuietKernelManager


def _cell_label(nb: nbformat.NotebookNode, index: int) -> str:
    """« cellule n° 14 sur 16 (« first line ») », numbered as in the notebook
    file (the cell papermill injects is not counted)."""
    cells = [
        (i, c)
        for i, c in enumerate(nb.cells)
        if "injected-parameters" not in c.metadata.get("tags", [])
    ]
    number = next((n for n, (i, _) in enumerate(cells, 1) if i == index), index + 1)
    first = next(
        (
            line.strip()
            for line in nb.cells[index].source.splitlines()
            if line.strip() and not line.startswith("#")
        ),
        "",
    )
    first = first if len(first) <= 60 else first[:57] + "…"
    label = f"cellule n° {number} sur {len(cells)}"
    return f"{label} (« {first} »)" if first else label


class _BoundedClient(PapermillNotebookClient):
    """Papermill's notebook client with a whole-notebook deadline, the silent
    Output widget mimic, and French errors for every exceeded bound."""

    def __init__(self, nb_man, *, notebook_name: str, warm=None, **kw):
        super().__init__(nb_man, km=None if warm is None else warm.manager, **kw)
        self.notebook_name = notebook_name
        self.warm = warm
        if warm is not None:
            self.kc = warm.client  # None for the first notebook
        self.deadline = time.monotonic() + NOTEBOOK_TIMEOUT
        self.widget_registry = {
            "@jupyter-widgets/output": {"OutputModel": SilentOutputWidget}
        }
        self.timeout_func = self._cell_timeout

    def execute(self, **kwargs):
        try:
            return super().execute(**kwargs)
        except TimeoutError as error:  # papermill's final kernel_info request
            raise ExecutionError(
                f"{self.notebook_name} : toutes les cellules ont été exécutées "
                f"mais le noyau Python n'a plus répondu en {CELL_TIMEOUT} s. "
                "Relancez ; si cela se reproduit, signalez-le à l'équipe mitlib."
            ) from error
        finally:
            if self.warm is not None:  # the kernel and its client live on
                self.warm.runs += 1
                self.warm.client = self.kc

    def papermill_execute_cells(self):
        if self.warm is not None and self.warm.runs:
            self._reset_namespace()
        super().papermill_execute_cells()

    def _reset_namespace(self) -> None:
        """Empty the warm kernel's namespace left by the previous notebook."""
        msg_id = self.kc.execute(_RESET, silent=True, store_history=False)
        reply = self.wait_for_reply(msg_id)
        if reply is None or reply["content"]["status"] != "ok":
            raise RuntimeError(
                f"{self.notebook_name} : le noyau réutilisé n'a pas pu être remis "
                "à zéro avant le notebook. Signalez-le à l'équipe mitlib."
            )

    def _cell_timeout(self, _cell) -> int:
        left = int(self.deadline - time.monotonic())
        return max(1, min(CELL_TIMEOUT, left))

    async def async_start_new_kernel_client(self):
        try:
            return await super().async_start_new_kernel_client()
        except RuntimeError as error:  # "Kernel didn't respond in 60 seconds"…
            raise ExecutionError(
                f"{self.notebook_name} : le noyau Python n'a pas démarré "
                f"(pas de réponse en {STARTUP_TIMEOUT} s). Fermez les autres "
                "notebooks ou exports en cours, puis relancez. Détail : "
                f"{error}"
            ) from error

    # the synchronous names are bound to nbclient's own coroutines: rebind
    start_new_kernel_client = run_sync(async_start_new_kernel_client)

    async def async_execute_cell(self, cell, cell_index, *args, **kwargs):
        started = time.monotonic()
        try:
            return await super().async_execute_cell(cell, cell_index, *args, **kwargs)
        except CellTimeoutError as error:
            where = f"{self.notebook_name}, {_cell_label(self.nb, cell_index)}"
            if "IOPub" in str(error):
                message = (
                    f"{where} : le noyau a fini la cellule mais ses sorties ne "
                    f"sont pas arrivées en {IOPUB_TIMEOUT} s. Relancez l'export ; "
                    "si cela se reproduit, signalez-le à l'équipe mitlib."
                )
            elif started + CELL_TIMEOUT > self.deadline:
                message = (
                    f"{where} : le notebook a dépassé sa durée maximale "
                    f"({NOTEBOOK_TIMEOUT} s au total). Vérifiez la taille des "
                    "tables d'entrée, puis relancez l'export."
                )
            else:
                message = (
                    f"{where} : la cellule n'a pas terminé en {CELL_TIMEOUT} s. "
                    "Vérifiez la taille des tables d'entrée (bien plus grandes "
                    "que l'exemple ?), puis relancez l'export."
                )
            raise ExecutionError(message) from error
        except DeadKernelError as error:
            raise ExecutionError(
                f"{self.notebook_name}, {_cell_label(self.nb, cell_index)} : le "
                "noyau Python s'est arrêté en cours de cellule (mémoire "
                "insuffisante ?). Fermez d'autres programmes, puis relancez."
            ) from error

    execute_cell = run_sync(async_execute_cell)


class _BoundedEngine(NBClientEngine):
    """Papermill engine running :class:`_BoundedClient`."""

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man,
        kernel_name,
        *,
        notebook_name,
        kernel_manager_class,
        warm=None,
        **_ignored,
    ):
        return _BoundedClient(
            nb_man,
            notebook_name=notebook_name,
            warm=warm,
            kernel_name=kernel_name,
            kernel_manager_class=kernel_manager_class,
            timeout=CELL_TIMEOUT,
            startup_timeout=STARTUP_TIMEOUT,
            iopub_timeout=IOPUB_TIMEOUT,
            raise_on_iopub_timeout=True,
            log=logger,
        ).execute()


papermill_engines.register(_ENGINE, _BoundedEngine)

#: Run silently in a warm kernel before each notebook but the first.
_RESET = "get_ipython().run_line_magic('reset', '-f')"


class WarmKernel:
    """A kernel that runs several notebooks of one folder, one after the other.

    Use it as a context manager (the kernel stops on exit), and pass it to
    :func:`execute_notebook`. The kernel starts with the first notebook, in
    that notebook's folder. A notebook run in a warm kernel gives the same
    outputs as in a fresh one as long as it changes no module state (mitlib's
    caches hand out copies: see :func:`mitlib.data.territory.load_territory`).

    Examples
    --------
    >>> with WarmKernel() as kernel:  # doctest: +SKIP
    ...     first = execute_notebook("notebooks/01_diagnostic_territorial.ipynb",
    ...                              kernel=kernel)
    ...     fiche = execute_notebook("notebooks/04_fiche_territoire.ipynb",
    ...                              {"epci": "200023307"}, kernel=kernel)
    """

    def __init__(self) -> None:
        import tempfile

        # closed by close(), when the kernel stops
        self.log = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        self.manager = _quiet_kernel_manager(self.log)(kernel_name="python3")
        self.client = None
        self.folder: Path | None = None
        self.runs = 0

    def close(self) -> None:
        """Stop the kernel (at once: no notebook is running)."""
        try:
            if self.client is not None:
                self.client.stop_channels()
            if self.manager.has_kernel:
                run_sync(self.manager.shutdown_kernel)(now=True)
        finally:
            self.log.close()

    def __enter__(self) -> WarmKernel:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


def execute_notebook(
    path: Path | str,
    parameters: Mapping[str, object] | None = None,
    *,
    kernel: WarmKernel | None = None,
) -> nbformat.NotebookNode:
    """Run a notebook top to bottom with papermill; nothing is written.

    The notebook runs in its own folder with the ``python3`` kernel of the
    current environment (a fresh one, or ``kernel``); parameters replace the
    cell tagged ``parameters``. The kernel's own stderr is kept aside and
    shown only if execution fails. Every wait is bounded (see the module's
    docstring): a cell, the notebook or the kernel start-up taking too long
    raises :class:`~mitlib.core.errors.ExecutionError` in French.
    """
    import tempfile

    path = Path(path)
    if kernel is None:
        with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
            return _execute(path, parameters, log, None)
    if kernel.folder is None:
        kernel.folder = path.parent.resolve()
    elif kernel.folder != path.parent.resolve():
        raise ValueError(f"Noyau réutilisé dans {kernel.folder}, pas {path.parent}")
    return _execute(path, parameters, kernel.log, kernel)


def _execute(path: Path, parameters, log, warm) -> nbformat.NotebookNode:
    import papermill

    try:
        return papermill.execute_notebook(
            str(path),
            None,
            parameters=dict(parameters or {}),
            engine_name=_ENGINE,
            kernel_name="python3",
            cwd=str(path.parent),
            progress_bar=False,
            log_output=False,
            notebook_name=path.name,
            kernel_manager_class=_quiet_kernel_manager(log),
            warm=warm,
        )
    except papermill.PapermillExecutionError as error:
        raise _cell_error(error, path.name) from None
    except Exception as error:
        log.seek(0)
        tail = log.read()[-2000:].strip()
        if tail:
            error.add_note(f"Sortie d'erreur du noyau ({path.name}) :\n{tail}")
        raise


def _user_error_names() -> set[str]:
    """Names of mitlib's user-error classes (a cell raising one of them met a
    user's mistake, not a bug)."""
    import mitlib.binomes.matching  # noqa: F401
    import mitlib.candidatures.grid  # noqa: F401 - defines error subclasses
    import mitlib.data.decoding  # noqa: F401
    import mitlib.data.territory  # noqa: F401
    from mitlib.core.errors import MitError

    names, todo = set(), [MitError]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo += cls.__subclasses__()
    return names


def _cell_error(error, notebook: str) -> Exception:
    """A picklable exception for a cell that raised.

    A user's mistake met inside the notebook (a
    :class:`~mitlib.core.errors.MitError`, e.g. a grid key out of range) becomes
    an :class:`~mitlib.core.errors.InputError` with its French
    message; anything else is a bug: a ``RuntimeError`` carrying the
    kernel's traceback, shown by ``mit`` with how to report it.
    """
    from mitlib.core.errors import InputError

    where = f"{notebook}, cellule n° {error.cell_index + 1}"
    if error.ename in _user_error_names():
        return InputError(f"{where} : {error.evalue}")
    trace = _ANSI.sub("", "\n".join(error.traceback or []))
    return RuntimeError(
        f"{where} : {error.ename} : {error.evalue}\nTrace du noyau :\n{trace}"
    )
