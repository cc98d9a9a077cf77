"""Dragonbear: an open knowledge graph of Russia-China military-technical cooperation.

This folder (``core/``) is the package's root and its lowest layer. What lives here: the version and
the data release, ``errors`` (the one error hierarchy with its exit codes), ``settings`` (configuration
from flags and ``DRAGONBEAR_*`` variables), ``namespaces`` (IRIs, prefixes, named graphs, minting),
``endpoints`` (remote endpoint IRIs and the federation allowlist), ``formats`` (RDF and result formats)
and ``data/`` (the shipped curated facts, SIPRI extract and release). It imports no other layer.

The layers above it, each a top-level folder of the checkout mapped into this package: ``ontology``,
``loaders``, ``graph``, ``queries``, ``pipeline``, ``service`` and ``cli`` (each ``__init__`` says what
it holds and what it may import).
"""

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
    """The data release this package ships (``core/data/release.toml``).

    >>> data_release().version.count(".")
    2
    """
    data = tomllib.loads(resources.files(__name__).joinpath("data", "release.toml").read_text(encoding="utf-8"))
    return Release(str(data["version"]), str(data["issued"]))


def shipped_data(name: str) -> Path:
    """Path of a file or folder shipped in ``core/data`` (``curated``, ``sipri/extract.csv``)."""
    return Path(str(resources.files(__name__) / "data" / name))
