"""The whole offline export: every notebook, the fiches, the tables, the index.

:func:`export_all` finds the inputs (:mod:`mitlib.export.inputs`), lists the
pages to produce (:class:`Job`), executes the notebooks in worker processes,
one kernel each, and writes each page (:mod:`mitlib.export.notebook_page`),
then the rejected rows, the diagnosis tables and map, the comité's pack, the
pairing tables and the index (:mod:`mitlib.export.index`), all or nothing into
one output folder. Two runs on the same inputs give the same bytes.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
from collections.abc import Collection, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from mitlib.core.errors import ExecutionError
from mitlib.core.text import format_fr
from mitlib.data.fictional import is_fictional
from mitlib.data.outputs import OutputFolder, inside, safe_name, safe_names
from mitlib.export.execution import WarmKernel, execute_notebook
from mitlib.export.index import portal_facts, write_index
from mitlib.export.inputs import INPUT_TABLES, find_inputs, input_provenance
from mitlib.export.notebook_page import (
    PageInfo,
    normalize_notebook,
    notebook_body,
    render_page,
)

__all__ = ["Job", "export_all", "export_jobs", "job_parameters"]


@dataclass
class Job:
    """One page to produce from a notebook."""

    notebook: str
    output: str
    title: str
    parameters: dict = field(default_factory=dict)
    show_code: bool = False
    needs: tuple[str, ...] = ()
    also_with_code: str | None = None
    subtitle: str = ""


def _marathons(inputs: Mapping[str, Path]) -> list[str]:
    """Marathon ids of the projects file (none when a table is missing)."""
    if "coachs" not in inputs or "projets" not in inputs:
        return []
    from mitlib.binomes.inputs import load_pairing_inputs

    return load_pairing_inputs(inputs["coachs"], inputs["projets"]).marathons()


def export_jobs(territory, inputs: Mapping[str, Path]) -> list[Job]:
    """Every page of a complete export, in order: diagnosis, candidacies, the
    territory's sheet then one per EPCI, one pairing page per marathon."""
    diag_inputs = ("locaux", "acteurs", "evenements")
    jobs = [
        Job(
            "01_diagnostic_territorial.ipynb",
            "comite/01_diagnostic_territorial.html",
            "Diagnostic territorial",
            needs=diag_inputs,
            also_with_code="notebooks/01_diagnostic_territorial.html",
        ),
        Job(
            "02_candidatures.ipynb",
            "comite/02_candidatures.html",
            "Candidatures et proposition d'attribution",
            needs=("candidatures", "grille", *diag_inputs),
            also_with_code="notebooks/02_candidatures.html",
        ),
        Job(
            "04_fiche_territoire.ipynb",
            "fiches/fiche_pays.html",
            f"Fiche diagnostic — {territory.name}",
            {"epci": None},
            needs=diag_inputs,
        ),
    ]
    for siren, nom in zip(
        territory.epci["epci_siren"], territory.epci["epci_nom"], strict=True
    ):
        jobs.append(
            Job(
                "04_fiche_territoire.ipynb",
                f"fiches/fiche_{safe_name(siren)}.html",
                f"Fiche diagnostic — {nom}",
                {"epci": siren},
                needs=diag_inputs,
            )
        )
    marathons = _marathons(inputs)
    # refuses two ids sharing a file name
    projets = inputs["projets"].name if "projets" in inputs else "projets"
    names = safe_names(marathons, where=f"{projets}, colonne marathon")
    for n, marathon in enumerate(marathons):
        jobs.append(
            Job(
                "03_binomes.ipynb",
                f"binomes/binomes_{names[marathon]}.html",
                f"Binômes coachs–porteurs — marathon {marathon}",
                {"marathon": marathon},
                needs=("coachs", "projets"),
                also_with_code="notebooks/03_binomes.html" if n == 0 else None,
            )
        )
    if not marathons:  # reported as « non produit » when a table is missing
        jobs.append(
            Job(
                "03_binomes.ipynb",
                "binomes/binomes.html",
                "Binômes coachs–porteurs",
                needs=("coachs", "projets"),
            )
        )
    for n, (marathon, key) in enumerate(_planned(inputs)):
        jobs.append(
            Job(
                "05_planning.ipynb",
                f"planning/planning_{safe_name(marathon)}.html",
                f"Plan du marathon {marathon}",
                needs=("locaux", "coachs", "projets", key),
                also_with_code="notebooks/05_planning.html" if n == 0 else None,
            )
        )
    return jobs


def _planned(inputs: Mapping[str, Path]) -> list[tuple[str, str]]:
    """(marathon id, input key) of each event file, in marathon order; two
    files for one marathon are refused."""
    from mitlib.binomes.inputs import natural_key
    from mitlib.core.errors import InputError
    from mitlib.planning.event import load_event

    found: dict[str, str] = {}
    for key in sorted(k for k in inputs if k.startswith("marathon")):
        marathon = load_event(inputs[key]).marathon
        if marathon in found:
            raise InputError(
                f"Deux fichiers d'événement pour le marathon {marathon} : "
                f"{inputs[found[marathon]].name} et {inputs[key].name}. Gardez-en un."
            )
        found[marathon] = key
    return [(m, found[m]) for m in sorted(found, key=natural_key)]


#: Notebooks with a ``public`` parameter (the others read no personal column).
_TAKES_PUBLIC = ("03_binomes.ipynb", "05_planning.ipynb")


def job_parameters(job: Job, inputs: Mapping[str, Path], public: bool) -> dict:
    """The papermill parameters of ``job``: its input files, its own
    parameters, ``statique`` and, for a public export, ``public``."""
    # an event file (« marathon », « marathon_m3 »…) is the plan's `evenement`
    params = {
        "evenement" if t.startswith("marathon") else t: str(inputs[t])
        for t in job.needs
        if t in inputs
    }
    params.update(job.parameters)
    params["statique"] = True
    if public and job.notebook in _TAKES_PUBLIC:
        params["public"] = True
    return params


def export_all(
    directory: Path | str | None,
    output: Path | str,
    *,
    public: bool = False,
    progress=None,
    workers: int = 2,
    pages: Collection[str] | None = None,
    pdf: bool = False,
) -> list[Path]:
    """Execute every notebook on the inputs and write the HTML exports and index.

    Parameters
    ----------
    directory : path-like or None
        Folder of input tables (see :func:`find_inputs`); None: the sample.
    output : path-like
        Export folder (created).
    public : bool
        Strip personal data and mark pages as public.
    progress : callable, optional
        Called with a French message as each page is written.
    workers : int
        Notebooks executed at the same time (one kernel process each).
    pages : collection of str, optional
        Only these pages (paths in the export, e.g. ``"fiches/fiche_pays.html"``),
        for a quick partial export; the tables, the map and the index are
        always written. Default: every page.
    pdf : bool
        Also print the comité dossier and the fiches to PDF (``pdf/``,
        :mod:`mitlib.export.pdf`).

    Raises
    ------
    mitlib.core.errors.OutputError
        The folder cannot be written, or holds files mitlib did not write.
    mitlib.core.errors.PrivacyError
        A public export would contain a personal value of the inputs: nothing
        is published.
    """
    from mitlib.data.io import reuse_loaded_tables
    from mitlib.data.privacy import personal_values

    if pdf:  # before the notebooks run: a missing engine is said at once
        from mitlib.export.pdf import require_engine

        require_engine()
    inputs = find_inputs(directory)
    fictional = directory is None or is_fictional(*inputs.values())
    personal = personal_values(inputs) if public else []
    with (
        OutputFolder(
            output, public=public, personal=personal, command="mit exporter"
        ) as folder,
        reuse_loaded_tables(),  # rejects, diagnosis, pairing, plan: read once
    ):
        staged = _export_into(
            folder.staging, inputs, fictional, public, progress, workers, pages, pdf
        )
    if progress is not None and public:
        progress(
            f"Vérifié : aucune des {format_fr(len(personal), 0)} données "
            "personnelles des "
            "entrées n'apparaît dans les fichiers écrits."
        )
    return folder.final_paths(staged)


def _export_into(
    out: Path,
    inputs: Mapping[str, Path],
    fictional: bool,
    public: bool,
    progress,
    workers: int,
    pages: Collection[str] | None = None,
    pdf: bool = False,
) -> list[Path]:
    """The whole export written into ``out`` (the staging folder)."""
    from mitlib.data.territory import load_territory

    def say(message: str) -> None:
        if progress is not None:
            progress(message)

    territory = load_territory()
    provenance = input_provenance(territory, inputs)
    jobs = export_jobs(territory, inputs)
    if pages is not None:
        jobs = [job for job in jobs if job.output in set(pages)]
    skipped: list[tuple[Job, list[str]]] = []
    todo = []
    for job in jobs:
        missing = [t for t in job.needs if t not in inputs]
        if missing:
            say(f"{job.title} : non produit (absents : {', '.join(missing)})")
            skipped.append((job, missing))
        else:
            todo.append(job)

    runs = [
        (
            job,
            job_parameters(job, inputs, public),
            PageInfo(
                job.title,
                input_provenance(
                    territory, {k: v for k, v in inputs.items() if k in job.needs}
                ),
                fictional,
                public,
                job.subtitle,
            ),
            out,
        )
        for job in todo
    ]
    if runs:
        say(f"{len(runs)} notebooks à exécuter, {min(workers, len(runs))} à la fois")
    steps = _table_steps(territory, inputs, out, public)
    written = _run_lanes(runs, workers, say, steps)
    if pdf:
        from mitlib.export.pdf import write_pdfs

        written += write_pdfs(out, say)
    facts = portal_facts(territory, inputs, jobs, public=public)
    written.append(
        write_index(out, written, skipped, provenance, fictional, public, facts)
    )
    say("Index : index.html")
    return written


#: Relative cost of each notebook once its kernel is warm (seconds on the
#: sample, measured), to share the pages between the lanes evenly.
_COST = {
    "01_diagnostic_territorial.ipynb": 3.0,
    "02_candidatures.ipynb": 3.3,
    "03_binomes.ipynb": 1.9,
    "04_fiche_territoire.ipynb": 1.3,
    "05_planning.ipynb": 1.9,
}


def _lanes(runs: list, workers: int) -> list[list[int]]:
    """Share the runs between ``workers`` lanes, the same way on every export:
    costliest first, each to the least loaded lane; a lane keeps job order."""
    count = max(1, min(workers, len(runs)))
    loads = [0.0] * count
    lanes: list[list[int]] = [[] for _ in range(count)]
    by_cost = sorted(range(len(runs)), key=lambda n: -_COST.get(runs[n][0].notebook, 2))
    for n in by_cost:
        lane = loads.index(min(loads))
        lanes[lane].append(n)
        loads[lane] += _COST.get(runs[n][0].notebook, 2)
    return [sorted(lane) for lane in lanes]


def _table_steps(territory, inputs: Mapping[str, Path], out: Path, public: bool):
    """What the main process writes while the notebooks run, step by step."""
    return [
        lambda say: _write_rejects(territory, inputs, out / "rejets", say),
        lambda say: _write_tables(territory, inputs, out, say),
        lambda say: _write_pairing(inputs, out / "binomes", public, say),
        lambda say: _write_plans(inputs, out / "planning", public, say),
    ]


def _run_lanes(runs: list, workers: int, say, steps) -> list[Path]:
    """Execute the notebooks in lanes while the main process does ``steps``.

    Each lane is one worker process driving one warm kernel
    (:class:`~mitlib.export.execution.WarmKernel`): the kernel starts and
    imports once per lane, not once per page. Lanes are fixed by
    :func:`_lanes`, so every export runs each notebook after the same ones.
    Workers ignore Ctrl-C (as do their kernels); the main process stops them,
    and so their kernels, which watch their parent, at once. A worker that
    dies (killed, out of memory) breaks its lane at once
    (``BrokenProcessPool``): nothing waits for a page that cannot come.
    Returns the pages (in job order), then what ``steps`` wrote.
    """
    futures: dict = {}
    results: dict[int, list[Path]] = {}
    pools: list[ProcessPoolExecutor] = []

    def report(wait: bool) -> None:
        pending = [f for f in futures if futures[f] not in results]
        for future in as_completed(pending) if wait else pending:
            if not future.done():
                continue
            n = futures[future]
            results[n] = future.result()
            job = runs[n][0]
            say(f"[{len(results)}/{len(runs)}] {job.title} → {job.output}")

    written: list[Path] = []
    try:
        with _sigint_ignored():  # workers start while this is in force
            for lane in _lanes(runs, workers) if runs else []:
                pool = ProcessPoolExecutor(
                    max_workers=1, mp_context=multiprocessing.get_context("spawn")
                )
                pools.append(pool)
                futures.update({pool.submit(_export_page, *runs[n]): n for n in lane})
                pool.submit(_close_kernel)
        for step in steps:
            written += step(say)
            report(wait=False)
        report(wait=True)
    except BrokenProcessPool as error:
        _stop_workers(pools)
        raise ExecutionError(
            "Un processus d'exécution des notebooks s'est arrêté brutalement "
            "(mémoire insuffisante ?) : aucun fichier n'a été publié. Fermez "
            "d'autres programmes ou lancez l'export avec moins de notebooks à "
            "la fois, puis relancez."
        ) from error
    except BaseException:
        _stop_workers(pools)
        raise
    for pool in pools:
        pool.shutdown()
    return [p for n in sorted(results) for p in results[n]] + written


@contextlib.contextmanager
def _sigint_ignored():
    """Ignore Ctrl-C while worker processes are started.

    An ignored signal stays ignored in a new program: the workers never see
    Ctrl-C, even while they are still importing, and print no traceback; the
    main process handles it and stops them (:func:`_stop_workers`).
    """
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _stop_workers(pools: list[ProcessPoolExecutor]) -> None:
    """Stop the workers now (and so their kernels, which watch their parent)."""
    for pool in pools:
        terminate = getattr(pool, "terminate_workers", None)  # Python ≥ 3.14
        if terminate is not None:
            terminate()
        else:
            for process in list((pool._processes or {}).values()):
                process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)


#: The worker process's warm kernel (one per lane).
_WORKER: dict[str, WarmKernel] = {}


def _close_kernel() -> None:
    """Stop the worker's warm kernel: the lane's last task."""
    kernel = _WORKER.pop("kernel", None)
    if kernel is not None:
        kernel.close()


def _export_page(job: Job, parameters: dict, info: PageInfo, out: Path) -> list[Path]:
    """Execute one notebook and write its page(s): runs in a worker process,
    in the lane's warm kernel."""
    from mitlib.core.config import NOTEBOOKS_DIR

    if "kernel" not in _WORKER:
        _WORKER["kernel"] = WarmKernel()
    kernel = _WORKER["kernel"]
    nb = normalize_notebook(
        execute_notebook(NOTEBOOKS_DIR / job.notebook, parameters, kernel=kernel)
    )
    targets = [(job.output, job.show_code)]
    if job.also_with_code:
        targets.append((job.also_with_code, True))
    paths = []
    for target, show_code in targets:
        path = inside(out, target)
        path.parent.mkdir(parents=True, exist_ok=True)
        body = notebook_body(nb, show_code=show_code)
        path.write_text(render_page(body, info), encoding="utf-8")
        paths.append(path)
    return paths


def _write_tables(territory, inputs: Mapping[str, Path], out: Path, say) -> list[Path]:
    """Diagnosis tables and GeoPackage, the Pays map, the comité pack (no
    personal data: none of these outputs reads a private column)."""
    from mitlib.diagnostic.diagnosis import (
        DIAGNOSIS_TABLES,
        run_diagnosis,
        write_diagnosis,
    )
    from mitlib.diagnostic.maps import diagnosis_map
    from mitlib.render.offline import save_map

    if not all(t in inputs for t in DIAGNOSIS_TABLES):
        return []
    say("Tables du diagnostic et carte du Pays")
    diag = run_diagnosis(territory, {t: inputs[t] for t in DIAGNOSIS_TABLES})
    files = write_diagnosis(diag, out / "diagnostic")
    if "candidatures" in inputs and "grille" in inputs:
        files += _write_committee_pack(diag, inputs, out / "comite", say)
    m = diagnosis_map(
        territory,
        diag.communes,
        locaux=diag.table("locaux"),
        acteurs=diag.table("acteurs"),
        evenements=diag.table("evenements"),
        column="locaux_pour_1000_hab",
    )
    return [*files, save_map(m, out / "carte_pays.html")]


def _write_committee_pack(diag, inputs: Mapping[str, Path], out: Path, say):
    """Ranking, attribution, minutes workbook and one score sheet per commune."""
    from mitlib.candidatures.inputs import load_candidacies
    from mitlib.candidatures.outputs import write_candidacy_outputs
    from mitlib.candidatures.proposal import analyse

    say("Dossier du comité : classement, attribution, fiches de notation")
    entries = load_candidacies(inputs["candidatures"], inputs["grille"], diagnosis=diag)
    return write_candidacy_outputs(analyse(entries), out / "candidatures")


def _write_pairing(inputs: Mapping[str, Path], out: Path, public: bool, say):
    """Pairing tables, organisers' workbook, one sheet per project and coach."""
    if "coachs" not in inputs or "projets" not in inputs:
        return []
    from mitlib.binomes.inputs import load_pairing_inputs
    from mitlib.binomes.pairing import run_pairing
    from mitlib.binomes.writing import write_pairing_outputs

    say("Binômes : tables, classeur, fiches par projet et par coach")
    result = run_pairing(load_pairing_inputs(inputs["coachs"], inputs["projets"]))
    return write_pairing_outputs(result, out / "tables", public=public)


def _write_plans(inputs: Mapping[str, Path], out: Path, public: bool, say):
    """Each planned marathon: timetables, workbook, map, calendars."""
    if not all(t in inputs for t in ("locaux", "coachs", "projets")):
        return []
    from mitlib.planning.plan import build_plan
    from mitlib.planning.plan_inputs import load_plan_inputs
    from mitlib.planning.writing import write_plan_outputs

    written = []
    for marathon, key in _planned(inputs):
        say(f"Plan du marathon {marathon} : emplois du temps, carte, calendriers")
        plan_inputs = load_plan_inputs(
            inputs[key], inputs["locaux"], inputs["coachs"], inputs["projets"]
        )
        folder = inside(out, safe_name(marathon))
        folder.mkdir(parents=True, exist_ok=True)
        written += write_plan_outputs(build_plan(plan_inputs), folder, public=public)
    return written


def _write_rejects(territory, inputs: Mapping[str, Path], out: Path, say):
    """One rejects file per input table with rejected rows: nothing is lost
    silently. The line, the reasons and the public columns only: an export is
    shared (``mit verifier`` writes whole rows beside the input file)."""
    from mitlib.data.io import load_table

    written = []
    for table in INPUT_TABLES:
        if table not in inputs:
            continue
        result = load_table(inputs[table], table, territory)
        if len(result.rejects):
            out.mkdir(parents=True, exist_ok=True)
            path = result.write_rejects(out / f"{table}_rejets.csv", public=True)
            say(
                f"{inputs[table].name} : {format_fr(len(result.rejects), 0)} "
                "ligne(s) rejetée(s), "
                f"écrites dans rejets/{path.name} (les lignes valides sont utilisées)"
            )
            written.append(path)
    return written
