"""Where outputs go: file names made from data, and the output folder.

Every file name that contains a value read from a file (a marathon, project,
coach, commune or EPCI id…) is made by :func:`safe_name`: a stable ASCII
slug that cannot climb out of a folder, with a short hash when the value had
to change, and :func:`safe_names` refuses two values that would share a file.
:func:`inside` is the last guard: a path that leaves its folder is refused.

:class:`OutputFolder` is how a command writes a whole folder (``mit
exporter``, ``mit binomes``…):

* it refuses a folder that holds files it did not write (a public export
  must not sit next to an old internal one), except files listed in the
  manifest of its own previous run, which it replaces;
* everything is first written to a staging folder inside the output folder,
  while a file ``EXPORT_INCOMPLET.txt`` says the folder is being written; an
  interrupted run leaves that notice, and the next run trusts nothing of it;
* a public run searches every staged file for the inputs' personal values
  (:mod:`mitlib.data.privacy`) and publishes nothing if one is found;
* then the previous run's files are removed, the new ones moved in place and
  the manifest (``manifeste_mitlib.json``: every file with its SHA-256)
  written.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from mitlib.core.errors import InputError, OutputError, PrivacyError
from mitlib.core.provenance import file_sha256

__all__ = [
    "INCOMPLETE_NOTICE",
    "MANIFEST",
    "OutputFolder",
    "inside",
    "safe_name",
    "safe_names",
]

#: Manifest of an output folder: the files the last complete run wrote.
MANIFEST = "manifeste_mitlib.json"
#: Present while a run writes the folder, and left by an interrupted run.
INCOMPLETE_NOTICE = "EXPORT_INCOMPLET.txt"
_STAGING = ".mitlib_en_cours"
_MAX_NAME = 60
_WINDOWS_RESERVED = re.compile(r"(con|prn|aux|nul|com\d|lpt\d)", re.IGNORECASE)


def safe_name(value: object) -> str:
    """A file-name part made from a data value: safe, stable, readable.

    Letters without accents, digits, ``-`` and ``_`` are kept; anything else
    (``/``, ``..``, spaces, control characters) becomes ``_``. When the value
    had to change, a short hash of the original is appended, so that two
    different values never give the same name by accident.

    Examples
    --------
    >>> safe_name("M1"), safe_name("P-01")
    ('M1', 'P-01')
    >>> safe_name("../../x/m1")
    'x_m1_224e43'
    >>> safe_name("Sainte-Livrade-sur-Lot"), safe_name("Lot & Tolzac")
    ('Sainte-Livrade-sur-Lot', 'Lot_Tolzac_e06dfa')
    """
    text = str(value)
    ascii_text = (
        unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    )
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", ascii_text).strip("_-")
    slug = slug[:_MAX_NAME].rstrip("_-")
    if slug != text or not slug or _WINDOWS_RESERVED.fullmatch(slug):
        digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:6]
        slug = f"{slug}_{digest}" if slug else f"x_{digest}"
    return slug


def safe_names(values: Iterable[object], *, where: str = "") -> dict[object, str]:
    """:func:`safe_name` of each value, refusing two values that would share
    a file (names compared without case, as Windows and macOS do).

    ``where`` names the file and column the values come from, for the message:
    the fix is in the input (:class:`~mitlib.core.errors.InputError`).

    Examples
    --------
    >>> safe_names(["M1", "M2"])
    {'M1': 'M1', 'M2': 'M2'}
    >>> safe_names(["M1", "m1"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mitlib.core.errors.InputError: Les identifiants « M1 » et « m1 » donneraient ...
    """
    names: dict[object, str] = {}
    owners: dict[str, object] = {}
    for value in values:
        if value in names:
            continue
        name = safe_name(value)
        other = owners.get(name.casefold())
        if other is not None:
            source = f" ({where})" if where else ""
            raise InputError(
                f"Les identifiants « {other} » et « {value} »{source} donneraient le "
                f"même nom de fichier ({names[other]}, {name}) : rendez-les "
                "distincts dans le fichier d'entrée."
            )
        names[value] = name
        owners[name.casefold()] = value
    return names


def inside(root: Path | str, relative: Path | str) -> Path:
    """``root / relative``, refused if it would lie outside ``root``.

    Examples
    --------
    >>> inside("/tmp/sortie", "fiches/a.html").as_posix()
    '/tmp/sortie/fiches/a.html'
    >>> inside("/tmp/sortie", "../a.html")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mitlib.core.errors.OutputError: Chemin de sortie refusé : « ../a.html » ...
    """
    root = Path(root)
    path = root / relative
    base = os.path.realpath(root)
    target = os.path.realpath(path)
    if os.path.commonpath([base, target]) != base or Path(relative).is_absolute():
        raise OutputError(
            f"Chemin de sortie refusé : « {Path(relative).as_posix()} » sortirait "
            f"du dossier {root}."
        )
    return path


class OutputFolder:
    """A folder written by one command run, all or nothing (see module doc).

    Use as a context manager; write into :attr:`staging`; on a clean exit
    the files are published, on an error or Ctrl-C the folder keeps its
    previous content and the notice :data:`INCOMPLETE_NOTICE`.

    Parameters
    ----------
    path : path-like
        The output folder (created if needed).
    public : bool
        A public run: staged files are searched for ``personal`` values.
    personal : iterable of str
        Personal values of the inputs (:func:`mitlib.data.privacy.personal_values`).
    command : str
        The command, for the notice and the manifest (``mit exporter``).

    Examples
    --------
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp()) / "sortie"
    >>> with OutputFolder(root, command="essai") as folder:
    ...     _ = (folder.staging / "a.csv").write_text("x", encoding="utf-8")
    >>> sorted(p.name for p in root.iterdir())
    ['a.csv', 'manifeste_mitlib.json']
    """

    def __init__(
        self,
        path: Path | str,
        *,
        public: bool = False,
        personal: Iterable[str] = (),
        command: str = "mit",
    ) -> None:
        self.path = Path(path)
        self.public = public
        self.personal = list(personal)
        self.command = command
        self.staging = self.path / _STAGING
        self.published: list[Path] = []

    # -- before -----------------------------------------------------------
    def _previous(self) -> list[str]:
        """Files listed by the previous run's manifest (relative, POSIX)."""
        manifest = self.path / MANIFEST
        if not manifest.exists():
            return []
        try:
            data = json.loads(manifest.read_text("utf-8"))
            return [str(f["fichier"]) for f in data["fichiers"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise OutputError(
                f"{manifest} est illisible : videz le dossier {self.path} ou "
                "choisissez-en un autre."
            ) from exc

    def _check_folder(self) -> list[str]:
        if self.path.exists() and not self.path.is_dir():
            raise OutputError(
                f"{self.path} est un fichier, pas un dossier : choisissez un "
                "dossier de sortie (--sortie)."
            )
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except PermissionError as exc:
            raise OutputError(
                f"Impossible de créer le dossier {self.path} : accès refusé. "
                "Choisissez un dossier où vous pouvez écrire (--sortie)."
            ) from exc
        if not os.access(self.path, os.W_OK | os.X_OK):
            raise OutputError(
                f"Le dossier {self.path} est en lecture seule : choisissez un "
                "dossier où vous pouvez écrire (--sortie)."
            )
        previous = self._previous()
        ours = {MANIFEST, INCOMPLETE_NOTICE, _STAGING, *previous}
        strangers = []
        for path in sorted(self.path.rglob("*")):
            rel = path.relative_to(self.path).as_posix()
            if rel.startswith(_STAGING) or rel in ours:
                continue
            if path.is_dir() and any(f.startswith(rel + "/") for f in ours):
                continue
            strangers.append(rel)
        if strangers:
            shown = ", ".join(strangers[:5]) + (" …" if len(strangers) > 5 else "")
            raise OutputError(
                f"Le dossier {self.path} contient des fichiers qu'un export mitlib "
                f"n'a pas écrits ({shown}). Choisissez un dossier vide ou nouveau "
                "(--sortie), ou videz celui-ci : mitlib n'efface que ses propres "
                "fichiers."
            )
        return previous

    def __enter__(self) -> OutputFolder:
        self._old = self._check_folder()
        shutil.rmtree(self.staging, ignore_errors=True)  # an interrupted run's
        self.staging.mkdir()
        (self.path / INCOMPLETE_NOTICE).write_text(
            f"Ce dossier est en cours d'écriture par « {self.command} », ou cette "
            "écriture a été interrompue : ses fichiers ne sont pas fiables.\n"
            "Relancez la commande ; ce fichier disparaît quand elle se termine.\n",
            encoding="utf-8",
        )
        return self

    # -- after ------------------------------------------------------------
    def __exit__(self, kind, error, tb) -> bool:
        if kind is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            return False  # the notice stays: the folder is not trusted
        files = sorted(p for p in self.staging.rglob("*") if p.is_file())
        if self.public:
            self._check_privacy(files)
        self._publish(files)
        return False

    def _check_privacy(self, files: list[Path]) -> None:
        from mitlib.core.text import format_fr
        from mitlib.data.privacy import find_personal_values

        hits = find_personal_values(files, self.personal)
        if hits:
            shutil.rmtree(self.staging, ignore_errors=True)
            (self.path / INCOMPLETE_NOTICE).unlink(missing_ok=True)
            shown = "; ".join(
                f"{p.relative_to(self.staging).as_posix()} : « {v[:3]}… »"
                for p, v in hits[:5]
            )
            raise PrivacyError(
                f"Export public annulé : {format_fr(len(hits), 0)} donnée(s) "
                "personnelle(s) des "
                f"fichiers d'entrée se retrouveraient dans les fichiers écrits "
                f"({shown}). Rien n'a été publié dans {self.path}. Si une "
                "colonne publique contient aussi ce texte (une organisation qui "
                "porte le nom d'une personne), modifiez l'une des deux valeurs ; "
                "sinon c'est une erreur de mitlib : merci de la signaler."
            )

    def _publish(self, files: list[Path]) -> None:
        for rel in self._old:
            old = inside(self.path, rel)
            if old.is_file():
                old.unlink()
        for folder in sorted(
            {inside(self.path, rel).parent for rel in self._old}, reverse=True
        ):
            while folder != self.path and folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
                folder = folder.parent
        entries = []
        for src in files:
            rel = src.relative_to(self.staging)
            target = inside(self.path, rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(src, target)
            self.published.append(target)
            entries.append({"fichier": rel.as_posix(), "sha256": file_sha256(target)})
        shutil.rmtree(self.staging, ignore_errors=True)
        manifest = {
            "commande": self.command,
            "version": "publique" if self.public else "interne",
            "statut": "complet",
            "fichiers": entries,
        }
        (self.path / MANIFEST).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=1) + "\n",
            encoding="utf-8",
        )
        (self.path / INCOMPLETE_NOTICE).unlink(missing_ok=True)

    def final_paths(self, staged: Iterable[Path]) -> list[Path]:
        """Where staged files are once published (same relative paths)."""
        return [self.path / Path(p).relative_to(self.staging) for p in staged]
