"""Dragonbear: an open knowledge graph of Russia-China military-technical cooperation."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["__version__", "shipped_data"]
__version__ = "0.1.0"


def shipped_data(name: str) -> Path:
    """Path of a file or folder shipped in ``dragonbear/data`` (``curated``, ``sipri/extract.csv``)."""
    return Path(str(resources.files(__name__) / "data" / name))
