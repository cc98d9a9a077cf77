"""The command line (``dragonbear``): it parses arguments, calls the library and prints what it returns.

What lives here: :mod:`~dragonbear.cli.app` (the Typer application, the shared options, the commands
that build, load, query and serve, and :func:`main`, the entry point that turns the project's errors
into messages and exit codes), one module per family of commands that grew large (``chart``, ``cite``,
``diff``, ``export``, ``lineage``, ``link``, ``wikidata``), and :mod:`~dragonbear.cli.output` (query
results as text tables or SPARQL result formats).

What it may import: every other layer (core, ontology, loaders, graph, queries, pipeline) and, to run
the server, :mod:`dragonbear.service`. Nothing imports the CLI; a command holds no logic a library
function could not hold instead.
"""

from __future__ import annotations

from dragonbear.cli.app import app, main

__all__ = ["app", "main"]
