"""The Dragonbear ontology (OWL 2 in Turtle), its SKOS vocabularies, alignment and SHACL shapes.

What lives here: ``dragonbear.ttl`` (classes and properties), ``vocabularies.ttl`` (SKOS concept
schemes), ``alignment.ttl`` (mappings to other vocabularies), ``shapes.ttl`` (SHACL), and
:func:`ontology_files`, which names them for the loaders and the build.

What it may import: the core only; it is data, read by every layer above it.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["ONTOLOGY_FILES", "ontology_files"]

ONTOLOGY_FILES = ("dragonbear.ttl", "vocabularies.ttl", "alignment.ttl")


def ontology_files() -> list[Path]:
    """The ontology's Turtle files: terms, vocabularies, alignment (not the shapes)."""
    root = resources.files(__name__)
    return [Path(str(root / name)) for name in ONTOLOGY_FILES if (root / name).is_file()]
