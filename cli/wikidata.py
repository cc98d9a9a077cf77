"""``dragonbear load-wikidata``: import what Wikidata says about our linked entities."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dragonbear.cli.app import StoreOption, _open_server, _settings, app

__all__ = ["load_wikidata"]


@app.command("load-wikidata")
def load_wikidata(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Wikidata files: entity JSON (Special:EntityData), dump lines (.json or .json.gz) "
            "or SPARQL JSON results with ?item."
        ),
    ],
    store: StoreOption = None,
) -> None:
    """Replace the store's Wikidata graph with what FILES say about entities linked by skos:exactMatch.

    Russian and Chinese names, based on / derivative work (P144, P4969), manufacturer (P176), country
    of origin (P495), operator (P137) and service entry (P729) are imported with their Wikidata
    provenance; disagreements with the curated facts are recorded as conflicts. All or nothing.
    """
    from dragonbear.namespaces import GRAPH_WIKIDATA
    from dragonbear.pipeline.wikidata import replace_wikidata

    settings = _settings(store)
    if settings.store_address is not None:
        from dragonbear.pipeline.remote import change_remote

        (build, imported), _ = change_remote(_open_server(settings), lambda d: replace_wikidata(d, files))
    else:
        build, imported = replace_wikidata(settings.store_dir, files)
    typer.echo(imported.text())
    typer.echo(f"Triples in <{GRAPH_WIKIDATA}>: {build.graph_counts.get(GRAPH_WIKIDATA, 0):,}")
    typer.echo(f"Conflicts in the store: {len(build.conflicts)} (`dragonbear query conflicts` lists them)")
    typer.echo("SHACL: conforms")
