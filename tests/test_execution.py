"""Tests of mitlib.export.execution: headless runs are bounded and never stall."""

from __future__ import annotations

import asyncio
import time
from queue import Empty

import nbformat
import pytest

import mitlib.export.execution as execution
from mitlib.core.config import PROJECT_ROOT
from mitlib.core.errors import ExecutionError, InputError
from mitlib.export.execution import execute_notebook

#: Displays into four Output widgets, as the explorers do: with nbclient's
#: stock client this cell waited for its whole timeout before finishing.
OUTPUT_WIDGETS = """\
import ipywidgets as w
from IPython.display import HTML, display

outs = [w.Output() for _ in range(4)]
for o in outs:
    o.clear_output(wait=True)
    with o:
        display(HTML("x" * 200_000))
w.VBox(outs)"""


def _notebook(tmp_path, *sources, name="essai.ipynb"):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata.kernelspec = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = tmp_path / name
    nbformat.write(nb, path)
    return path


def test_cell_over_its_time_limit_fails_fast_in_french(tmp_path, monkeypatch):
    monkeypatch.setattr(execution, "CELL_TIMEOUT", 2)
    path = _notebook(tmp_path, "x = 1", "import time\ntime.sleep(60)")
    started = time.monotonic()
    with pytest.raises(ExecutionError) as caught:
        execute_notebook(path)
    assert time.monotonic() - started < 25
    message = str(caught.value)
    assert message.startswith("essai.ipynb, cellule n° 2 sur 2 (« import time »)")
    assert "n'a pas terminé en 2 s" in message and "relancez" in message
    assert caught.value.exit_code == 5


def test_notebook_over_its_total_time_fails_fast(tmp_path, monkeypatch):
    monkeypatch.setattr(execution, "NOTEBOOK_TIMEOUT", 3)
    path = _notebook(
        tmp_path,
        "import time\ntime.sleep(2)",
        "time.sleep(2)",
        "time.sleep(60)",
    )
    started = time.monotonic()
    with pytest.raises(ExecutionError, match="durée maximale"):
        execute_notebook(path)
    assert time.monotonic() - started < 25


def test_input_fails_at_once_instead_of_waiting_for_a_user(tmp_path):
    path = _notebook(tmp_path, "input('Votre nom ? ')")
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="StdinNotImplemented"):
        execute_notebook(path)
    assert time.monotonic() - started < 25


def test_a_users_mistake_in_a_cell_is_a_french_input_error(tmp_path):
    path = _notebook(
        tmp_path,
        "x = 1",
        "from mitlib.core.errors import OptionError\n"
        "raise OptionError('tirages : 10 n\\'est pas accepté (de 100 à 100 000).')",
    )
    with pytest.raises(InputError) as caught:
        execute_notebook(path)
    assert str(caught.value) == (
        "essai.ipynb, cellule n° 2 : tirages : 10 n'est pas accepté (de 100 à 100 000)."
    )
    assert caught.value.exit_code == 2


def test_a_bug_in_a_cell_keeps_the_kernels_traceback(tmp_path):
    import pickle

    path = _notebook(tmp_path, "def f():\n    return 1 / 0", "f()")
    with pytest.raises(RuntimeError) as caught:
        execute_notebook(path)
    message = str(caught.value)
    assert message.startswith("essai.ipynb, cellule n° 2 : ZeroDivisionError")
    assert "Trace du noyau" in message and "return 1 / 0" in message
    assert "\x1b[" not in message  # no terminal colours
    # it crosses process boundaries (exports run notebooks in workers)
    assert str(pickle.loads(pickle.dumps(caught.value))) == message


def test_output_widgets_do_not_stall_the_cell(tmp_path, monkeypatch):
    """The root cause: the cell's reply must be read as soon as it arrives."""
    monkeypatch.setattr(execution, "CELL_TIMEOUT", 20)
    nb = execute_notebook(_notebook(tmp_path, OUTPUT_WIDGETS, "1 + 1"))
    assert nb.cells[0].metadata.papermill.duration < 5
    # the widgets captured their outputs, as in a browser: none in the cell
    assert [o.output_type for o in nb.cells[0].outputs] == ["execute_result"]
    assert nb.cells[1].outputs[0].data["text/plain"] == "2"


def test_output_widget_mimic_never_writes_to_the_kernel():
    sent = []

    class Channel:
        def send(self, msg):
            sent.append(msg)

    class Client:
        shell_channel = Channel()

    class Executor:
        widget_state = {"c1": {}}

    widget = execution.SilentOutputWidget("c1", {"outputs": []}, Client(), Executor())
    msg = {
        "msg_type": "stream",
        "parent_header": {"msg_id": "m1"},
        "header": {"msg_type": "stream"},
        "content": {"name": "stdout", "text": "bonjour\n"},
    }
    widget.output([], msg, None, 0)
    widget.clear_output([], {"parent_header": {}, "content": {}}, 0)
    assert sent == []
    assert Executor.widget_state["c1"]["outputs"] == []


def test_sliced_channel_sleeps_at_most_one_slice_and_keeps_its_deadline():
    polls = []

    class Socket:
        async def poll(self, timeout_ms):
            polls.append(timeout_ms)
            await asyncio.sleep(timeout_ms / 1000)
            return 0

    channel = execution._SlicedChannel.__new__(execution._SlicedChannel)
    channel.socket = Socket()
    started = time.monotonic()
    with pytest.raises(Empty):
        asyncio.run(channel.get_msg(timeout=1.2))
    assert 1.1 < time.monotonic() - started < 3
    assert len(polls) >= 3
    assert max(polls) <= 1000 * execution.POLL_SLICE


def test_notebook_01_default_parameters_runs_headless(monkeypatch):
    """Not static: the explorer shows its widgets; nothing waits for a browser."""
    monkeypatch.setattr(execution, "CELL_TIMEOUT", 30)
    started = time.monotonic()
    nb = execute_notebook(
        PROJECT_ROOT / "notebooks" / "01_diagnostic_territorial.ipynb"
    )
    assert time.monotonic() - started < 60
    explorer = next(c for c in nb.cells if "DiagnosisExplorer(" in c.source)
    assert explorer.metadata.papermill.duration < 15
    data = explorer.outputs[0]["data"]
    assert "application/vnd.jupyter.widget-view+json" in data


def test_static_explorers_fill_no_output_widget(monkeypatch, territory):
    from candidacy_cases import sample_inputs

    import mitlib.binomes.explorer as pe
    import mitlib.candidatures.explorer as ce
    import mitlib.diagnostic.explorer as de
    from mitlib.binomes.inputs import load_pairing_inputs
    from mitlib.diagnostic.diagnosis import run_diagnosis

    shown = []
    for module in (de, ce, pe):
        monkeypatch.setattr(module, "display", shown.append)
    explorers = [
        de.DiagnosisExplorer(run_diagnosis(territory, None)),
        ce.CandidacyExplorer(sample_inputs()),
        pe.PairingExplorer(load_pairing_inputs(), "M1"),
    ]
    for explorer in explorers:
        explorer.view(static=True)
    assert shown == []
    for explorer in explorers:
        assert explorer.view() is explorer.widget
    assert len(shown) >= 2 + 4 + 4  # every output is filled once shown


def test_warm_kernel_runs_notebooks_in_turn_with_an_empty_namespace(tmp_path):
    from mitlib.export.execution import WarmKernel

    first = _notebook(tmp_path, "import os\nsecret = 42\nos.getpid()", name="a.ipynb")
    second = _notebook(
        tmp_path,
        "import os\nprint('secret' in globals(), os.getpid())",
        "x = 2\nx * 21",
        name="b.ipynb",
    )
    mistake = _notebook(
        tmp_path,
        "from mitlib.core.errors import InputError\n"
        "raise InputError('colonne absente')",
        name="c.ipynb",
    )
    with WarmKernel() as kernel:
        a = execute_notebook(first, kernel=kernel)
        b = execute_notebook(second, kernel=kernel)
        with pytest.raises(InputError, match="colonne absente"):
            execute_notebook(mistake, kernel=kernel)  # the kernel lives on
        c = execute_notebook(second, kernel=kernel)
        assert kernel.runs == 4
    pid = a.cells[0].outputs[0]["data"]["text/plain"]
    # same process, nothing left of the first notebook
    assert b.cells[0].outputs[0]["text"] == f"False {pid}\n"
    assert b.cells[1].outputs[0]["data"]["text/plain"] == "42"
    assert c.cells[0].outputs[0]["text"] == f"False {pid}\n"
    assert kernel.manager.has_kernel is False  # stopped on exit


def test_warm_kernel_stays_in_one_folder(tmp_path):
    from mitlib.export.execution import WarmKernel

    here = _notebook(tmp_path, "1")
    (tmp_path / "ailleurs").mkdir()
    there = tmp_path / "ailleurs" / "essai.ipynb"
    there.write_bytes(here.read_bytes())
    with WarmKernel() as kernel:
        execute_notebook(here, kernel=kernel)
        with pytest.raises(ValueError, match="Noyau réutilisé"):
            execute_notebook(there, kernel=kernel)


def test_export_lanes_share_the_pages_evenly_and_always_the_same_way():
    from types import SimpleNamespace

    from mitlib.export.exporter import _lanes

    names = ["01_diagnostic_territorial.ipynb", "02_candidatures.ipynb"]
    names += ["04_fiche_territoire.ipynb"] * 6 + ["03_binomes.ipynb"] * 5
    names += ["05_planning.ipynb"]
    runs = [(SimpleNamespace(notebook=n),) for n in names]
    lanes = _lanes(runs, 2)
    assert lanes == _lanes(list(runs), 2)
    assert sorted(n for lane in lanes for n in lane) == list(range(14))
    assert all(lane == sorted(lane) for lane in lanes)  # job order kept
    # the two heaviest notebooks go to different lanes; loads within 2 s
    where = {n: k for k, lane in enumerate(lanes) for n in lane}
    assert where[0] != where[1]
    cost = [
        [
            {"01": 3.0, "02": 3.3, "03": 1.9, "04": 1.3, "05": 1.9}[names[n][:2]]
            for n in lane
        ]
        for lane in lanes
    ]
    assert abs(sum(cost[0]) - sum(cost[1])) <= 2.0
    assert len(_lanes(runs, 8)) == 8 and all(_lanes(runs, 8))
    assert _lanes(runs[:1], 2) == [[0]]
