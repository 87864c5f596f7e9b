"""Safe file names from data and the all-or-nothing output folder."""

from __future__ import annotations

import json
import os
import re

import pytest

from mitlib.core.errors import InputError, OutputError, PrivacyError
from mitlib.data.outputs import (
    INCOMPLETE_NOTICE,
    MANIFEST,
    OutputFolder,
    inside,
    safe_name,
    safe_names,
)

ESCAPES = [
    "../../x/m1",
    "..",
    "/etc/passwd",
    "C:\\Windows\\system32",
    "a/../../b",
    "~/.ssh/id",
    "M1\x00.html",
    "nul",
    "",
    "   ",
    "é" * 300,
]


@pytest.mark.parametrize("value", ESCAPES)
def test_safe_name_never_leaves_the_folder(tmp_path, value):
    name = safe_name(value)
    assert name and len(name) <= 80
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", name)
    assert not name.startswith(("-", "."))
    path = inside(tmp_path, f"fiches/{name}.html")
    assert path.parent == tmp_path / "fiches"


def test_safe_name_is_stable_and_keeps_clean_ids():
    assert safe_name("M1-P01") == "M1-P01"
    assert safe_name("../../x/m1") == safe_name("../../x/m1") == "x_m1_224e43"
    # two values that fold to the same letters still get different names
    assert safe_name("a/b") != safe_name("a:b")


def test_safe_names_refuses_ids_sharing_a_file_name():
    assert safe_names(["P1", "P2", "P1"]) == {"P1": "P1", "P2": "P2"}
    with pytest.raises(
        InputError, match="« P-1 » et « p-1 » .projets.csv, colonne id."
    ):
        safe_names(["P-1", "p-1"], where="projets.csv, colonne id")


def test_inside_refuses_escapes_and_symlinks(tmp_path):
    for rel in ("../a", "/tmp/a", "a/../../b"):
        with pytest.raises(OutputError, match="sortirait du dossier"):
            inside(tmp_path, rel)
    (tmp_path / "lien").symlink_to(tmp_path.parent)
    with pytest.raises(OutputError):
        inside(tmp_path, "lien/a.html")


def _run(folder, files: dict[str, str], **kw) -> OutputFolder:
    with OutputFolder(folder, command="essai", **kw) as out:
        for rel, text in files.items():
            path = out.staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return out


def test_a_second_run_replaces_only_its_own_files(tmp_path):
    folder = tmp_path / "sortie"
    _run(folder, {"a.csv": "1", "fiches/M1/p.html": "x", "fiches/M2/q.html": "y"})
    manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
    assert manifest["statut"] == "complet" and manifest["version"] == "interne"
    assert [f["fichier"] for f in manifest["fichiers"]] == [
        "a.csv",
        "fiches/M1/p.html",
        "fiches/M2/q.html",
    ]
    out = _run(folder, {"a.csv": "2", "fiches/M1/p.html": "z"}, public=True)
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))
    # M2's sheet of the first run is gone, with its empty folder
    assert files == ["a.csv", "fiches", "fiches/M1", "fiches/M1/p.html", MANIFEST]
    assert (folder / "a.csv").read_text("utf-8") == "2"
    assert out.published == [folder / "a.csv", folder / "fiches/M1/p.html"]


def test_a_folder_with_foreign_files_is_refused_untouched(tmp_path):
    (tmp_path / "notes.docx").write_text("à moi", encoding="utf-8")
    with pytest.raises(OutputError, match=r"notes\.docx.*dossier vide"):
        _run(tmp_path, {"a.csv": "1"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.docx"]


def test_a_file_given_as_folder_is_refused(tmp_path):
    target = tmp_path / "exports"
    target.write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="est un fichier, pas un dossier"):
        _run(target, {"a.csv": "1"})


def test_a_read_only_folder_is_refused(tmp_path, monkeypatch):
    # root may write anywhere: the check asks the system, so ask it to say no
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode: False if p == tmp_path else real_access(p, mode)
    )
    with pytest.raises(OutputError, match="lecture seule"):
        _run(tmp_path, {"a.csv": "1"})
    assert list(tmp_path.iterdir()) == []


def test_an_interrupted_run_leaves_a_notice_and_the_previous_files(tmp_path):
    _run(tmp_path, {"a.csv": "1"})
    with pytest.raises(KeyboardInterrupt), OutputFolder(tmp_path) as out:
        (out.staging / "a.csv").write_text("2", encoding="utf-8")
        (out.staging / "b.csv").write_text("2", encoding="utf-8")
        raise KeyboardInterrupt
    notice = (tmp_path / INCOMPLETE_NOTICE).read_text("utf-8")
    assert "interrompue" in notice and "pas fiables" in notice
    assert (tmp_path / "a.csv").read_text("utf-8") == "1"
    assert not (tmp_path / "b.csv").exists()
    # the next run trusts nothing of it and ends clean
    _run(tmp_path, {"a.csv": "3"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", MANIFEST]


def test_a_public_run_that_would_leak_publishes_nothing(tmp_path):
    _run(tmp_path, {"a.csv": "1"})
    with pytest.raises(PrivacyError, match="Rien n'a été publié") as err:
        _run(
            tmp_path,
            {"a.csv": "2", "fiche.html": "<p>Camille O&#x27;Neil</p>"},
            public=True,
            personal=["Camille O'Neil", "camille@exemple.org"],
        )
    assert "fiche.html" in str(err.value)
    assert "Camille O'Neil" not in str(err.value)  # the message leaks nothing
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", MANIFEST]
    assert (tmp_path / "a.csv").read_text("utf-8") == "1"
