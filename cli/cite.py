"""``dragonbear cite ENTITY``: the reference list behind what the graph says about an entity.

ENTITY is any name, an IRI or an id; ``--kind`` keeps one kind of statement (claims, figures,
derivations, dependencies, transfers, exercises, events); ``--format`` is bibtex, ris, csl-json or
text (the default). See :mod:`dragonbear.graph.citations`.
"""

from __future__ import annotations

from typing import Annotated

import typer

from dragonbear.cli.app import StoreOption, _emit, _open_graph, app
from dragonbear.graph.citations import KINDS, CitationFormat

__all__ = ["cite"]


@app.command("cite")
def cite(
    entity: Annotated[str, typer.Argument(help="The entity: any name, an IRI or an id.")],
    kind: Annotated[str | None, typer.Option(help="Only one kind of statement: " + ", ".join(KINDS) + ".")] = None,
    fmt: Annotated[CitationFormat, typer.Option("--format", "-f", help="Output format.")] = CitationFormat.TEXT,
    store: StoreOption = None,
) -> None:
    """The sources behind what the graph says about an entity, with the locators each is cited for."""
    from dragonbear.errors import UsageError
    from dragonbear.graph.citations import format_references, references_for
    from dragonbear.graph.resolve import NameIndex

    if kind is not None and kind not in KINDS:
        raise UsageError(f"unknown kind {kind!r}: one of {', '.join(KINDS)}")
    opened = _open_graph(store)
    iri = NameIndex.from_store(opened).resolve(entity, what="entity")
    _emit(format_references(references_for(opened, iri, kind=kind), fmt).encode("utf-8"))
