"""Whole export runs: byte-identical reruns, missing tables, Ctrl-C, a dying worker.

Apart from tests/test_exports.py so that, under pytest-xdist (a file per
worker), these runs and the tests of the shared export share the two cores."""

from pathlib import Path

import pytest

from mitlib.core.config import EXAMPLE_DIR

ONE_PAGE_OF_EACH = (
    "comite/01_diagnostic_territorial.html",
    "comite/02_candidatures.html",
    "binomes/binomes_M3.html",
    "fiches/fiche_200068922.html",
)


def test_two_runs_give_byte_identical_files(exported, tmp_path):
    from mitlib.export.exporter import export_all

    export_all(None, tmp_path, pages=ONE_PAGE_OF_EACH)
    second = {
        p.relative_to(tmp_path): p.read_bytes()
        for p in tmp_path.rglob("*")
        if p.is_file()
    }
    # the index and the manifest list what was exported: here, fewer pages
    del second[Path("index.html")], second[Path("manifeste_mitlib.json")]
    assert len(second) > 200  # tables, sheets, map, and the pages above
    assert {str(p) for p in second} >= set(ONE_PAGE_OF_EACH)
    different = [str(k) for k, v in second.items() if (exported / k).read_bytes() != v]
    assert different == []


def test_export_skips_notebooks_whose_tables_are_missing(tmp_path):
    from mitlib.export.exporter import export_all

    (tmp_path / "donnees").mkdir()
    written = export_all(tmp_path / "donnees", tmp_path / "out")
    assert [p.name for p in written] == ["index.html"]
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "Non produit" in index and "locaux, acteurs, evenements" in index
    assert "coachs, projets" in index


def test_ctrl_c_during_an_export_leaves_a_notice_and_the_next_run_is_clean(tmp_path):
    """Ctrl-C (SIGINT to the whole process group, as a terminal sends it)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    import pandas as pd

    from mitlib.data.outputs import INCOMPLETE_NOTICE, MANIFEST

    data = tmp_path / "donnees"
    data.mkdir()
    for table, column in (("coachs", "marathons"), ("projets", "marathon")):
        df = pd.read_csv(
            EXAMPLE_DIR / f"{table}.csv", sep=";", dtype=str, encoding="utf-8-sig"
        )
        df[df[column].str.contains("M1")].to_csv(
            data / f"{table}.csv", sep=";", index=False, encoding="utf-8-sig"
        )
    out = tmp_path / "exports"
    command = [sys.executable, "-m", "mitlib.cli.main", "exporter"]
    command += ["--donnees", str(data), "--sortie", str(out)]
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        for line in proc.stdout:  # wait until the lanes are started
            if "à exécuter" in line:
                break
        time.sleep(0.5)  # the whole export takes a few seconds only
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, err
    assert "interrompu (Ctrl-C)" in err and "Traceback" not in err
    assert (out / INCOMPLETE_NOTICE).exists() and not (out / MANIFEST).exists()
    assert "pas fiables" in (out / INCOMPLETE_NOTICE).read_text("utf-8")

    from mitlib.export.exporter import export_all

    written = export_all(data, out)
    assert not (out / INCOMPLETE_NOTICE).exists() and (out / MANIFEST).exists()
    assert out / "binomes/binomes_M1.html" in written
    assert not list(out.rglob(".mitlib_en_cours*"))


def test_a_worker_that_dies_fails_the_export_at_once_in_french(tmp_path, monkeypatch):
    """A killed worker (out of memory) must not leave the export waiting."""
    import os
    import signal
    from concurrent.futures import ProcessPoolExecutor

    from mitlib.core.errors import ExecutionError
    from mitlib.export.exporter import export_all

    real_submit = ProcessPoolExecutor.submit

    def submit_and_kill(self, fn, *args, **kwargs):
        future = real_submit(self, fn, *args, **kwargs)
        for process in list(self._processes.values()):
            os.kill(process.pid, signal.SIGKILL)
        return future

    monkeypatch.setattr(ProcessPoolExecutor, "submit", submit_and_kill)
    with pytest.raises(ExecutionError, match="s'est arrêté brutalement"):
        export_all(None, tmp_path / "sortie", pages=["fiches/fiche_pays.html"])
    assert (tmp_path / "sortie" / "EXPORT_INCOMPLET.txt").exists()
