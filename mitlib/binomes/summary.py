"""The French console summary of a pairing (``mit binomes``).

:func:`summary` says which files were read and how many rows were kept, then
each marathon's result (total affinity, worst project, optimality, uncovered
needs) or why it cannot be paired, and where the outputs were written.
"""

from __future__ import annotations

from pathlib import Path

from mitlib.binomes.pairing import MODE_LABELS, PairingResult
from mitlib.core.text import count_fr, format_fr
from mitlib.data.fictional import FICTIONAL_NOTICE

__all__ = ["summary"]


def summary(
    result: PairingResult,
    written: list[Path] | None = None,
    directory: Path | str | None = None,
) -> str:
    """French console summary: inputs, each marathon's result or diagnosis."""
    inputs = result.inputs
    lines = [
        f"Coachs : {inputs.coachs.path.name} "
        f"({count_fr(len(inputs.coaches), 'ligne valide', 'lignes valides')}, "
        f"{count_fr(len(inputs.coachs.rejects), 'rejetée')}) ; projets : "
        f"{inputs.projets.path.name} "
        f"({count_fr(len(inputs.projects), 'ligne valide', 'lignes valides')}, "
        f"{count_fr(len(inputs.projets.rejects), 'rejetée')})"
    ]
    if inputs.affinity_path is not None:
        lines.append(f"Affinités saisies : {inputs.affinity_path.name}")
    lines += [f"Attention : {w}" for w in inputs.warnings]
    for mp in result.pairings:
        data = mp.data
        head = (
            f"Marathon {mp.marathon} : {len(data.projects)} projets, "
            f"{len(data.coaches)} coachs, mode {MODE_LABELS[mp.mode]}"
        )
        lines += [f"Attention : {w}" for w in data.warnings]
        if mp.feasible:
            a = mp.assignment
            status = (
                "optimal prouvé"
                if a.status == "optimal"
                else f"écart à l'optimum {format_fr(100 * (a.gap or 0), 2)} %"
            )
            n = len(a.uncovered)
            uncovered = (
                f", {n} besoin{'s' if n > 1 else ''} non couvert{'s' if n > 1 else ''}"
                if mp.coverage
                else ""
            )
            lines.append(
                f"{head} — affinité totale {format_fr(a.total, 3)}, pire projet "
                f"{format_fr(a.worst_project, 3)} ({status}{uncovered})."
            )
        else:
            lines.append(f"{head} — affectation impossible :")
            lines += [f"  - {d}" for d in mp.diagnostics]
    if written is not None and directory is not None:
        n_sheets = sum(1 for p in written if p.suffix == ".html") - 1
        lines.append(
            f"{len(written)} fichiers écrits dans {directory} "
            f"(dont {n_sheets} fiches dans {Path(directory) / 'fiches'})."
        )
    if result.fictional:
        lines.append(f"Attention : {FICTIONAL_NOTICE}")
    return "\n".join(lines)
