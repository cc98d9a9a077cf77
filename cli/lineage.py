"""``dragonbear lineage NAME``: where a system came from and what came of it, as JSON, DOT, GraphML,
GEXF or SVG.

NAME is any name of a system, state or organization in any language, an IRI or an id ("Su-27SK",
"歼-11", "J11", "system:j-11"); an ambiguous name exits 2 and lists the candidates, an unknown one
exits 1. A one-off command reads only the lineage it needs (SPARQL property paths, then the edges
between the nodes found; see :mod:`dragonbear.graph.lineage`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dragonbear.cli.app import StoreOption, _emit, _open_graph, app
from dragonbear.graph.lineage import ALL_RELATIONS, Direction, Relation
from dragonbear.graph.lineage_export import ExportFormat

__all__ = ["lineage"]


@app.command("lineage")
def lineage(
    name: Annotated[str, typer.Argument(help="A system, state or organization: any name, an IRI or an id.")],
    direction: Annotated[
        Direction, typer.Option(help="up: where it came from and what it depends on; down: what came of it; both.")
    ] = Direction.BOTH,
    as_of: Annotated[
        int | None, typer.Option("--as-of", min=1000, max=2999, help="A year: the lineage as it stood then.")
    ] = None,
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="Output format.")] = ExportFormat.JSON,
    relation: Annotated[
        list[Relation] | None, typer.Option("--relation", "-r", help="Edge kinds to follow (repeatable; default all).")
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to FILE instead of stdout.")] = None,
    store: StoreOption = None,
) -> None:
    """The lineage of a system: derivations, variants, component fits and transfers, at any depth."""
    from dragonbear.errors import UsageError
    from dragonbear.graph.lineage import lineage_subgraph
    from dragonbear.graph.lineage_export import export_lineage
    from dragonbear.graph.resolve import NameIndex

    opened = _open_graph(store)
    names = NameIndex.from_store(opened)
    iri = names.resolve(
        name,
        types=names.expand_type("dgb:SystemModel") | names.expand_type("dgb:Agent"),
        what="system, state or organization",
    )
    graph = lineage_subgraph(
        opened, iri, direction=direction, relations=frozenset(relation or ALL_RELATIONS), year=as_of
    )
    data = export_lineage(graph, fmt)
    if output is None:
        _emit(data)
        return
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror}") from exc
    typer.echo(f"{graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges written to {output}", err=True)
