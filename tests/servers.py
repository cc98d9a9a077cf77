"""SPARQL servers other than our own, started on loopback for the tests of :class:`RemoteStore`: Oxigraph's
server (PyPI ``oxigraph``, installed with the test extra) and Virtuoso 7.2 (Debian's
``virtuoso-opensource``, installed by ``.ci/run``), each on free ports with its files in a temporary
folder, and a way to compare their answers with the embedded store's.

The session fixtures ``oxigraph_server`` and ``virtuoso_server`` in ``tests/conftest.py`` start them.

Virtuoso runs in the foreground (``virtuoso-t -f``) with a ``virtuoso.ini`` of its own (:func:`virtuoso_ini`):
database, log and lock files in the folder, its SQL and HTTP ports bound to 127.0.0.1 only, and
``ResultSetMaxRows`` set to Virtuoso's usual 10,000 so that a cut answer can be tested. A new database
is created at the first start (about 7 s on a quiet machine, up to 20 s on a busy one), with the
default administrator ``dba``/``dba``: the instance is a throwaway one, reachable from this machine only.
``dba`` may update through ``/sparql-auth`` and the Graph Store Protocol at ``/sparql-graph-crud-auth``
(HTTP digest authentication), as Virtuoso grants it out of the box; ``/sparql`` stays read-only.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox

from dragonbear.graph.remote import RemoteStore
from dragonbear.graph.store import GraphStore

__all__ = [
    "OXIGRAPH",
    "VIRTUOSO",
    "SparqlServer",
    "answer_rows",
    "ci_requires_servers",
    "free_port",
    "run_oxigraph",
    "run_virtuoso",
    "virtuoso_ini",
]

OXIGRAPH = shutil.which("oxigraph") or str(Path(__file__).resolve().parents[1] / ".venv" / "bin" / "oxigraph")
VIRTUOSO = shutil.which("virtuoso-t") or "/usr/bin/virtuoso-t"
VIRTUOSO_MAX_ROWS = 10_000


@dataclass(frozen=True)
class SparqlServer:
    """A running SPARQL server: its kind, base URL, protocol URLs and the credentials of its writes."""

    kind: str
    base: str
    query_url: str
    update_url: str
    data_url: str
    user: str | None = None
    password: str | None = None

    def store(self, *, timeout: float = 120.0) -> RemoteStore:
        """A :class:`RemoteStore` on this server, with its credentials (digest auth) for writes."""
        auth = httpx.DigestAuth(self.user, self.password or "") if self.user else None
        return RemoteStore(
            self.query_url, update_url=self.update_url, data_url=self.data_url, auth=auth, timeout=timeout
        )

    def store_holding(self, source: GraphStore) -> RemoteStore:
        """:meth:`store`, after loading every quad of ``source`` through the Graph Store Protocol."""
        remote = self.store()
        dump = io.BytesIO()
        source.dump(dump, format=ox.RdfFormat.N_QUADS)
        remote.load(dump.getvalue(), format=ox.RdfFormat.N_QUADS)
        return remote


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ci_requires_servers() -> bool:
    """Whether this run is CI (``CI`` set, as CI services do), where a missing server fails instead of skipping."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _wait_until_answering(url: str, process: subprocess.Popen[bytes], log: Path, seconds: float) -> None:
    """Wait until ``url`` answers ``ASK {}`` with 200; raise with the server's log if it dies or never does."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited ({process.returncode}):\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(url, params={"query": "ASK {}"}, timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{process.args[0]} did not answer in {seconds:.0f} s:\n{log.read_text(errors='replace')}")


def _stop(process: subprocess.Popen[bytes], seconds: float) -> None:
    process.terminate()
    try:
        process.wait(seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def run_oxigraph(folder: Path) -> Iterator[SparqlServer]:
    """Oxigraph's own server on a free loopback port, on a store in ``folder`` (its default graph left
    empty); stopped afterwards."""
    port = free_port()
    log = folder / "oxigraph.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [OXIGRAPH, "serve", "--location", str(folder / "data"), "--bind", f"127.0.0.1:{port}"],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_answering(f"{base}/query", process, log, 60)
        yield SparqlServer("oxigraph", base, f"{base}/query", f"{base}/update", f"{base}/store")
    finally:
        _stop(process, 30)


def virtuoso_ini(folder: Path, *, sql_port: int, http_port: int, max_rows: int = VIRTUOSO_MAX_ROWS) -> str:
    """A ``virtuoso.ini`` for a throwaway instance: every file in ``folder``, both ports on 127.0.0.1 only,
    answers cut at ``max_rows`` rows (``ResultSetMaxRows``), a query stopped after 60 s. One transaction may
    log up to 1 GB (``TransactionAfterImageLimit``; Virtuoso's 50 MB default refuses the switch of a build
    holding SIPRI's full register)."""
    return f"""\
[Database]
DatabaseFile       = {folder}/virtuoso.db
ErrorLogFile       = {folder}/virtuoso.log
LockFile           = {folder}/virtuoso.lck
TransactionFile    = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile    = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
Striping        = 0

[Parameters]
ServerPort        = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CaseMode          = 2
DirsAllowed       = ., {folder}
NumberOfBuffers   = 10000
MaxDirtyBuffers   = 6000
CheckpointInterval = 60
TransactionAfterImageLimit = 1000000000

[HTTPServer]
ServerPort           = 127.0.0.1:{http_port}
ServerRoot           = {folder}
ServerThreads        = 10
MaxClientConnections = 10
EnabledDavVSP        = 0

[SPARQL]
ResultSetMaxRows      = {max_rows}
MaxQueryExecutionTime = 60
"""


@contextmanager
def run_virtuoso(folder: Path, *, max_rows: int = VIRTUOSO_MAX_ROWS) -> Iterator[SparqlServer]:
    """Virtuoso (``virtuoso-t``) in the foreground on free loopback ports, with its ini and database in
    ``folder`` (see the module's text); stopped afterwards."""
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(virtuoso_ini(folder, sql_port=sql_port, http_port=http_port, max_rows=max_rows), encoding="utf-8")
    log = folder / "virtuoso-t.out"
    with log.open("wb") as out:
        process = subprocess.Popen([VIRTUOSO, "-f", "-c", str(ini)], cwd=folder, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{http_port}"
    try:
        _wait_until_answering(f"{base}/sparql", process, log, 180)
        yield SparqlServer(
            "virtuoso",
            base,
            f"{base}/sparql",
            f"{base}/sparql-auth",
            f"{base}/sparql-graph-crud-auth",
            user="dba",
            password="dba",
        )
    finally:
        _stop(process, 60)  # Virtuoso writes a checkpoint as it stops


# --- Comparing answers across engines -----------------------------------------------------------------

_CONCATENATED = re.compile(r"SEPARATOR\s*=\s*(\"[^\"]*\"|'[^']*')\s*\)\s*AS\s+\?(\w+)", re.IGNORECASE)


def answer_rows(result: object, sparql: str) -> list[str]:
    """An answer as sorted lines, comparable across engines: a boolean, the triples of a graph, or one
    line per solution with every term written out (datatype and language tag included).

    SPARQL leaves the order of a ``GROUP_CONCAT`` open (each engine concatenates in the order it meets
    the values), so the parts of each column the query fills with one, found by its ``SEPARATOR``,
    are sorted; nothing else is changed.

    >>> q = 'SELECT ?x (GROUP_CONCAT(?y; SEPARATOR=", ") AS ?ys) WHERE {}'
    >>> store = ox.Store()
    >>> answer_rows(store.query('SELECT ?x ?ys WHERE { VALUES (?x ?ys) { (<urn:x> "b, a") } }'), q)
    ['<urn:x> | "a, b"']
    """
    if isinstance(result, ox.QueryBoolean):
        return [str(bool(result))]
    if not isinstance(result, ox.QuerySolutions):
        return sorted(str(t) for t in result)  # type: ignore[attr-defined]
    separators = {name: sep[1:-1] for sep, name in _CONCATENATED.findall(sparql)}
    names = [v.value for v in result.variables]
    lines = []
    for solution in result:
        cells = []
        for name in names:
            term = solution[name]
            if isinstance(term, ox.Literal) and name in separators:
                text = separators[name].join(sorted(term.value.split(separators[name])))
                term = (
                    ox.Literal(text, language=term.language)
                    if term.language
                    else ox.Literal(text, datatype=term.datatype)
                )
            cells.append("-" if term is None else str(term))
        lines.append(" | ".join(cells))
    return sorted(lines)
