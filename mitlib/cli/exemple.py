"""``mit exemple``: regenerate the fictional sample (diagnosis, candidacies,
pairing)."""

from __future__ import annotations

from pathlib import Path

from mitlib.cli.options import MAX_SEED, graine

__all__ = ["add_parser", "run"]


def add_parser(sub) -> None:
    """Declare ``exemple``."""
    sample = sub.add_parser("exemple", help="régénérer les données d'exemple fictives")
    sample.add_argument("--sortie", type=Path, help="dossier (défaut : data/exemple)")
    sample.add_argument(
        "--graine",
        type=graine,
        default=47,
        help=f"graine aléatoire, entier de 0 à {MAX_SEED} (défaut : 47)",
    )


def run(args) -> int:
    from mitlib.core.config import EXAMPLE_DIR
    from mitlib.data.sample import write_candidacy_sample, write_sample
    from mitlib.data.sample_pairing import write_pairing_sample

    out = args.sortie or EXAMPLE_DIR
    for path in write_sample(out, seed=args.graine):
        print(f"écrit : {path}")
    for path in write_candidacy_sample(out, seed=args.graine):
        print(f"écrit : {path}")
    for path in write_pairing_sample(out, seed=args.graine):
        print(f"écrit : {path}")
    return 0
