"""Provenance facts printed on every output: versions, sources, file hashes."""

from __future__ import annotations

import hashlib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

__all__ = ["file_sha256", "mitlib_version", "territory_facts"]


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
