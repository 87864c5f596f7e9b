"""The layering of mitlib (ARCHITECTURE.md): imports only go downwards.

Every module of ``mitlib`` is declared in one layer; a module may import
(at the top or inside a function) modules of its own layer or of lower
layers, never of a higher one. A new module must be declared here, in the
layer its imports allow: the test names what is missing.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "mitlib"

#: Layer of each module, lowest first (the same table as ARCHITECTURE.md).
LAYERS: dict[str, tuple[str, ...]] = {
    "socle": (
        "config",
        "errors",
        "text",
        "provenance",
        "printable",
        "offline",
        "writers",
    ),
    "donnees": (
        "schemas",
        "privacy",
        "io",
        "territory",
        "templates",
        "outputs",
        "lexicon",
    ),
    "metier": (
        "indicators",
        "diagnosis",
        "maps",
        "grid_options",
        "mcda",
        "grid",
        "scoring",
        "sensitivity",
        "attribution",
        "history",
        "candidacies",
        "proposal",
        "affinity",
        "affinity_explain",
        "affinity_table",
        "flows",
        "matching",
        "pairing",
    ),
    "pages": (
        "candidacy_map",
        "sheets",
        "candidacy_outputs",
        "explorer",
        "candidacy_explorer",
        "pairing_explorer",
    ),
    "travaux": ("execution", "exports", "sample", "sample_pairing"),
    "commande": ("cli",),
}
RANK = {m: n for n, mods in enumerate(LAYERS.values()) for m in mods}


def _imports(path: Path) -> set[str]:
    """mitlib modules imported anywhere in ``path``."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
            if node.module == "mitlib":
                names = [f"mitlib.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        found |= {n.split(".")[1] for n in names if n.startswith("mitlib.")}
    return found - {path.stem}


def test_every_module_is_declared_in_one_layer():
    modules = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__"}
    declared = [m for mods in LAYERS.values() for m in mods]
    assert len(declared) == len(set(declared)), "un module dans deux couches"
    assert sorted(modules - set(declared)) == [], "couche à déclarer (LAYERS)"
    assert sorted(set(declared) - modules) == [], "module disparu"


def test_imports_only_go_downwards():
    upward = []
    for path in sorted(PACKAGE.glob("*.py")):
        if path.stem == "__init__":
            continue
        for target in _imports(path):
            if RANK[target] > RANK[path.stem]:
                upward.append(f"{path.stem} → {target}")
    assert upward == []


def test_no_two_modules_import_each_other_at_the_top():
    top: dict[str, set[str]] = {}
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        top[path.stem] = {
            node.module.split(".")[1]
            for node in tree.body
            if isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.startswith("mitlib.")
        }
    cycles = sorted(f"{a} ↔ {b}" for a in top for b in top[a] if a in top.get(b, ()))
    assert cycles == []
