"""The comité's frozen decision: its files, written once, and read back.

:func:`write_decision` is what « Arrêter la décision » runs
(:meth:`mitlib.seances.comite.CommitteeSession.freeze`): in a new dated
folder ``decision_AAAA-MM-JJ_HHhMM``, written all or nothing by
:class:`mitlib.data.outputs.OutputFolder`:

* ``proces_verbal.xlsx``: the session's sheets first (``seance``,
  ``decision``, ``poids``, ``regles``, ``derogations``, ``journal``,
  ``empreintes``), then every sheet of
  :func:`mitlib.candidatures.outputs.write_candidacy_outputs`, whose tables,
  provenance and score sheets (``fiches/``) are written beside it;
* ``proces_verbal.pdf`` (:mod:`mitlib.seances.comite_pv`);
* ``grille_finale.yaml``: the final weights and applied rules as a grid file,
  checked to read back into the same grid and the same ranking;
* ``attribution_retenue.csv``, ``journal.csv``, ``derogations.csv``,
  ``empreintes.csv`` (SHA-256 of the grid and of every input file);
* ``decision.json``: the state of the session (weights, rules and their
  reasons, overrides, log, input files and their SHA-256, ranking and
  attribution), which :func:`read_decision` reads back.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

import pandas as pd
import yaml

from mitlib.candidatures.grid import Grid
from mitlib.candidatures.inputs import CandidacyInputs, load_candidacies
from mitlib.candidatures.outputs import write_candidacy_outputs
from mitlib.candidatures.scoring import score
from mitlib.candidatures.sheets import rule_text
from mitlib.core.errors import InputError
from mitlib.core.provenance import file_sha256, mitlib_version
from mitlib.core.text import count_fr, format_fr
from mitlib.core.writers import write_csv
from mitlib.data.outputs import MANIFEST, OutputFolder
from mitlib.seances.comite_pv import minutes_html, write_pdf

__all__ = [
    "DECISION_FILE",
    "decision_warnings",
    "weight_text",
    "FINAL_GRID",
    "ROLES",
    "check_reopened",
    "find_files",
    "load_inputs",
    "read_decision",
    "session_sheets",
    "write_decision",
    "write_grid",
]

#: Manifest of a frozen decision (what :func:`read_decision` reads).
DECISION_FILE = "decision.json"
#: The final weights and rules, as a grid file mitlib reads.
FINAL_GRID = "grille_finale.yaml"
#: Input files of a session, by role, and what each is.
ROLES = {
    "grille": "grille de notation publiée",
    "candidatures": "dossiers de candidature",
    "locaux": "locaux vacants (diagnostic)",
    "acteurs": "acteurs (diagnostic)",
    "evenements": "événements (diagnostic)",
}
_DIAGNOSIS = ("locaux", "acteurs", "evenements")
_FORMAT = "mitlib-decision-comite"
_ATTRIBUTION_KEYS = ["epci_siren", "code_insee", "theme", "periode", "derogation"]


def weight_text(weight: float) -> str:
    """A weight as people type it: ``4``, ``2,5``.

    Examples
    --------
    >>> weight_text(4.0), weight_text(2.5), weight_text(0.125)
    ('4', '2,5', '0,125')
    """
    text = format_fr(weight, 3)
    return text.rstrip("0").rstrip(",") if "," in text else text


def decision_warnings(session, out: pd.DataFrame) -> list[str]:
    """French warnings on the attribution decided *out* (see
    :meth:`mitlib.seances.comite.CommitteeSession.decision`)."""
    settings, warnings = session.grid.attribution, []
    for row in out[out["derogation"] == "oui"].itertuples():
        if settings.min_note is not None and row.note_sur_20 < settings.min_note:
            warnings.append(
                f"{row.commune} : note {format_fr(row.note_sur_20, 2)} sur 20, "
                "sous la note minimale de la grille "
                f"({weight_text(settings.min_note)})."
            )
        if settings.only_ranked_themes and pd.isna(row.rang_theme):
            warnings.append(f"{row.commune} n'a pas classé le thème « {row.theme} ».")
    labels = session.inputs.table.loc[list(out["code_insee"]), "label"]
    for label, count in settings.required_labels.items():
        have = int((labels == label).sum())
        if have < count:
            warnings.append(
                (
                    count_fr(
                        have, "commune hôte labellisée", "communes hôtes labellisées"
                    )
                    if have
                    else "Aucune commune hôte labellisée"
                )
                + f" {label}, quand la grille en demande au moins {count}."
            )
    return warnings


# -- the input files ---------------------------------------------------------


def find_files(
    donnees: Path | str | None, grille: Path | str | None
) -> dict[str, Path]:
    """The input files of a session, by role (:data:`ROLES`).

    *donnees* is a folder like ``mit exporter --donnees`` (None: the sample);
    its ``grille.yaml`` is used unless *grille* is given.
    """
    files = _found(donnees)
    where = "l'exemple" if donnees is None else f"le dossier {Path(donnees).absolute()}"
    missing = [t for t in ("candidatures", *_DIAGNOSIS) if t not in files]
    if missing:
        raise InputError(
            f"Tables absentes dans {where} : {', '.join(missing)} (candidatures.csv, "
            "locaux.csv, acteurs.csv, evenements.csv ; modèles : mit modeles)."
        )
    if grille is not None:
        files["grille"] = Path(grille).absolute()
    elif "grille" not in files:
        raise InputError(
            f"Pas de grille de notation dans {where} : ajoutez-y grille.yaml ou "
            "indiquez-la (--grille) ; le modèle commenté est data/exemple/grille.yaml."
        )
    return files


def _found(donnees: Path | str | None) -> dict[str, Path]:
    from mitlib.export.inputs import find_inputs

    return {k: v for k, v in find_inputs(donnees).items() if k in ROLES}


def load_inputs(files: dict[str, Path]) -> CandidacyInputs:
    """The candidacies, the grid and the diagnosis of *files*."""
    from mitlib.data.territory import load_territory
    from mitlib.diagnostic.diagnosis import run_diagnosis

    diagnosis = run_diagnosis(load_territory(), {t: files[t] for t in _DIAGNOSIS})
    return load_candidacies(files["candidatures"], files["grille"], diagnosis=diagnosis)


def check_file(role: str, path: Path, digest: str, *, folder: Path | None = None):
    """Refuse a missing file or one whose SHA-256 is not *digest* (French):
    during the session (*folder* None) or since the decision of *folder*."""
    where = "" if folder is None else f"La décision {folder.name} ne peut pas être "
    where += "rouverte : " if folder is not None else ""
    if not Path(path).is_file():
        raise InputError(
            f"{where}fichier « {ROLES.get(role, role)} » introuvable : {path}. "
            "Indiquez le dossier des données d'origine (--donnees)."
        )
    now = file_sha256(path)
    if now != digest:
        since = "pendant la séance" if folder is None else "depuis la décision"
        advice = (
            "Rechargez la page pour délibérer sur les fichiers actuels."
            if folder is None
            else "Rouvrez-la avec les fichiers d'origine, ou ouvrez une nouvelle "
            "séance sur les fichiers actuels."
        )
        raise InputError(
            f"{where}le fichier {Path(path).name} ({ROLES.get(role, role)}) a changé "
            f"{since} (empreinte SHA-256 enregistrée {digest[:12]}…, actuelle "
            f"{now[:12]}…). {advice}"
        )


# -- writing -----------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """No YAML anchors or aliases: the grid reader refuses them."""

    def ignore_aliases(self, data) -> bool:  # noqa: ARG002 - every node
        return True


def write_grid(grid: Grid, path: Path, header: str = "") -> Path:
    """*grid* as a YAML grid file (French field names, comment *header*)."""
    text = yaml.dump(
        grid.to_dict(), Dumper=_Dumper, allow_unicode=True, sort_keys=False
    )
    comment = "".join(
        f"# {line}\n".replace("# \n", "#\n") for line in header.splitlines()
    )
    path.write_text(comment + text, encoding="utf-8")
    return path


def _manifest(session, now: datetime, name: str) -> dict:
    decided, warnings = session.decision()
    return {
        "format": _FORMAT,
        "version": 1,
        "mitlib": mitlib_version(),
        "arretee_le": now.isoformat(timespec="seconds"),
        "dossier": name,
        "donnees": None if session.donnees is None else str(session.donnees),
        "public": session.public,
        "fictif": bool(session.inputs.fictional),
        "fichiers": [
            {"role": r, "fichier": p.name, "chemin": str(p), "sha256": d}
            for r, (p, d) in session.files.items()
        ],
        "grille_publiee_sha256_parametres": session.base.sha256(),
        "grille_finale_sha256_parametres": session.grid.sha256(),
        "poids": dict(session.weights),
        "regles": {
            k: {"appliquee": a, "motif": r} for k, (a, r) in session.rules.items()
        },
        "derogations": [asdict(o) for o in session.overrides.values()],
        "journal": [asdict(c) for c in session.log],
        "classement": [str(c) for c in session.analysis.result.ranking],
        "attribution": _records(decided),
        "avertissements": warnings,
    }


def _records(decided: pd.DataFrame) -> list[dict]:
    return [
        {k: str(v) for k, v in r.items()}
        for r in decided[_ATTRIBUTION_KEYS].to_dict("records")
    ]


def session_sheets(
    session, manifest: dict, grid_sha256: str = ""
) -> dict[str, pd.DataFrame]:
    """The session's tables: ``seance``, ``decision``, ``poids``, ``regles``,
    ``derogations``, ``journal`` and ``empreintes`` (raw values, French
    column names without accents, as the other sheets of the minutes)."""
    base, grid = session.base, session.grid
    decided, warnings = session.decision()
    rows = [
        ("decision arretee le", manifest["arretee_le"]),
        ("dossier", manifest["dossier"]),
        ("donnees", manifest["donnees"] or "exemple fourni avec mitlib (fictif)"),
        ("territoire", session.inputs.territory.name),
        ("grille", base.name),
        ("changements pendant la seance", str(len(session.log))),
        ("derogations a la proposition", str(len(session.overrides))),
        *(("avertissement", w) for w in warnings),
    ]
    shares = {"grille": base.weights, "arrete": grid.weights}
    weights = pd.DataFrame(
        [
            {
                "critere": k,
                "libelle": session.labels[k],
                "poids_grille": base.criterion(k).weight,
                "poids_arrete": w,
                "part_grille": float(shares["grille"][k]),
                "part_arretee": float(shares["arrete"][k]),
                "modifie": "oui" if w != base.criterion(k).weight else "non",
            }
            for k, w in session.weights.items()
        ]
    )
    rules = pd.DataFrame(
        [
            {
                "critere": k,
                "libelle": session.labels[k],
                "condition": rule_text(base.criterion(k).elimination),
                "motif_elimination": base.criterion(k).elimination.reason,
                "etat": "appliquee" if applied else "levee",
                "motif_du_changement": reason,
            }
            for k, (applied, reason) in session.rules.items()
        ],
        columns=[
            "critere",
            "libelle",
            "condition",
            "motif_elimination",
            "etat",
            "motif_du_changement",
        ],
    )
    proposed = (
        decided.set_index("epci_siren")["commune_proposee"] if len(decided) else {}
    )
    overrides = pd.DataFrame(
        [
            {
                "epci_siren": o.epci,
                "epci_nom": session.epci_name(o.epci),
                "commune_proposee": proposed.get(o.epci, ""),
                "nom_commune_proposee": session.commune_name(proposed[o.epci])
                if o.epci in proposed
                else "",
                "commune_retenue": o.commune,
                "nom_commune_retenue": session.commune_name(o.commune),
                "justification": o.justification,
                "heure": o.heure,
            }
            for o in session.overrides.values()
        ],
        columns=[
            "epci_siren",
            "epci_nom",
            "commune_proposee",
            "nom_commune_proposee",
            "commune_retenue",
            "nom_commune_retenue",
            "justification",
            "heure",
        ],
    )
    log = pd.DataFrame(
        [asdict(c) for c in session.log],
        columns=[
            "heure",
            "type",
            "objet",
            "cle",
            "ancienne_valeur",
            "nouvelle_valeur",
            "motif",
        ],
    )
    prints = [
        {"role": ROLES[r], "fichier": p.name, "sha256": d}
        for r, (p, d) in session.files.items()
    ]
    if grid_sha256:
        prints.append(
            {
                "role": "grille finale (poids arrêtés)",
                "fichier": FINAL_GRID,
                "sha256": grid_sha256,
            }
        )
    prints += [
        {
            "role": "grille publiée : empreinte des paramètres",
            "fichier": "",
            "sha256": base.sha256(),
        },
        {
            "role": "grille finale : empreinte des paramètres",
            "fichier": "",
            "sha256": grid.sha256(),
        },
    ]
    return {
        "seance": pd.DataFrame(rows, columns=["element", "valeur"]),
        "decision": decided,
        "poids": weights,
        "regles": rules,
        "derogations": overrides,
        "journal": log,
        "empreintes": pd.DataFrame(prints, columns=["role", "fichier", "sha256"]),
    }


def _target(root: Path, now: datetime) -> Path:
    """A new dated folder (``_2``, ``_3``… when the minute is taken)."""
    target = root / f"decision_{now:%Y-%m-%d_%Hh%M}"
    n = 2
    while target.exists():  # a frozen decision is never overwritten
        target = root / f"decision_{now:%Y-%m-%d_%Hh%M}_{n}"
        n += 1
    return target


def write_decision(session, folder: Path) -> tuple[Path, dict]:
    """Write the decision of *session* in a new dated sub-folder of *folder*;
    the folder and the manifest (the content of ``decision.json``)."""
    for role, (path, digest) in session.files.items():
        check_file(role, path, digest)
    now = session.clock()
    target = _target(Path(folder).absolute(), now)
    analysis = session.robustness()
    manifest = _manifest(session, now, target.name)
    personal = ()
    if session.public:
        from mitlib.data.privacy import personal_values

        personal = personal_values(
            {r: p for r, (p, _) in session.files.items() if r != "grille"}
        )
    with OutputFolder(
        target, public=session.public, personal=personal, command="mit seance comite"
    ) as out:
        staging = out.staging
        grid_file = write_grid(
            session.grid,
            staging / FINAL_GRID,
            f"Grille finale arrêtée par le comité le {now:%d/%m/%Y à %H:%M} "
            f"(dossier {target.name}).\nPoids et règles éliminatoires appliqués "
            "pour la décision ; la grille publiée est inchangée.\nLisible par mitlib : "
            "mit candidatures noter --grille grille_finale.yaml",
        )
        _check_grid(grid_file, session)
        sheets = session_sheets(session, manifest, file_sha256(grid_file))
        write_candidacy_outputs(analysis, staging, extra_sheets=sheets)
        for name, sheet in (
            ("attribution_retenue", "decision"),
            ("journal", "journal"),
            ("derogations", "derogations"),
            ("empreintes", "empreintes"),
        ):
            write_csv(sheets[sheet], staging / f"{name}.csv", float_format="%.6g")
        write_pdf(
            minutes_html(session, analysis, manifest, sheets),
            staging / "proces_verbal.pdf",
        )
        (staging / DECISION_FILE).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
    return target, manifest


def _check_grid(path: Path, session) -> None:
    """The grid file must read back into the same grid and ranking."""
    again = Grid.from_yaml(path)
    ranking = score(session.inputs.table, again).ranking
    if again.sha256() != session.grid.sha256() or list(ranking) != list(
        session.analysis.result.ranking
    ):  # pragma: no cover - a bug of Grid.to_dict / from_dict
        raise RuntimeError(f"{FINAL_GRID} ne redonne pas la grille de la décision")


# -- reading back ------------------------------------------------------------


def read_decision(folder: Path, donnees: Path | str | None = None):
    """``(folder, manifest, inputs)`` of a frozen decision, its input files
    checked against their recorded SHA-256 (found where they were, or by
    name in *donnees*)."""
    folder = Path(folder).absolute()
    path = folder / DECISION_FILE
    if not path.is_file():
        raise InputError(
            f"{folder} n'est pas un dossier de décision du comité ({DECISION_FILE} "
            "absent) : indiquez le dossier daté decision_AAAA-MM-JJ_HHhMM."
        )
    listed = folder / MANIFEST
    if listed.is_file():
        for e in json.loads(listed.read_text("utf-8")).get("fichiers", []):
            name = e["fichier"]
            if name in (DECISION_FILE, FINAL_GRID) and (
                file_sha256(folder / name) != e["sha256"]
            ):
                raise InputError(
                    f"{folder / e['fichier']} a été modifié après l'arrêt de la "
                    "décision : elle ne peut pas être rouverte à l'identique."
                )
    try:
        data = json.loads(path.read_text("utf-8"))
    except ValueError:
        data = None
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        raise InputError(f"{path} est illisible : ce n'est pas une décision mitlib.")
    found = _found(donnees) if donnees is not None else {}
    paths = {}
    for f in data["fichiers"]:
        paths[f["role"]] = found.get(f["role"], Path(f["chemin"]))
        check_file(f["role"], paths[f["role"]], f["sha256"], folder=folder)
    return folder, data, load_inputs(paths)


def check_reopened(session, data: dict, folder: Path) -> None:
    """The reopened session must give the frozen grid, ranking and attribution."""
    decided, _ = session.decision()
    grid = Grid.from_yaml(folder / FINAL_GRID)
    if (
        session.grid.sha256() != data["grille_finale_sha256_parametres"]
        or grid.sha256() != data["grille_finale_sha256_parametres"]
        or [str(c) for c in session.analysis.result.ranking] != data["classement"]
        or _records(decided) != data["attribution"]
    ):
        raise InputError(
            f"La décision {folder.name} ne se recalcule pas à l'identique avec "
            f"mitlib {mitlib_version()} (arrêtée avec mitlib {data['mitlib']}) : "
            "consultez son procès-verbal (proces_verbal.pdf)."
        )
