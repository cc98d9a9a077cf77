"""The HTTP service: the SPARQL endpoint, the JSON API and the web pages over one store.

What lives here: :mod:`~dragonbear.service.app` (``create_app``: the routers, the one error handler,
CORS for reads, the store's lifetime), :mod:`~dragonbear.service.server` (``run_server``: build the
store when there is none, then become the supervisor), :mod:`~dragonbear.service.sockets` (where the
server listens: one server per address) and :mod:`~dragonbear.service.supervisor`, and
four subpackages, lowest first:

- ``runtime``: what every route shares: the store as the server holds it, the query runner with its
  time limit, cap and cache, content negotiation, the error-to-status mapping, the bearer token, the
  writer that swaps in new generations;
- ``web``: the HTML pages (query page, entity pages, ontology, charts, lineage explorer);
- ``protocol``: the W3C protocols: SPARQL 1.1 query, update and Graph Store, the service and VoID
  descriptions, the dumps;
- ``api``: the JSON API (canned queries, names, lineage graphs, citations).

What it may import: every layer below it (core, ontology, loaders, graph, queries, pipeline), never the
CLI. Inside, a subpackage imports only those before it in the list above (``tests/test_layout.py``).
"""

from __future__ import annotations

__all__ = ["create_app", "run_server"]


def __getattr__(name: str) -> object:
    # Imported lazily, so that the supervisor process loads only what it needs.
    if name == "create_app":
        from dragonbear.service.app import create_app

        return create_app
    if name == "run_server":
        from dragonbear.service.server import run_server

        return run_server
    raise AttributeError(name)
