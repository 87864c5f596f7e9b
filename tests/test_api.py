"""The public facade: ``from mitlib import …`` gives the notebooks' entry points."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import mitlib

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def test_every_public_name_resolves_to_its_definition():
    for name, module in mitlib._PUBLIC.items():
        value = getattr(mitlib, name)
        assert value.__module__ == module, name
    assert set(mitlib.__all__) == {"__version__", *mitlib._PUBLIC}


def test_unknown_name_is_an_attribute_error():
    try:
        mitlib.pas_une_fonction  # noqa: B018
    except AttributeError as exc:
        assert "pas_une_fonction" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("AttributeError attendue")


def test_import_mitlib_loads_no_domain_module():
    code = (
        "import sys, mitlib; "
        "print(sorted(m for m in sys.modules if m.startswith('mitlib.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "[]"


def test_notebooks_import_only_from_the_facade():
    deep = []
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        for cell in json.loads(path.read_text("utf-8"))["cells"]:
            source = "".join(cell["source"])
            deep += [
                f"{path.name}: {m}" for m in re.findall(r"from mitlib\.\S+", source)
            ]
    assert deep == []
