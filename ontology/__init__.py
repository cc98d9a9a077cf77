"""The Dragonbear ontology (OWL 2 in Turtle), its SKOS vocabularies, alignment and SHACL shapes."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["ONTOLOGY_FILES", "ontology_files"]

ONTOLOGY_FILES = ("dragonbear.ttl", "vocabularies.ttl", "alignment.ttl")


def ontology_files() -> list[Path]:
    """The ontology's Turtle files: terms, vocabularies, alignment (not the shapes)."""
    root = resources.files(__name__)
    return [Path(str(root / name)) for name in ONTOLOGY_FILES if (root / name).is_file()]
