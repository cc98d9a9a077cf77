"""The ``dragonbear`` command line. It only parses arguments and calls library functions.

Exit codes: 0 success, 1 validation failure or nothing found, 2 bad input or usage
(see :data:`dragonbear.errors.EXIT_CODES`).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dragonbear.cli.output import OutputFormat, render_result
from dragonbear.errors import DragonbearError, UsageError, exit_code_for
from dragonbear.settings import Settings

if TYPE_CHECKING:
    from dragonbear.graph.remote import RemoteStore
    from dragonbear.graph.store import GraphStore

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Dragonbear: a knowledge graph of Russia-China military-technical cooperation.",
)

StoreOption = Annotated[
    str | None,
    typer.Option(
        "--store",
        help=(
            "Store directory, or a SPARQL server: oxigraph+http://HOST:PORT, virtuoso+http://HOST:PORT, "
            "sparql+https://HOST/PATH (default: $DRAGONBEAR_STORE, else ~/.local/share/dragonbear/store)."
        ),
    ),
]
FormatOption = Annotated[OutputFormat | None, typer.Option("--format", "-f", help="Output format.")]


def _settings(store: str | None) -> Settings:
    from dragonbear.graph.sparql_limits import configure

    settings = Settings.from_env(store=store)
    configure(max_depth=settings.max_query_depth, max_chain=settings.max_query_chain)
    return settings


def _open_graph(store: str | None) -> GraphStore:
    """The graph to read: the embedded store, or the SPARQL server ``--store`` names."""
    from dragonbear.graph.locations import open_graph

    settings = _settings(store)
    return open_graph(settings.store_dir, settings.store_address)


def _open_server(settings: Settings) -> RemoteStore:
    """The SPARQL server the settings name (they name one: ``settings.store_address`` is set)."""
    from dragonbear.graph.locations import open_remote

    assert settings.store_address is not None
    return open_remote(settings.store_address)


def _show_version(value: bool) -> None:
    if value:
        from dragonbear import __version__, data_release

        release = data_release()
        typer.echo(f"dragonbear {__version__} (data release {release.version}, {release.issued})")
        raise typer.Exit()


@app.callback()
def _main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_show_version,
            is_eager=True,
            help="Print the version of the software and of the data release, and exit.",
        ),
    ] = False,
) -> None:
    """Dragonbear: a knowledge graph of Russia-China military-technical cooperation."""


def _emit(data: bytes) -> None:
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


@app.command()
def build(
    store: StoreOption = None,
    sipri: Annotated[Path | None, typer.Option(help="A SIPRI register file instead of the shipped extract.")] = None,
) -> None:
    """Build the store from the ontology, the curated facts and the SIPRI extract, atomically.

    On a SPARQL server (--store URL) the graph is built and validated locally, then sent under new graph
    names and switched in with one update: a failed build leaves the server's graphs as they were.
    """
    from dragonbear.pipeline.build import build_store

    settings = _settings(store)
    if settings.store_address is not None:
        from dragonbear.pipeline.remote import build_remote

        report = build_remote(_open_server(settings), settings.store_label, sipri_path=sipri)
    else:
        report = build_store(settings.store_dir, sipri_path=sipri, keep_releases=settings.keep_releases)
    typer.echo(report.text())


@app.command()
def load(
    files: Annotated[list[Path], typer.Argument(help="RDF files: .ttl .nt .nq .trig .jsonld .rdf")],
    graph: Annotated[str | None, typer.Option(help="Named graph IRI (default: one graph per file).")] = None,
    store: StoreOption = None,
) -> None:
    """Add RDF files to a named graph; all or nothing. Creates the store if the directory is new."""
    from dragonbear.pipeline.update import load_files

    settings = _settings(store)
    if settings.store_address is not None:
        from dragonbear.pipeline.remote import change_remote

        result, _ = change_remote(_open_server(settings), lambda d: load_files(d, files, graph=graph))
    else:
        result = load_files(settings.store_dir, files, graph=graph)
    for name, count in result.items():
        typer.echo(f"{count:,} triples loaded into <{name}>")


@app.command("load-sipri")
def load_sipri(
    file: Annotated[Path, typer.Argument(help="A SIPRI trade register (either layout).")], store: StoreOption = None
) -> None:
    """Replace the store's SIPRI graph with the full register or a newer export, atomically."""
    from dragonbear.pipeline.build import replace_sipri

    settings = _settings(store)
    if settings.store_address is not None:
        from dragonbear.pipeline.remote import change_remote

        report, touched = change_remote(_open_server(settings), lambda d: replace_sipri(d, file))
        report.generation, report.server = None, f"{settings.store_label} ({len(touched)} graphs replaced)"
    else:
        report = replace_sipri(settings.store_dir, file)
    typer.echo(report.text())


@app.command()
def validate(
    files: Annotated[list[Path] | None, typer.Argument(help="RDF files to check instead of the store.")] = None,
    store: StoreOption = None,
) -> None:
    """Validate the store (or RDF files) against the SHACL shapes. Exit 1 on violations."""
    from dragonbear.pipeline.update import validate_current, validate_files

    report = validate_files(files) if files else validate_current(_open_graph(store))
    if report.conforms:
        typer.echo("SHACL: conforms")
        return
    typer.echo(report.text(), err=True)
    raise typer.Exit(1)


@app.command()
def stats(
    store: StoreOption = None,
    unmapped: Annotated[bool, typer.Option(help="List every SIPRI designation without a mapping.")] = False,
    missed: Annotated[
        bool, typer.Option(help="List every SIPRI comment that mentions for/licence/copy/kits but gave no relation.")
    ] = False,
) -> None:
    """Counts per named graph and per class, conflicts, unmapped SIPRI designations, and the lineage network."""
    from dragonbear.pipeline.stats import store_stats

    typer.echo(store_stats(_open_graph(store), _settings(store).store_label, unmapped=unmapped, missed=missed))


@app.command()
def sparql(
    query: Annotated[str, typer.Argument(help="A SPARQL query, or @FILE to read one.")],
    fmt: FormatOption = None,
    store: StoreOption = None,
) -> None:
    """Run a SPARQL query over the union of all named graphs. Exit 1 when it finds nothing.

    SERVICE may call only the endpoints of $DRAGONBEAR_FEDERATION_ALLOWLIST (default: Wikidata's and DBpedia's).
    """
    if query.startswith("@"):
        try:
            query = Path(query[1:]).read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot read query file {query[1:]}: {exc.strerror}") from exc
    from dragonbear.graph.federation import check_service_calls

    settings = _settings(store)
    check_service_calls(
        query, settings.federation_allowlist
    )  # as the server does: SERVICE only to allowlisted endpoints
    from dragonbear.graph.sparql_limits import with_stack

    graph, text = _open_graph(store), query
    data, count = with_stack(lambda: render_result(graph.query(text), fmt))  # a stack as deep as the server's
    _emit(data)
    if count == 0:
        raise typer.Exit(1)


@app.command("query")
def query_cmd(
    name: Annotated[str | None, typer.Argument(help="A canned query (see --list).")] = None,
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="KEY=VALUE")] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the canned queries.")] = False,
    asserted_only: Annotated[
        bool,
        typer.Option("--asserted-only", help="Leave out the derived graph (inverses, super-properties, closures)."),
    ] = False,
    fmt: FormatOption = None,
    store: StoreOption = None,
) -> None:
    """Run a canned query with parameters; entity parameters take an IRI or any name.

    A CONSTRUCT query (lineage) writes RDF: Turtle by default, or --format ntriples / jsonld.
    """
    from dragonbear.queries.catalogue import load_catalogue, run_canned

    catalogue = load_catalogue()
    if list_ or name is None:
        for q in catalogue.values():
            params = " ".join(f"{p.name}{'' if p.required else '?'}=<{p.type}>" for p in q.parameters)
            typer.echo(f"{q.name:<14} {q.title}\n{'':<14} params: {params or '(none)'}")
        return
    values: dict[str, str] = {}
    for item in param or []:
        if "=" not in item:
            raise UsageError(f"--param takes KEY=VALUE, not {item!r}")
        key, value = item.split("=", 1)
        values[key.strip()] = value
    result = run_canned(
        _open_graph(store),
        name,
        values,
        catalogue=catalogue,
        derived=not asserted_only,
    )
    data, count = render_result(result, fmt)
    _emit(data)
    if count == 0:
        raise typer.Exit(1)


@app.command()
def resolve(
    text: Annotated[str, typer.Argument(help="A name in any language, an IRI or an id.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json")] = "table",
    store: StoreOption = None,
) -> None:
    """List the entities a name denotes, best first. Exit 1 when nothing matches."""
    import json

    import pyoxigraph as ox

    from dragonbear.cli.output import shorten
    from dragonbear.graph.resolve import NameIndex

    found = NameIndex.from_store(_open_graph(store)).candidates(text)
    if fmt == "json":
        typer.echo(json.dumps([c.as_dict() for c in found], ensure_ascii=False, indent=2))
    else:
        for c in found:
            types = ", ".join(shorten(ox.NamedNode(t)) for t in c.types)
            typer.echo(f"{c.score:>3}  {shorten(ox.NamedNode(c.iri)):<40} {c.label}  [{types}]  ({c.why})")
    if not found:
        typer.echo(f"nothing is named {text!r}", err=True)
        raise typer.Exit(1)


@app.command()
def serve(
    host: Annotated[
        str | None, typer.Option(help="Address to listen on (default 127.0.0.1, $DRAGONBEAR_HOST).")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8000, $DRAGONBEAR_PORT).")] = None,
    store: StoreOption = None,
    workers: Annotated[
        int | None,
        typer.Option(
            help="Server processes, each answering HTTP and running queries in threads (default 1, $DRAGONBEAR_WORKERS)."
        ),
    ] = None,
    timeout: Annotated[
        float | None, typer.Option(help="Query time limit in seconds (default 30, $DRAGONBEAR_QUERY_TIMEOUT).")
    ] = None,
    max_results: Annotated[
        int | None,
        typer.Option(help="Result cap in rows or triples, 0 for none (default 100000, $DRAGONBEAR_MAX_RESULTS)."),
    ] = None,
    warm: Annotated[
        bool | None,
        typer.Option(
            "--warm/--no-warm",
            help="Build the name index and lineage view at start (default: for stores up to 1M quads; $DRAGONBEAR_WARM=auto|1|0).",
        ),
    ] = None,
) -> None:
    """Serve the SPARQL endpoint at http://HOST:PORT/sparql; builds the store first when there is none.

    Updates (/update, /store) are enabled by setting DRAGONBEAR_UPDATE_TOKEN.
    """
    from dragonbear.service.server import run_server

    run_server(
        Settings.from_env(
            store=store,
            host=host,
            port=port,
            workers=workers,
            query_timeout=timeout,
            max_results=max_results,
            warm=warm,
        )
    )


# The commands that live in modules of their own register on `app` when imported, listed here by name.
from dragonbear.cli import chart, cite, diff, export, lineage, link, wikidata  # noqa: E402,F401


def main() -> None:
    """Entry point: run the app, turning the project's errors into messages and exit codes."""
    try:
        code = app(standalone_mode=False)  # click returns the code of a typer.Exit instead of raising it
    except DragonbearError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(exit_code_for(exc))
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("aborted", err=True)
        sys.exit(130)
    except Exception as exc:
        # Usage errors of the click that typer bundles: they know how to show themselves.
        if callable(getattr(exc, "show", None)) and isinstance(getattr(exc, "exit_code", None), int):
            exc.show()  # type: ignore[attr-defined]
            sys.exit(2)
        raise
    sys.exit(code if isinstance(code, int) else 0)
