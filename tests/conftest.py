"""Shared fixtures: the bundled territory and sample, and a tiny hand-made territory."""

from __future__ import annotations

import shlex
import subprocess
import sys
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from mitlib.data.territory import LAMBERT93, WGS84, Territory, load_territory

FIXTURES = Path(__file__).parent / "fixtures"


def get_path(name: str) -> Path:
    """Path of a committed test fixture; the error lists what is available."""
    path = FIXTURES / name
    if not path.exists():
        available = ", ".join(sorted(p.name for p in FIXTURES.iterdir()))
        raise FileNotFoundError(f"{name} absent ; fixtures : {available}")
    return path


def assert_result(result, *, name: str, index: pd.Index) -> None:
    """The promise of indicator functions: a named Series on the input's index."""
    assert isinstance(result, pd.Series)
    assert result.name == name
    pd.testing.assert_index_equal(result.index, index)


def _fingerprint(territory: Territory) -> list[int]:
    """Hash of every table of a territory (to detect a test changing it)."""
    return [
        int(pd.util.hash_pandas_object(frame.to_wkb(), index=True).sum())
        for frame in (territory.communes, territory.epci, territory.outline)
    ]


def _files_match_manifest(folder: Path) -> list[str]:
    """Files of an export whose bytes differ from its manifest (or are gone)."""
    import hashlib
    import json

    manifest = json.loads((folder / "manifeste_mitlib.json").read_text("utf-8"))
    changed = []
    for entry in manifest["fichiers"]:
        path = folder / entry["fichier"]
        if not path.is_file():
            changed.append(f"{entry['fichier']} (disparu)")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != entry["sha256"]:
            changed.append(entry["fichier"])
    return changed


@pytest.fixture(scope="session")
def territory():
    """The bundled territory, shared: a test must not change it (checked at the end)."""
    shared = load_territory()
    before = _fingerprint(shared)
    yield shared
    assert _fingerprint(shared) == before, "un test a modifié le territoire partagé"


@pytest.fixture(scope="session")
def tiny() -> Territory:
    """Three 10 km × 10 km square communes side by side, in two EPCI.

    Lambert-93 squares: A [700–710 km], B [710–720 km], C [720–730 km] in x,
    [6 400–6 410 km] in y; town halls at the centres. Populations 2 000, 500,
    100. EPCI E1 = {A, B}, E2 = {C}.
    """
    squares = [
        shapely.box(x, 6_400_000, x + 10_000, 6_410_000)
        for x in (700_000, 710_000, 720_000)
    ]
    l93 = gpd.GeoSeries(squares, crs=LAMBERT93)
    halls = gpd.GeoSeries(l93.centroid, crs=LAMBERT93).to_crs(WGS84)
    communes = gpd.GeoDataFrame(
        {
            "code_insee": ["99001", "99002", "99003"],
            "nom": ["Alpha-sur-Lot", "Saint-Bêta", "Le Gamma"],
            "epci_siren": ["E1", "E1", "E2"],
            "epci_nom": ["CC Un", "CC Un", "CC Deux"],
            "departement": ["99"] * 3,
            "population": [2000, 500, 100],
            "mairie_lon": halls.x.to_numpy(),
            "mairie_lat": halls.y.to_numpy(),
            "mairie_precision": ["mairie"] * 3,
        },
        geometry=l93.to_crs(WGS84).to_numpy(),
        crs=WGS84,
    )
    epci = communes.dissolve("epci_siren", as_index=False)[
        ["epci_siren", "epci_nom", "geometry"]
    ]
    outline = gpd.GeoDataFrame(
        {"nom": ["Petit"]}, geometry=[communes.union_all()], crs=WGS84
    )
    return Territory("Petit territoire", communes, epci, outline, {"source": "test"})


def l93_points(coords, **columns) -> gpd.GeoDataFrame:
    """Points given in Lambert-93 metres, returned in WGS84 like loaded tables."""
    xs, ys = zip(*coords, strict=False)
    gdf = gpd.GeoDataFrame(columns, geometry=gpd.points_from_xy(xs, ys), crs=LAMBERT93)
    return gdf.to_crs(WGS84)


#: Folder and end marker of the export shared by the workers of pytest-xdist.
_SHARED, _DONE = "exports_partages", "exports_partages.fin"


@pytest.hookimpl(trylast=True)  # after the tmp_path plugin is configured
def pytest_configure(config):
    """With pytest-xdist (``make test``: two workers), the controller starts
    the full export of the sample at once, in the background, into the
    folder common to the workers: the workers run the other tests meanwhile
    and the tests of the export wait for it (:func:`exported`)."""
    if hasattr(config, "workerinput") or not getattr(
        config.option, "numprocesses", None
    ):
        return
    shared = config._tmp_path_factory.getbasetemp()
    out, log, done = (shlex.quote(str(shared / n)) for n in (_SHARED, "log", _DONE))
    command = (
        f"{shlex.quote(sys.executable)} -m mitlib.cli exporter --sortie {out} "
        f"> {log} 2>&1; echo $? > {done}"
    )
    config._mitlib_export = subprocess.Popen(["sh", "-c", command])


def pytest_unconfigure(config):
    process = getattr(config, "_mitlib_export", None)
    if process is not None and process.poll() is None:
        process.terminate()
        process.wait(30)


@pytest.fixture(scope="session")
def exported(tmp_path_factory, request):
    """The full export of the bundled sample (``mit exporter``), made once.

    Shared by many tests, read-only: its files are checked against its
    manifest when the session ends. Under pytest-xdist it is the export the
    controller started in the background (:func:`pytest_configure`), waited
    for here.
    """
    if not hasattr(request.config, "workerinput"):  # no xdist
        from mitlib.export.exporter import export_all

        out = tmp_path_factory.mktemp("exports")
        export_all(None, out)
    else:
        shared = tmp_path_factory.getbasetemp().parent
        out, done = shared / _SHARED, shared / _DONE
        deadline = time.monotonic() + 900
        while not done.exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        code = done.read_text().strip() if done.exists() else "délai dépassé"
        if code != "0":
            log = (shared / "log").read_text(errors="replace")[-3000:]
            pytest.fail(f"l'export partagé a échoué ({code}) :\n{log}")
    yield out
    changed = _files_match_manifest(out)
    assert changed == [], f"un test a modifié l'export partagé : {changed[:5]}"


@pytest.fixture(scope="session")
def exported_public(tmp_path_factory, exported) -> Path:
    """The public export (``mit exporter --public``) of the hostile sample
    (:mod:`tests.hostile`), written over an internal export of the sample.

    The folder first receives a copy of the internal export (with its
    manifest), as a user reusing a folder would; the files of the whole
    temporary tree are listed before and after, in ``out.attrs``-like
    attributes of the returned path's sibling file ``arbre.json``.
    """
    import json
    import shutil

    from hostile import write_hostile_sample

    from mitlib.export.exporter import export_all

    root = tmp_path_factory.mktemp("public")
    data = write_hostile_sample(root / "donnees")
    out = root / "a" / "b" / "exports_public"
    shutil.copytree(exported, out)
    base = tmp_path_factory.getbasetemp()
    before = sorted(str(p) for p in base.rglob("*") if p.is_file())
    from hostile import HOSTILE

    from mitlib.data.outputs import safe_name

    # one page of each notebook (the full public export is make demo's and
    # the benchmark's): the tables, sheets, map and GeoPackage are complete
    pages = [
        "comite/01_diagnostic_territorial.html",
        "comite/02_candidatures.html",
        "fiches/fiche_pays.html",
        f"binomes/binomes_{safe_name(HOSTILE['marathon'])}.html",
    ]
    written = export_all(data, out, public=True, pages=pages)
    after = sorted(str(p) for p in base.rglob("*") if p.is_file())
    (root / "arbre.json").write_text(
        json.dumps(
            {
                "avant": before,
                "apres": after,
                "ecrits": [str(p) for p in written],
            }
        ),
        encoding="utf-8",
    )
    return out
