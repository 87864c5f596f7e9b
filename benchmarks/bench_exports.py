"""Benchmark of the exports: `make demo` time, sizes, reproducibility, Chromium.

Run with ``make bench`` (or ``python benchmarks/bench_exports.py``). Prints:

- the wall-clock time of ``mit exporter`` (what ``make demo`` runs once the
  environment is installed) on the bundled sample, in a subprocess, twice,
  each time into a new temporary folder; next to it, the reference measured
  in the same run: the same notebooks executed the way exports did before
  warm kernels, one fresh kernel per page, two at a time (the notebooks
  alone, without the tables, the index and the process start);
- the size of every exported file (sorted by path) and the total;
- whether the two runs wrote byte-identical files (SHA-256 of each file),
  with the differing files if any;
- the time headless Chromium (Debian's ``/usr/bin/chromium`` driven by
  Playwright, every non-local request aborted) takes to load
  ``carte_pays.html`` until every commune polygon of the Leaflet map is drawn,
  median of three fresh pages.

Targets, marked OK or DÉPASSÉ: ``mit exporter`` under 20 s on the sample
(issue 13) on the 2-core machine, Pays map ≤ 1.5 Mo (1 Mo = 10⁶ octets, as in
``bench_diagnostic.py``).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO_TARGET_S = 20.0
MAP_TARGET_BYTES = 1_500_000
MAP_NAME = "carte_pays.html"
BROWSER_RUNS = 3
BROWSER_TIMEOUT_MS = 60_000
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:")

#: Commune polygons of the map that are drawn (an SVG path in the document).
DRAWN_COMMUNES = """() => {
  if (typeof L === "undefined") return 0;
  const map = Object.values(window).find((v) => v instanceof L.Map);
  if (!map) return 0;
  let drawn = 0;
  map.eachLayer((layer) => {
    const f = layer.feature;
    if (f && f.properties && f.properties.code_insee
        && f.geometry.type.endsWith("Polygon")
        && layer._path && layer._path.isConnected) {
      drawn += 1;
    }
  });
  return drawn;
}"""


def verdict(ok: bool) -> str:
    return "OK" if ok else "DÉPASSÉ"


def line(label: str, value: float, unit: str) -> None:
    print(f"  {label:<48} {value:7.2f} {unit}")


def run_demo(output: Path) -> float:
    """Seconds taken by ``mit exporter --sortie output`` in a subprocess."""
    mit = Path(sys.executable).parent / "mit"
    env = dict(os.environ)
    env.pop("PYTHONHASHSEED", None)  # reproducible without fixing the hash seed
    start = time.perf_counter()
    done = subprocess.run(
        [str(mit), "exporter", "--sortie", str(output)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        print(done.stdout, done.stderr, sep="\n", file=sys.stderr)
        raise SystemExit(f"mit exporter a échoué (code {done.returncode})")
    return seconds


def _fresh_page(notebook: Path, parameters: dict) -> None:
    from mitlib.export.execution import execute_notebook

    execute_notebook(notebook, parameters)


def fresh_kernels_reference() -> float:
    """Seconds to execute every page's notebook in its own fresh kernel, two
    at a time (the reference: how exports ran their notebooks before)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from mitlib.core.config import NOTEBOOKS_DIR
    from mitlib.data.territory import load_territory
    from mitlib.export.exporter import export_jobs, job_parameters
    from mitlib.export.inputs import find_inputs

    inputs = find_inputs(None)
    runs = [
        (NOTEBOOKS_DIR / job.notebook, job_parameters(job, inputs, False))
        for job in export_jobs(load_territory(), inputs)
    ]
    start = time.perf_counter()
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(2, mp_context=spawn) as pool:
        list(pool.map(_fresh_page, *zip(*runs, strict=True)))
    return time.perf_counter() - start


def files_of(folder: Path) -> dict[str, Path]:
    return {
        p.relative_to(folder).as_posix(): p
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def print_sizes(files: dict[str, Path]) -> int:
    width = max(len(name) for name in files)
    print(f"  {'fichier':<{width}} {'Ko':>9}")
    total = 0
    for name, path in sorted(files.items()):
        size = path.stat().st_size
        total += size
        print(f"  {name:<{width}} {size / 1000:9.1f}")
    print(f"  {f'total ({len(files)} fichiers)':<{width}} {total / 1000:9.1f}")
    return total


def compare(first: dict[str, Path], second: dict[str, Path]) -> list[str]:
    """Paths whose content differs, or present in only one of the runs."""
    differing = []
    for name in sorted(first.keys() | second.keys()):
        if name not in first or name not in second:
            where = "1re" if name in first else "2e"
            differing.append(f"{name} (seulement dans la {where} exécution)")
        elif sha256(first[name]) != sha256(second[name]):
            differing.append(name)
    return differing


def render_times(map_file: Path, communes: int) -> list[float] | str:
    """Seconds from navigation to every commune drawn, one per fresh page.

    Returns a French explanation instead when Chromium cannot be used.
    """
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        return "Chromium absent (apt-get install chromium)"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return "Playwright absent (pip install -e '.[dev]')"

    def block_remote(route):
        if route.request.url.startswith(LOCAL_SCHEMES):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    times, blocked, errors = [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            for _ in range(BROWSER_RUNS):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                context.route("**/*", block_remote)
                page = context.new_page()
                page.on(
                    "console",
                    lambda m: errors.append(m.text) if m.type == "error" else None,
                )
                page.on("pageerror", lambda e: errors.append(str(e)))
                start = time.perf_counter()
                page.goto(map_file.as_uri(), wait_until="commit")
                page.wait_for_function(
                    f"() => ({DRAWN_COMMUNES})() >= {communes}",
                    polling="raf",
                    timeout=BROWSER_TIMEOUT_MS,
                )
                times.append(time.perf_counter() - start)
                context.close()
        finally:
            browser.close()
    if blocked:
        print(f"  requêtes réseau bloquées : {sorted(set(blocked))}")
    if errors:
        print(f"  erreurs de la console : {errors}")
    return times


def main() -> None:
    from mitlib.data.territory import load_territory

    communes = len(load_territory().communes)
    with tempfile.TemporaryDirectory(prefix="bench_exports_") as tmp:
        runs = [Path(tmp) / "exports_1", Path(tmp) / "exports_2"]
        print("make demo (mit exporter sur l'exemple fictif), après installation")
        print(
            f"  machine : {os.cpu_count()} cœurs, charge moyenne sur 1 min "
            f"au départ : {os.getloadavg()[0]:.2f}"
        )
        seconds = []
        for n, output in enumerate(runs, 1):
            seconds.append(run_demo(output))
            line(f"exécution {n}", seconds[-1], "s")
        slowest = max(seconds)
        print(
            f"  objectif < {DEMO_TARGET_S:.0f} s (plus lente : {slowest:.1f} s) : "
            f"{verdict(slowest < DEMO_TARGET_S)}"
        )
        reference = fresh_kernels_reference()
        line("référence : notebooks seuls, un noyau neuf par page", reference, "s")
        print(
            f"  ratio export complet / référence : {min(seconds) / reference:.2f}× "
            "(l'export complet fait en plus les tables, le dossier et l'index)"
        )

        first, second = files_of(runs[0]), files_of(runs[1])
        print()
        print("Taille des exports (1 Ko = 1000 octets)")
        print_sizes(first)
        map_file = runs[0] / MAP_NAME
        if not map_file.exists():
            raise SystemExit(f"{MAP_NAME} absent des exports")
        map_size = map_file.stat().st_size
        print(
            f"  objectif {MAP_NAME} ≤ {MAP_TARGET_BYTES / 1e6:.1f} Mo "
            f"({map_size / 1e6:.2f} Mo) : {verdict(map_size <= MAP_TARGET_BYTES)}"
        )

        print()
        differing = compare(first, second)
        if differing:
            print(f"Deux exécutions : {len(differing)} fichier(s) différent(s)")
            for name in differing:
                print(f"  {name}")
        else:
            print(
                f"Deux exécutions : {len(first)} fichiers identiques octet pour octet"
            )

        print()
        print(
            f"Chromium sans réseau : {MAP_NAME} jusqu'aux {communes} communes "
            f"dessinées ({BROWSER_RUNS} pages neuves)"
        )
        times = render_times(map_file, communes)
        if isinstance(times, str):
            print(f"  non mesuré : {times}")
        else:
            print(f"  essais : {', '.join(f'{t:.2f} s' for t in times)}")
            line("médiane", statistics.median(times), "s")


if __name__ == "__main__":
    main()
