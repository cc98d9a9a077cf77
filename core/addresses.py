"""Where the graph lives: a directory (the embedded store) or the URL of a SPARQL server.

``--store`` and ``DRAGONBEAR_STORE`` take either, in the manner of database URLs:

=============================  ==========================================================================
address                        the server
=============================  ==========================================================================
a directory                    the embedded pyoxigraph store (generations in that directory)
``oxigraph+http://HOST:PORT``  Oxigraph's server (``oxigraph serve``): ``/query``, ``/update``, ``/store``
``virtuoso+http://HOST:PORT``  Virtuoso: ``/sparql`` for queries, ``/sparql-auth`` for updates and
                               ``/sparql-graph-crud-auth`` for loads, with digest authentication
``sparql+https://HOST/PATH``   any SPARQL 1.1 server: ``https://HOST/PATH`` is its query URL; its
                               update and Graph Store Protocol URLs come from
                               ``DRAGONBEAR_STORE_UPDATE_URL`` and ``DRAGONBEAR_STORE_DATA_URL``
=============================  ==========================================================================

Each kind takes ``+http`` or ``+https``. Credentials come from ``DRAGONBEAR_STORE_USER`` and
``DRAGONBEAR_STORE_PASSWORD`` (digest authentication on Virtuoso, basic elsewhere), never from the URL,
so that they do not show in process lists, logs or error messages.

Anything that looks like a URL (``letters://``) and names no kind here is an error, never a directory:
a typo must not build a graph in a folder named ``oxigraph+htp:``.

>>> parse_store_address("/srv/dragonbear")
PosixPath('/srv/dragonbear')
>>> parse_store_address("oxigraph+http://127.0.0.1:7878", env={}).query_url
'http://127.0.0.1:7878/query'
>>> parse_store_address("postgres://db/x", env={})
Traceback (most recent call last):
...
dragonbear.errors.UsageError: --store postgres://db/x names no kind of store Dragonbear knows; the kinds are: a directory, oxigraph+http://HOST:PORT, virtuoso+http://HOST:PORT, sparql+https://HOST/PATH (each also +https or +http)
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from dragonbear.errors import UsageError

__all__ = ["KINDS", "StoreAddress", "is_store_url", "parse_store_address"]

KINDS = ("oxigraph", "virtuoso", "sparql")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
_KNOWN = "a directory, oxigraph+http://HOST:PORT, virtuoso+http://HOST:PORT, sparql+https://HOST/PATH (each also +https or +http)"


@dataclass(frozen=True)
class StoreAddress:
    """A SPARQL server that holds the graph.

    Attributes:
        kind: ``oxigraph``, ``virtuoso`` or ``sparql`` (any SPARQL 1.1 server).
        address: the address as given (``virtuoso+http://127.0.0.1:8890``), for messages.
        query_url: the SPARQL 1.1 Protocol query endpoint.
        update_url: the update endpoint, or None (the server is read-only here).
        data_url: the Graph Store HTTP Protocol endpoint, or None (loads go as ``INSERT DATA``).
        user: the user name for updates and loads, or None.
        password: its password (never shown: not in the text of the address).
    """

    kind: str
    address: str
    query_url: str
    update_url: str | None = None
    data_url: str | None = None
    user: str | None = None
    password: str | None = field(default=None, repr=False)

    def __str__(self) -> str:
        return self.address


def is_store_url(text: str) -> bool:
    """Whether ``text`` looks like a URL (``scheme://``) rather than a directory.

    >>> is_store_url("virtuoso+http://localhost:8890"), is_store_url("./store"), is_store_url("C:/x")
    (True, False, False)
    """
    return bool(_URL.match(text))


def _server(text: str) -> tuple[str, str, str]:
    """The kind, the HTTP scheme and the rest (``//host:port/path``) of a store URL."""
    scheme, _, rest = text.partition(":")
    kind, plus, transport = scheme.lower().partition("+")
    if not plus or kind not in KINDS or transport not in ("http", "https"):
        raise UsageError(f"--store {text} names no kind of store Dragonbear knows; the kinds are: {_KNOWN}")
    parts = urlsplit(f"{transport}:{rest}")
    if not parts.hostname:
        raise UsageError(f"--store {text} has no host")
    if parts.username or parts.password:
        raise UsageError(
            f"--store {parts.scheme}://{parts.hostname}...: give credentials in DRAGONBEAR_STORE_USER and "
            "DRAGONBEAR_STORE_PASSWORD, not in the address"
        )
    return kind, transport, rest


def parse_store_address(text: str | Path, *, env: Mapping[str, str] | None = None) -> Path | StoreAddress:
    """A store directory, or the server a store URL names.

    Args:
        text: the value of ``--store`` or ``DRAGONBEAR_STORE``.
        env: the environment to read credentials and the extra URLs from (default: ``os.environ``).

    Returns:
        The directory (``~`` expanded), or a :class:`StoreAddress`.

    Raises:
        UsageError: a URL of no known kind, with no host, with credentials in it, or a ``sparql+``
            address whose extra URLs are not URLs (exit 2).

    >>> a = parse_store_address("virtuoso+https://kb.example.org", env={"DRAGONBEAR_STORE_USER": "dba"})
    >>> a.query_url, a.update_url, a.data_url, a.user
    ('https://kb.example.org/sparql', 'https://kb.example.org/sparql-auth', 'https://kb.example.org/sparql-graph-crud-auth', 'dba')
    >>> parse_store_address("sparql+https://kb.example.org/repositories/db", env={}).update_url is None
    True
    """
    if isinstance(text, Path) or not is_store_url(text):
        return Path(text).expanduser()
    env = os.environ if env is None else env
    kind, transport, rest = _server(text)
    base = f"{transport}:{rest}".rstrip("/")
    user = env.get("DRAGONBEAR_STORE_USER") or None
    password = env.get("DRAGONBEAR_STORE_PASSWORD") or None
    if kind == "oxigraph":
        return StoreAddress(kind, text, f"{base}/query", f"{base}/update", f"{base}/store", user, password)
    if kind == "virtuoso":
        return StoreAddress(
            kind, text, f"{base}/sparql", f"{base}/sparql-auth", f"{base}/sparql-graph-crud-auth", user, password
        )
    extra = {}
    for name in ("DRAGONBEAR_STORE_UPDATE_URL", "DRAGONBEAR_STORE_DATA_URL"):
        value = env.get(name) or None
        if value is not None and urlsplit(value).scheme not in ("http", "https"):
            raise UsageError(f"{name}={value!r} is not an http or https URL")
        extra[name] = value
    return StoreAddress(
        kind,
        text,
        base,
        extra["DRAGONBEAR_STORE_UPDATE_URL"],
        extra["DRAGONBEAR_STORE_DATA_URL"],
        user,
        password,
    )
