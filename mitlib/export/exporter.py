"""Reproducible, offline HTML exports of the notebooks.

:func:`export_notebook` executes a notebook with papermill on the chosen
inputs, normalises it so that two runs give the same bytes (cell ids numbered,
execution metadata dropped, memory addresses removed, widget views replaced by
their static content), converts it with nbconvert's ``basic`` template (no CDN:
no require.js, MathJax or widget manager) and wraps it in a page of our own
with its provenance: mitlib version, territory vintage, SHA-256 of every input
file. A comité version hides the code and keeps maps and tables.

The pages say when the data are the fictional sample, and whether they are an
internal document (personal data kept) or a public one (personal data removed).
"""

from __future__ import annotations

import contextlib
import html
import multiprocessing
import re
import signal
from collections.abc import Collection, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import nbformat
from nbconvert.preprocessors import CoalesceStreamsPreprocessor

from mitlib.core.errors import ExecutionError, InputError
from mitlib.core.text import format_fr
from mitlib.data.outputs import OutputFolder, inside, safe_name, safe_names
from mitlib.export.execution import CELL_TIMEOUT, execute_notebook  # noqa: F401
from mitlib.render.offline import StaticMap, static_map  # noqa: F401 - re-exported
from mitlib.render.page import INTERNAL_NOTICE, PUBLIC_NOTICE

__all__ = [
    "PageInfo",
    "StaticMap",
    "execute_notebook",
    "export_notebook",
    "normalize_notebook",
    "notebook_body",
    "render_page",
    "static_map",
]

#: Notice on pages built from the bundled sample.
FICTIONAL_NOTICE = "Données d'exemple FICTIVES"

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@dataclass
class PageInfo:
    """What the page header says about the document."""

    title: str
    provenance: list[tuple[str, str]] = field(default_factory=list)
    fictional: bool = False
    public: bool = False
    subtitle: str = ""


def normalize_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Make an executed notebook reproducible to the byte.

    Cells get ids ``cell-000``, ``cell-001``…; papermill and execution
    metadata, execution counts and widget views are dropped; consecutive
    prints are merged into one stream output; memory addresses
    (`` at 0x7f…``) are removed from text outputs.

    Examples
    --------
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x")])
    >>> nb.cells[0].outputs = [nbformat.v4.new_output(
    ...     "execute_result", {"text/plain": "<A object at 0x7f12ab>"})]
    >>> out = normalize_notebook(nb)
    >>> out.cells[0].id, out.cells[0].outputs[0]["data"]["text/plain"]
    ('cell-000', '<A object>')
    """
    nb = nbformat.from_dict(nb)
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    # how a cell's prints are cut into stream outputs depends on timing
    nb, _ = CoalesceStreamsPreprocessor().preprocess(nb, {})
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i:03d}"
        for key in ("papermill", "execution", "collapsed", "scrolled"):
            cell.metadata.pop(key, None)
        if cell.cell_type != "code":
            continue
        cell.execution_count = None
        outputs = []
        for out in cell.outputs:
            if out.get("output_type") == "execute_result":
                out["execution_count"] = None
            out.get("metadata", {}).pop("execution", None)
            data = out.get("data", {})
            if _WIDGET_VIEW in data:
                continue  # needs a kernel or a CDN widget manager: not exported
            if "text" in out:
                out["text"] = _ADDRESS.sub("", out["text"])
            if "text/plain" in data:
                data["text/plain"] = _ADDRESS.sub("", data["text/plain"])
            outputs.append(out)
        cell.outputs = outputs
    return nb


def notebook_body(nb: nbformat.NotebookNode, *, show_code: bool) -> str:
    """The notebook as HTML body content (nbconvert ``basic`` template)."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="basic",
        exclude_input=not show_code,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    body, _ = exporter.from_notebook_node(nb)
    return body


def _css() -> str:
    from pygments.formatters import HtmlFormatter

    page = resources.files("mitlib").joinpath("assets/page.css").read_text("utf-8")
    return page + HtmlFormatter(style="default").get_style_defs(".highlight")


def render_page(body: str, info: PageInfo) -> str:
    """A standalone French page: header, notices, provenance, then ``body``.

    Every text of ``info`` is escaped; ``body`` is trusted HTML (nbconvert or
    mitlib output, whose user text is escaped where it is made).

    Examples
    --------
    >>> page = render_page("<p>x</p>", PageInfo("Essai <b>", fictional=True))
    >>> "Essai &lt;b&gt;" in page, "FICTIVES" in page, "http" in page
    (True, True, False)
    """
    notices = [PUBLIC_NOTICE if info.public else INTERNAL_NOTICE]
    if info.fictional:
        notices.insert(0, FICTIONAL_NOTICE)
    notice_html = "".join(
        f'<p class="mitlib-avis">{html.escape(n)}</p>' for n in notices
    )
    rows = "".join(
        f"<tr><th>{html.escape(k)}</th><td><code>{html.escape(v)}</code></td></tr>"
        for k, v in info.provenance
    )
    subtitle = (
        f'<p class="mitlib-sous-titre">{html.escape(info.subtitle)}</p>'
        if info.subtitle
        else ""
    )
    title = html.escape(info.title)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>\n{_css()}\n</style>\n</head>\n<body>\n"
        f'<header class="mitlib-entete"><h1>{title}</h1>{subtitle}{notice_html}'
        '<details class="mitlib-provenance"><summary>Provenance</summary>'
        f"<table>{rows}</table></details></header>\n"
        f'<main class="mitlib-corps">\n{body}\n</main>\n</body>\n</html>\n'
    )


def export_notebook(
    path: Path | str,
    output: Path | str,
    info: PageInfo,
    *,
    parameters: Mapping[str, object] | None = None,
    show_code: bool = True,
) -> Path:
    """Execute ``path`` with ``parameters`` and write it as one HTML page."""
    nb = normalize_notebook(execute_notebook(path, parameters))
    page = render_page(notebook_body(nb, show_code=show_code), info)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(page, encoding="utf-8")
    return output


# ---------------------------------------------------------------------------
# The whole export: every notebook, the fiches, the index
# ---------------------------------------------------------------------------

#: Input tables looked for in a data folder, by file stem.
INPUT_TABLES = ("locaux", "acteurs", "evenements", "candidatures", "coachs", "projets")
#: Every format ``mit verifier`` reads.
_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".geojson", ".json", ".gpkg")


def find_inputs(directory: Path | str | None) -> dict[str, Path]:
    """Input files of an export: ``<table>.<csv|xlsx|geojson|gpkg…>`` and
    ``grille.yaml`` in ``directory`` (default: the bundled fictional sample).

    File names are matched without case (``Locaux.CSV``). Tables absent from
    the folder are absent from the result; two files for one table are
    refused rather than one of them silently ignored.
    """
    from mitlib.core.config import EXAMPLE_DIR

    # absolute: the notebooks run in their own folder
    folder = Path(directory).absolute() if directory else EXAMPLE_DIR
    if not folder.is_dir():
        what = "n'est pas un dossier" if folder.exists() else "est introuvable"
        raise InputError(
            f"Le dossier de données {folder} {what} : --donnees attend le dossier "
            "qui contient locaux.csv, acteurs.csv… (modèles : mit modeles)."
        )
    candidates: dict[str, list[Path]] = {}
    for path in sorted(folder.iterdir()):
        stem, suffix = path.stem.lower(), path.suffix.lower()
        if path.is_file() and stem in INPUT_TABLES and suffix in _SUFFIXES:
            candidates.setdefault(stem, []).append(path)
        elif path.is_file() and path.name.lower() in {"grille.yaml", "grille.yml"}:
            candidates.setdefault("grille", []).append(path)
    found: dict[str, Path] = {}
    for key in (*INPUT_TABLES, "grille"):
        paths = candidates.get(key, [])
        if len(paths) > 1:
            raise InputError(
                f"Plusieurs fichiers pour « {key} » dans {folder} : "
                f"{', '.join(p.name for p in paths)}. Gardez-en un seul."
            )
        if paths:
            found[key] = paths[0]
    return found


def input_provenance(territory, inputs: Mapping[str, Path]) -> list[tuple[str, str]]:
    """Provenance rows: mitlib, territory sources and vintage, input hashes."""
    from mitlib.core.provenance import file_sha256, territory_facts

    rows = territory_facts(territory)
    for name, path in sorted(inputs.items()):
        rows.append((f"{name} ({path.name}) : sha256", file_sha256(path)))
    return rows


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
    from mitlib.binomes.pairing import load_pairing_inputs

    return load_pairing_inputs(inputs["coachs"], inputs["projets"]).marathons()


def _jobs(territory, inputs: Mapping[str, Path]) -> list[Job]:
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
    return jobs


#: Notebooks with a ``public`` parameter (the others read no personal column).
_TAKES_PUBLIC = ("03_binomes.ipynb",)


def _parameters(job: Job, inputs: Mapping[str, Path], public: bool) -> dict:
    params = {t: str(inputs[t]) for t in job.needs if t in inputs}
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

    Raises
    ------
    mitlib.core.errors.OutputError
        The folder cannot be written, or holds files mitlib did not write.
    mitlib.core.errors.PrivacyError
        A public export would contain a personal value of the inputs: nothing
        is published.
    """
    from mitlib.data.privacy import personal_values

    inputs = find_inputs(directory)
    fictional = directory is None or _is_fictional(inputs)
    personal = personal_values(inputs) if public else []
    with OutputFolder(
        output, public=public, personal=personal, command="mit exporter"
    ) as folder:
        staged = _export_into(
            folder.staging, inputs, fictional, public, progress, workers, pages
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
) -> list[Path]:
    """The whole export written into ``out`` (the staging folder)."""
    from mitlib.data.territory import load_territory

    def say(message: str) -> None:
        if progress is not None:
            progress(message)

    territory = load_territory()
    provenance = input_provenance(territory, inputs)
    jobs = _jobs(territory, inputs)
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
            _parameters(job, inputs, public),
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
    results: dict[int, list[Path]] = {}
    if todo:
        say(f"{len(todo)} notebooks à exécuter, {min(workers, len(todo))} à la fois")
    if runs:
        # One process per worker, each driving its own kernel: no kernel
        # client shares a thread or a ZeroMQ context with another. Workers
        # (even a single one) ignore Ctrl-C; the main process stops them, and
        # so their kernels, which watch their parent, at once.
        # A worker that dies (killed, out of memory) breaks the pool at once
        # (BrokenProcessPool): nothing waits for a page that cannot come.
        pool = ProcessPoolExecutor(
            max_workers=max(1, min(workers, len(runs))),
            mp_context=multiprocessing.get_context("spawn"),
        )
        try:
            with _sigint_ignored():  # workers start while this is in force
                futures = {
                    pool.submit(_export_page, *run): n for n, run in enumerate(runs)
                }
            for done, future in enumerate(as_completed(futures), 1):
                n = futures[future]
                results[n] = future.result()
                say(f"[{done}/{len(todo)}] {runs[n][0].title} → {runs[n][0].output}")
        except BrokenProcessPool as error:
            _stop_workers(pool)
            raise ExecutionError(
                "Un processus d'exécution des notebooks s'est arrêté brutalement "
                "(mémoire insuffisante ?) : aucun fichier n'a été publié. Fermez "
                "d'autres programmes ou lancez l'export avec moins de notebooks à "
                "la fois, puis relancez."
            ) from error
        except BaseException:
            _stop_workers(pool)
            raise
        else:
            pool.shutdown()
    written = [p for n in sorted(results) for p in results[n]]
    written += _write_rejects(territory, inputs, out / "rejets", say)
    written += _write_tables(territory, inputs, out, say)
    written += _write_pairing(inputs, out / "binomes", public, say)
    written.append(write_index(out, written, skipped, provenance, fictional, public))
    say("Index : index.html")
    return written


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


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Stop the workers now (and so their kernels, which watch their parent)."""
    terminate = getattr(pool, "terminate_workers", None)  # Python ≥ 3.14
    if terminate is not None:
        terminate()
    else:
        for process in list((pool._processes or {}).values()):
            process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)


def _export_page(job: Job, parameters: dict, info: PageInfo, out: Path) -> list[Path]:
    """Execute one notebook and write its page(s): runs in a worker process."""
    from mitlib.core.config import NOTEBOOKS_DIR

    nb = normalize_notebook(execute_notebook(NOTEBOOKS_DIR / job.notebook, parameters))
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
    from mitlib.binomes.pairing import (
        load_pairing_inputs,
        run_pairing,
        write_pairing_outputs,
    )

    say("Binômes : tables, classeur, fiches par projet et par coach")
    result = run_pairing(load_pairing_inputs(inputs["coachs"], inputs["projets"]))
    return write_pairing_outputs(result, out / "tables", public=public)


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


def _is_fictional(inputs: Mapping[str, Path]) -> bool:
    """True when an input table is the bundled fictional sample (any format)."""
    import pandas as pd

    from mitlib.data.io import TableError, read_raw
    from mitlib.data.schemas import FICTIONAL_MARK

    for table, path in inputs.items():
        if table == "grille":
            continue
        try:
            raw, _ = read_raw(path)
        except TableError:
            continue  # reported when the table is loaded
        marked = raw.get("source", pd.Series(dtype=str)).str.contains(
            FICTIONAL_MARK, regex=False
        )
        if marked.any():
            return True
    return False


#: Index sections, in the order the comité reads them.
_SECTIONS = {
    "comite": "Pour le comité (sans code)",
    "comite/candidatures/fiches": "Fiches de notation par commune",
    "comite/candidatures": "Dossier du comité : tables et procès-verbal",
    "fiches": "Fiches diagnostic (Pays et EPCI)",
    "": "Carte du Pays",
    "diagnostic": "Tables du diagnostic",
    "binomes": "Binômes coachs–porteurs, par marathon",
    "binomes/tables/fiches": "Binômes : index des fiches",
    "binomes/tables": "Binômes : tables et classeur des organisateurs",
    "notebooks": "Rapports complets, avec le code",
    "rejets": "Lignes rejetées des fichiers d'entrée (à corriger)",
}


def _section_key(folder: str) -> tuple[int, str]:
    """Known sections in :data:`_SECTIONS` order; per-marathon sheet folders
    right after the pairing index; anything else last, alphabetically."""
    order = list(_SECTIONS)
    if folder in _SECTIONS:
        return order.index(folder), ""
    if folder.startswith("binomes/tables/fiches/"):
        return order.index("binomes/tables/fiches"), folder
    return len(order), folder


def write_index(
    out: Path,
    pages: list[Path],
    skipped: list,
    provenance: list[tuple[str, str]],
    fictional: bool,
    public: bool,
) -> Path:
    """Write ``index.html`` linking every file, grouped by folder (relative
    links, sorted)."""
    groups: dict[str, list[str]] = {}
    for p in sorted(pages):
        rel = p.relative_to(out).as_posix()
        groups.setdefault(rel.rpartition("/")[0], []).append(rel)
    sections = []
    for folder in sorted(groups, key=_section_key):
        files = groups[folder]
        heading = _SECTIONS.get(folder, folder)
        if folder.startswith("binomes/tables/fiches/"):
            heading = f"Binômes : fiches du marathon {folder.rpartition('/')[2]}"
        items = "".join(
            f'<li><a href="{html.escape(rel)}">{html.escape(rel)}</a></li>'
            for rel in files
        )
        sections.append(
            f'<h2>{html.escape(heading)}</h2><ul class="mitlib-index">{items}</ul>'
        )
    body = "".join(sections)
    missing = "".join(
        f"<li>{html.escape(job.title)} : fichiers absents "
        f"({html.escape(', '.join(absent))})</li>"
        for job, absent in skipped
    )
    if missing:
        body += f"<h2>Non produit</h2><ul>{missing}</ul>"
    path = out / "index.html"
    path.write_text(
        render_page(body, PageInfo("Exports mitlib", provenance, fictional, public)),
        encoding="utf-8",
    )
    return path
