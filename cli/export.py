"""``dragonbear export``: dump the store as N-Quads, TriG, Turtle or JSON-LD, optionally gzipped."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dragonbear.cli.app import StoreOption, _open_graph, app
from dragonbear.errors import UsageError
from dragonbear.graph.export import ExportFormat

if TYPE_CHECKING:
    from dragonbear.graph.store import GraphStore

__all__ = ["export"]


@app.command()
def export(
    fmt: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            "-f",
            help="nquads, trig and jsonld keep the named graphs; turtle holds one graph, so "
            "without --graph it is the merge of all named graphs (each triple once).",
        ),
    ] = ExportFormat.NQUADS,
    gzip: Annotated[
        bool, typer.Option("--gzip", help="Compress with gzip (implied by an --output ending in .gz).")
    ] = False,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="File to write, replaced only when the dump is complete (default: standard output)."
        ),
    ] = None,
    graph: Annotated[
        str | None,
        typer.Option(
            "--graph", help="Dump only this named graph (IRI), e.g. https://w3id.org/dragonbear/graph/curated."
        ),
    ] = None,
    void: Annotated[
        Path | None,
        typer.Option(
            "--void",
            help="Also write the DCAT/VoID description of the dump (licence, SIPRI attribution, "
            "sources, triples per graph) to this Turtle file. Needs --output.",
        ),
    ] = None,
    base_url: Annotated[
        str,
        typer.Option("--base-url", help="With --void: the URL of the server the description names as SPARQL endpoint."),
    ] = "http://127.0.0.1:8000/",
    store: StoreOption = None,
) -> None:
    """Dump the store (all named graphs, or one) to a file or standard output.

    Examples: `dragonbear export --format nquads --gzip -o dragonbear.nq.gz`;
    `dragonbear export --format turtle --graph https://w3id.org/dragonbear/graph/ontology -o ontology.ttl`.
    """
    from dragonbear.graph.export import export_store

    if void is not None and output is None:
        raise UsageError("--void needs --output: the description names the file it describes")
    if output is not None and output.is_dir():
        raise UsageError(f"--output {output} is a directory; give a file name")
    compress = gzip or (output is not None and output.suffix == ".gz")
    db = _open_graph(store)
    result = export_store(db, fmt, output=output, compress=compress, graph=graph)
    what = "triples" if fmt is ExportFormat.TURTLE else "quads"
    where = str(result.path) if result.path else "standard output"
    typer.echo(f"{result.count:,} {what} written to {where} ({result.byte_size or 0:,} bytes)", err=True)
    if void is not None and result.path is not None:
        _write_description(db, void, result.path, fmt, compress, result.byte_size, base_url, graph)
        typer.echo(f"DCAT/VoID description written to {void}", err=True)


def _modified(db: GraphStore) -> datetime.datetime:
    """When the graph was made: its generation's time, or the build record's on a server (else now)."""
    from dragonbear.graph.dataset import generation_time
    from dragonbear.graph.publish import build_record

    path = getattr(db, "path", None)
    if path is not None:
        return generation_time(path)
    record = build_record(db)
    return record.modified if record is not None else datetime.datetime.now(datetime.UTC)


def _write_description(
    db: GraphStore,
    target: Path,
    dump: Path,
    fmt: ExportFormat,
    compressed: bool,
    byte_size: int | None,
    base_url: str,
    graph: str | None,
) -> None:
    """Write the description of the store with the dump as its one distribution."""
    import pyoxigraph as ox

    from dragonbear.graph.dataset import (
        DESCRIPTION_PREFIXES,
        Distribution,
        dataset_description,
        source_documents,
    )
    from dragonbear.graph.export import write_atomically

    counts = {g: db.count(g) for g in db.graphs() if graph is None or g == graph}
    triples = dataset_description(
        base_url if base_url.endswith("/") else base_url + "/",
        counts,
        sources=source_documents(db),
        modified=_modified(db),
        distributions=[Distribution(dump.resolve().as_uri(), fmt, compressed, byte_size, graph)],
    )
    with write_atomically(target) as out:
        ox.serialize(triples, out, ox.RdfFormat.TURTLE, prefixes=DESCRIPTION_PREFIXES)
