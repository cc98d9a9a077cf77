"""The floor of a Python endpoint, for ``bench/http.py --bare``: an ASGI app that reads ``?query=``,
runs it with pyoxigraph in the server process (union default graph) and answers SPARQL JSON, with
nothing else (no protocol checks, no negotiation, no time limit, no cache, no error handling).

``python -m uvicorn bare_asgi:app --app-dir bench/floor --workers N`` (a folder of its own: ``bench/http.py``
would shadow the standard library's ``http`` on the path) with ``BARE_ASGI_STORE`` set to a
store generation. Whatever this reaches, a complete endpoint in Python on uvicorn does not pass.
"""

from __future__ import annotations

import os
import urllib.parse

import pyoxigraph as ox

_store = ox.Store.read_only(os.environ["BARE_ASGI_STORE"])


async def app(scope, receive, send):  # type: ignore[no-untyped-def]
    if scope["type"] != "http":
        return
    query = urllib.parse.parse_qs(scope["query_string"].decode("latin-1"))["query"][0]
    body = _store.query(query, use_default_graph_as_union=True).serialize(format=ox.QueryResultsFormat.JSON)
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"application/sparql-results+json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
