"""The layering of mitlib (ARCHITECTURE.md): imports only go downwards.

mitlib is made of subpackages, one per layer or domain. A module may import
(at the top or inside a function) modules of its own subpackage or of a
lower one, never of a higher one nor of a sibling domain (the candidacies
and the pairing do not know each other). Internal modules never import the
top-level ``mitlib`` facade: it is the notebooks' entry point.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "mitlib"

#: Rank of each subpackage, lowest first (the same table as ARCHITECTURE.md).
#: Two subpackages of the same rank may not import each other.
RANKS: dict[str, int] = {
    "core": 0,
    "solve": 1,
    "data": 2,
    "render": 3,
    "diagnostic": 4,
    "candidatures": 5,
    "binomes": 5,
    "planning": 6,
    "export": 7,
    "seances": 8,
    "cli": 9,
}


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.parent != PACKAGE)


def _subpackage(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0]


def _dotted(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(("mitlib",) + tuple(p for p in parts if p != "__init__"))


def _imports(path: Path, *, top_only: bool = False) -> set[str]:
    """Dotted names of the mitlib modules and packages ``path`` imports."""
    tree = ast.parse(path.read_text("utf-8"))
    nodes = tree.body if top_only else ast.walk(tree)
    found = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.level:
                raise AssertionError(f"{path}: import relatif, écrire mitlib.…")
            if node.module == "mitlib":
                found |= {f"mitlib.{a.name}" for a in node.names}
            else:
                found.add(node.module)
                found |= {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return {n for n in found if n == "mitlib" or n.startswith("mitlib.")}


def test_every_subpackage_has_a_rank():
    subpackages = {
        p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()
    } - {"_data", "_notebooks"}
    assert sorted(subpackages - set(RANKS)) == [], "sous-paquet à classer (RANKS)"
    assert sorted(set(RANKS) - subpackages) == [], "sous-paquet disparu"
    flat = sorted(p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py")
    assert flat == [], "un module va dans un sous-paquet"


def test_imports_only_go_downwards():
    wrong = []
    for path in _modules():
        own = _subpackage(path)
        for target in _imports(path):
            parts = target.split(".")
            if len(parts) == 1:
                wrong.append(f"{_dotted(path)} → mitlib (la façade des notebooks)")
                continue
            other = parts[1]
            if other not in RANKS or other == own:
                continue
            if RANKS[other] >= RANKS[own]:
                wrong.append(f"{_dotted(path)} → {target}")
    assert wrong == []


def test_no_two_modules_import_each_other_at_the_top():
    names = {_dotted(p): p for p in _modules()}
    top = {
        name: _imports(path, top_only=True) & set(names) for name, path in names.items()
    }
    cycles = sorted(f"{a} ↔ {b}" for a in top for b in top[a] if a in top.get(b, ()))
    assert cycles == []


def test_the_layering_check_sees_a_wrong_import(tmp_path):
    fake = tmp_path / "mitlib" / "core" / "x.py"
    fake.parent.mkdir(parents=True)
    fake.write_text("from mitlib.binomes.pairing import solve_marathon\n", "utf-8")
    assert _imports(fake) == {
        "mitlib.binomes.pairing",
        "mitlib.binomes.pairing.solve_marathon",
    }


#: Largest module, in lines (ARCHITECTURE.md): one job per module.
MAX_LINES = 600


def test_no_module_over_600_lines():
    sizes = {
        _dotted(p): len(p.read_text("utf-8").splitlines())
        for p in sorted(PACKAGE.rglob("*.py"))
    }
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}
    assert len(sizes) > 40  # the check sees the whole package
