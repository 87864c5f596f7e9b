"""mitlib: atelier Jupyter du programme « Mon Incroyable Territoire »."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("mitlib")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+inconnu"

__all__ = ["__version__"]
