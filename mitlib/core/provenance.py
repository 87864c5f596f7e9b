"""Provenance and reproducibility of outputs: versions, sources, file hashes,
and byte-identical XLSX and GeoPackage files."""

from __future__ import annotations

import hashlib
import re
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

__all__ = [
    "FIXED_DATE",
    "file_sha256",
    "mitlib_version",
    "reproducible_geopackage",
    "territory_facts",
]

#: Date written where a file format insists on a timestamp (XLSX, GeoPackage),
#: so that the same inputs give the same bytes.
FIXED_DATE = "2000-01-01T00:00:00Z"
_CORE_DATES = re.compile(
    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)"
)


def file_sha256(path: Path | str) -> str:
    """SHA-256 of a file's bytes, in hex.

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile(delete=False) as f:
    ...     _ = f.write(b"abc")
    >>> file_sha256(f.name)[:16]
    'ba7816bf8f01cfea'
    >>> os.unlink(f.name)
    """
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def mitlib_version() -> str:
    """Installed mitlib version."""
    try:
        return version("mitlib")
    except PackageNotFoundError:  # pragma: no cover - source tree not installed
        return "0+inconnu"


def territory_facts(territory) -> list[tuple[str, str]]:
    """(label, value) pairs describing mitlib and the territory's sources."""
    meta = territory.meta
    return [
        ("mitlib", mitlib_version()),
        ("territoire", territory.name),
        ("territoire : source", meta.get("source", "")),
        ("territoire : licence", meta.get("licence", "")),
        ("population : millésime", meta.get("millesime_population", "")),
    ]


def reproducible_geopackage() -> None:
    """Make GDAL stamp :data:`FIXED_DATE` in GeoPackage files it writes.

    GeoPackage records a "last change" time per layer; with this setting, the
    same layers give the same file. Call before writing (not done at import).
    """
    import pyogrio

    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": FIXED_DATE})
