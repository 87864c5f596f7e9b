"""Benchmark of the live sessions (``mit seance``): start, and slider → ranking.

Run with ``make bench`` (or ``python benchmarks/bench_seances.py``). Prints
figures next to their targets; asserts nothing.

* start of each session that exists (comite, diagnostic, binomes): Voilà up,
  then the page opened in Chromium (offline) until the app shows;
* the comité: a weight changed → the ranking updated, in Python
  (:meth:`CommitteeSession.set_weight` and the app's refresh) and in the
  browser (a key pressed on the slider → the ranking table shows the ranking
  computed in Python); target < 1 s per change. The reference of the ratios
  is the bare scoring and attribution (``analyse`` without robustness)
  measured in the same run.
"""

from __future__ import annotations

import functools
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from mitlib.core.config import NOTEBOOKS_DIR

#: Text that says each app is shown.
READY = {
    "comite": "Poids des critères",
    "diagnostic": "Explorateur du diagnostic territorial",
    "binomes": "Calcul exact en",
}
TARGET_CHANGE = 1.0  # seconds per change, slider to ranking
TARGET_START = 30.0  # seconds, command to app shown (2 busy cores)
#: Weights given to « vacance » in turn (the grid's is 3).
VALUES = (10.0, 0.0, 5.0, 3.0, 8.0, 1.0)


def line(label: str, seconds: float, target: float | None = None, ref=None) -> None:
    extra = f"   cible < {target:g} s" if target else ""
    if ref:
        extra += f"   × {seconds / ref:5.1f} la référence"
    print(f"  {label:<52} {seconds:7.2f} s{extra}")


def python_changes() -> float:
    from mitlib.candidatures.proposal import analyse
    from mitlib.seances.comite import CommitteeSession
    from mitlib.seances.comite_app import CommitteeApp

    start = time.perf_counter()
    session = CommitteeSession.open()
    line(
        "séance ouverte (fichiers, diagnostic, premier calcul)",
        time.perf_counter() - start,
    )
    inputs = session.inputs
    ref = []
    for value in VALUES:
        grid = inputs.grid.with_weights({"vacance": value})
        t0 = time.perf_counter()
        analyse(inputs, grid, robustness=False)
        ref.append(time.perf_counter() - t0)
    reference = statistics.median(ref)
    line("référence : analyse sans robustesse (médiane)", reference)
    with tempfile.TemporaryDirectory() as tmp:
        app = CommitteeApp(session, Path(tmp))
        times = []
        for value in VALUES:
            t0 = time.perf_counter()
            app.sliders["vacance"].value = value  # set_weight + refresh
            times.append(time.perf_counter() - t0)
    line(
        "poids → classement, Python (médiane)",
        statistics.median(times),
        TARGET_CHANGE,
        reference,
    )
    line("poids → classement, Python (pire)", max(times), TARGET_CHANGE, reference)
    t0 = time.perf_counter()
    session.robustness()
    line("robustesse à la demande", time.perf_counter() - t0, None, reference)
    return reference


@functools.cache
def _sample():
    from mitlib.seances.comite_decision import find_files, load_inputs

    return load_inputs(find_files(None, None))


def expected_names(value: float) -> list[str]:
    """The communes in ranking order when « vacance » weighs *value*."""
    from mitlib.candidatures.scoring import score

    inputs = _sample()
    ranking = score(inputs.table, inputs.grid.with_weights({"vacance": value})).ranking
    return [inputs.table.at[c, "commune"] for c in ranking]


_SHOWN = """([names]) => {
  const table = document.querySelector('.mit-tableau');
  if (!table) return false;
  const rows = [...table.querySelectorAll('tbody tr')].slice(0, names.length);
  return rows.map(r => r.cells[1].innerText.trim()).join('|') === names.join('|');
}"""


def browser(kind: str, reference: float | None) -> None:
    from playwright.sync_api import sync_playwright

    from mitlib.seances.server import start

    out = Path(tempfile.mkdtemp())
    began = time.perf_counter()
    server = start(kind, sortie=out)
    try:
        server.wait_ready()
        line(f"{kind} : serveur Voilà prêt", time.perf_counter() - began)
        with sync_playwright() as p:
            chromium = p.chromium.launch(executable_path=shutil.which("chromium"))
            page = chromium.new_page(viewport={"width": 1300, "height": 1000})
            page.route(
                "**/*",
                lambda r: (
                    r.continue_()
                    if r.request.url.startswith("http://127.0.0.1:")
                    else r.abort()
                ),
            )
            t0 = time.perf_counter()
            page.goto(server.url, wait_until="commit", timeout=180_000)
            page.get_by_text(READY[kind]).first.wait_for(timeout=180_000)
            now = time.perf_counter()
            line(f"{kind} : page ouverte → application affichée", now - t0)
            line(f"{kind} : commande → application affichée", now - began, TARGET_START)
            if kind == "comite":
                slider(page, reference)
            chromium.close()
    finally:
        server.stop()
        shutil.rmtree(out, ignore_errors=True)


def slider(page, reference: float | None) -> None:
    """Keys on the « vacance » slider (End: 10, Home: 0, arrows: ± 0,5)."""
    handle = page.locator(".mitlib-poids-vacance .noUi-handle")
    value, times = 3.0, []
    for key, new in (("End", 10.0), ("Home", 0.0), ("ArrowRight", 0.5), ("End", 10.0)):
        names = expected_names(new)[:8]
        if names == expected_names(value)[:8]:
            value = new
            continue
        handle.focus()
        t0 = time.perf_counter()
        page.keyboard.press(key)
        page.wait_for_function(_SHOWN, arg=[names], timeout=60_000, polling="raf")
        times.append(time.perf_counter() - t0)
        value = new
    line(
        "poids → classement, navigateur (médiane)",
        statistics.median(times),
        TARGET_CHANGE,
        reference,
    )
    line("poids → classement, navigateur (pire)", max(times), TARGET_CHANGE, reference)


def main() -> None:
    print("Séance du comité, en Python (données d'exemple)")
    reference = python_changes()
    if not shutil.which("chromium"):
        print("  Chromium absent : pas de mesure dans le navigateur.")
        return
    kinds = [k for k in READY if (NOTEBOOKS_DIR / "seances" / f"{k}.ipynb").exists()]
    print(f"Séances dans Chromium, hors ligne ({', '.join(kinds)})")
    for kind in kinds:
        browser(kind, reference)


if __name__ == "__main__":
    main()
