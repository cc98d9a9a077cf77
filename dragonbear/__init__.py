"""Dragonbear: an open knowledge graph of Russia-China military-technical cooperation."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

__all__ = ["Release", "__version__", "data_release", "shipped_data"]
__version__ = "0.1.0"


@dataclass(frozen=True)
class Release:
    """A release of the data: its version and the day it was issued (ISO 8601)."""

    version: str
    issued: str


@functools.cache
def data_release() -> Release:
    """The data release this package ships (``dragonbear/data/release.toml``).

    >>> data_release().version.count(".")
    2
    """
    data = tomllib.loads(resources.files(__name__).joinpath("data", "release.toml").read_text(encoding="utf-8"))
    return Release(str(data["version"]), str(data["issued"]))


def shipped_data(name: str) -> Path:
    """Path of a file or folder shipped in ``dragonbear/data`` (``curated``, ``sipri/extract.csv``)."""
    return Path(str(resources.files(__name__) / "data" / name))
