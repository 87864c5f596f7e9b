"""Paths and packaging: every file a `mit` command reads ships in the wheel."""

from __future__ import annotations

import tomllib
from pathlib import Path

import mitlib.core.config as config

ROOT = Path(__file__).resolve().parents[1]


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))


def _shipped(folder: str, patterns: list[str]) -> tuple[list[str], list[str]]:
    """All files of a checkout folder, and those no package-data pattern takes
    (setuptools expands the patterns with recursive glob, as Path.glob)."""
    base = ROOT / folder
    files = sorted(
        p.relative_to(base).as_posix()
        for p in base.rglob("*")
        if p.is_file() and ".ipynb_checkpoints" not in p.parts
    )
    taken = {p.relative_to(base).as_posix() for pat in patterns for p in base.glob(pat)}
    return files, [f for f in files if f not in taken]


def test_data_and_notebooks_ship_in_the_package():
    setuptools = _pyproject()["tool"]["setuptools"]
    assert setuptools["package-dir"]["mitlib._data"] == "data"
    assert setuptools["package-dir"]["mitlib._notebooks"] == "notebooks"
    data = setuptools["package-data"]
    files, missing = _shipped("data", data["mitlib._data"])
    assert (
        "exemple/locaux.csv" in files
        and "territoires/pays-vallee-du-lot/communes.parquet" in files
    )
    assert missing == []  # a new kind of data file needs its pattern in pyproject
    files, missing = _shipped("notebooks", data["mitlib._notebooks"])
    assert len(files) >= 4 and missing == []


def test_every_mit_command_has_its_dependencies_without_dev_extras():
    runtime = " ".join(_pyproject()["project"]["dependencies"])
    for package in ("papermill", "nbclient", "nbformat", "nbconvert", "ipykernel"):
        assert package in runtime, package


def test_installed_layout_is_preferred_to_the_checkout(tmp_path, monkeypatch):
    package = tmp_path / "site-packages" / "mitlib"
    (package / "_data").mkdir(parents=True)
    monkeypatch.setattr(config, "_PACKAGE", package)
    monkeypatch.setattr(config, "PROJECT_ROOT", package.parent)
    assert config._shipped("_data", "data") == package / "_data"
    assert config._shipped("_notebooks", "notebooks") == package.parent / "notebooks"


def test_checkout_paths():
    assert config.DATA_DIR == ROOT / "data"
    assert config.NOTEBOOKS_DIR == ROOT / "notebooks"
    assert (config.EXAMPLE_DIR / "grille.yaml").exists()


def test_environment_yml_lists_every_runtime_dependency():
    """The conda environment and ``pip install .`` install the same packages."""
    import re

    root = Path(config.PROJECT_ROOT)
    project = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))["project"]
    env = (root / "environment.yml").read_text("utf-8")
    listed = {
        m.group(1).lower(): m.group(2)
        for m in re.finditer(r"^\s*-\s+([A-Za-z0-9_.-]+)(>=[0-9.]+)", env, re.M)
    }
    for requirement in project["dependencies"]:
        name, bound = re.match(r"([A-Za-z0-9_.-]+)(>=[0-9.]+)", requirement).groups()
        assert listed.get(name.lower()) == bound, requirement
