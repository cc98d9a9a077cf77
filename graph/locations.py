"""Open the graph where the settings say it is: the embedded store in a directory, or a SPARQL server.

Commands and the server call :func:`open_graph` with the settings' store (a directory, or a
:class:`~dragonbear.addresses.StoreAddress`) and get a :class:`~dragonbear.graph.store.GraphStore`
either way. A server is asked a trivial query first, so a server that is down, or an address that
names no SPARQL server, is a clear :class:`~dragonbear.errors.StoreError` (exit 2) before any work.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pyoxigraph as ox

from dragonbear.addresses import StoreAddress
from dragonbear.errors import DragonbearError, StoreError
from dragonbear.graph.remote import RemoteStore
from dragonbear.graph.store import GraphStore, open_store

__all__ = ["open_graph", "open_remote"]


def open_remote(address: StoreAddress, *, timeout: float = 60.0, check: bool = True) -> RemoteStore:
    """A :class:`RemoteStore` on the server ``address`` names, checked to answer SPARQL.

    Args:
        address: the server.
        timeout: seconds to wait for any one answer.
        check: ask ``ASK {}`` first, so that a server that is down fails here.

    Raises:
        StoreError: the server does not answer, or does not answer SPARQL at its query URL.

    >>> open_remote(StoreAddress("oxigraph", "oxigraph+http://127.0.0.1:9", "http://127.0.0.1:9/query"), timeout=2)
    Traceback (most recent call last):
    ...
    dragonbear.errors.StoreError: the SPARQL server oxigraph+http://127.0.0.1:9 does not answer at http://127.0.0.1:9/query ...
    """
    auth: httpx.Auth | None = None
    if address.user is not None:
        secret = address.password or ""
        auth = (
            httpx.DigestAuth(address.user, secret)
            if address.kind == "virtuoso"
            else httpx.BasicAuth(address.user, secret)
        )
    remote = RemoteStore(
        address.query_url,
        update_url=address.update_url,
        data_url=address.data_url,
        auth=auth,
        timeout=timeout,
    )
    if check:
        try:
            remote.ask("ASK {}", default_graph=[], named_graphs=[])
            if address.kind == "virtuoso":
                remote.row_limit = _virtuoso_row_limit(remote)
        except DragonbearError as exc:
            remote.close()
            raise StoreError(
                f"the SPARQL server {address} does not answer at {address.query_url} ({exc}); "
                "check the address and that the server is running"
            ) from exc
    return remote


def _virtuoso_row_limit(remote: RemoteStore) -> int | None:
    """Virtuoso's ``ResultSetMaxRows``, read from its ini through SPARQL (any user may): the number of
    rows or triples past which it cuts an answer, saying so only for a SELECT."""
    rows = list(
        remote.select(
            "SELECT (bif:cfg_item_value(bif:virtuoso_ini_path(), 'SPARQL', 'ResultSetMaxRows') AS ?n) {}",
            default_graph=[],
            named_graphs=[],
        )
    )
    value = rows[0]["n"] if rows else None
    text = value.value if isinstance(value, ox.Literal) else ""
    return int(text) if text.strip().isdigit() and int(text) > 0 else None


def open_graph(store_dir: Path, address: StoreAddress | None, *, read_only: bool = True) -> GraphStore:
    """The graph: on the server ``address`` names, or else the embedded store in ``store_dir``.

    Raises:
        StoreError: no store in the directory, or a server that does not answer.
    """
    if address is not None:
        return open_remote(address)
    return open_store(store_dir, read_only=read_only)
