"""Provenance and reproducibility of outputs: versions, sources, file hashes,
and byte-identical XLSX and GeoPackage files."""

from __future__ import annotations

import hashlib
import re
import zipfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

__all__ = [
    "FIXED_DATE",
    "file_sha256",
    "mitlib_version",
    "reproducible_geopackage",
    "stable_xlsx",
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


def stable_xlsx(path: Path | str) -> Path:
    """Rewrite an XLSX file so that it no longer depends on when it was written.

    openpyxl stamps the creation time in ``docProps/core.xml`` and the time of
    writing on every zip entry; both are replaced by :data:`FIXED_DATE`. The
    workbook content is unchanged.

    Examples
    --------
    >>> import tempfile, time, pandas as pd
    >>> folder = Path(tempfile.mkdtemp())
    >>> for name in ("a.xlsx", "b.xlsx"):
    ...     pd.DataFrame({"x": [1]}).to_excel(folder / name)
    ...     _ = stable_xlsx(folder / name)
    ...     time.sleep(1)
    >>> (folder / "a.xlsx").read_bytes() == (folder / "b.xlsx").read_bytes()
    True
    """
    path = Path(path)
    with zipfile.ZipFile(path) as src:
        entries = [(info, src.read(info.filename)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w") as dst:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                date = FIXED_DATE.encode()
                data = _CORE_DATES.sub(rb"\g<1>" + date + rb"\g<2>", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, data)
    return path


def reproducible_geopackage() -> None:
    """Make GDAL stamp :data:`FIXED_DATE` in GeoPackage files it writes.

    GeoPackage records a "last change" time per layer; with this setting, the
    same layers give the same file. Call before writing (not done at import).
    """
    import pyogrio

    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": FIXED_DATE})
