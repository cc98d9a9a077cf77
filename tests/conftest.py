"""Shared fixtures: one store built from the shipped data for the whole session."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from dragonbear.pipeline.build import BuildReport, build_store
from dragonbear.graph.store import EmbeddedStore, open_store
from dragonbear.queries.catalogue import load_catalogue, run_canned

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
REGISTER = SHARED / "data" / "sipri" / "trade-register.csv"
CHROMIUM = Path("/usr/bin/chromium")  # Debian's chromium, installed by .ci/run
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (never Playwright's own browser downloads); skipped
    where ``/usr/bin/chromium`` is absent."""
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium (apt-get install chromium)")
    playwright_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildReport]:
    """A store built from the shipped data, once per session."""
    store_dir = tmp_path_factory.mktemp("store")
    report = build_store(store_dir, progress=lambda _m: None)
    return store_dir, report


@pytest.fixture(scope="session")
def store(built: tuple[Path, BuildReport]) -> Iterator[EmbeddedStore]:
    """The shipped graph, opened read-only."""
    yield open_store(built[0], read_only=True)


def run_cli(*args: str, store_dir: Path | None = None, env: dict[str, str] | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run the real `dragonbear` command (the installed entry point's module) in a subprocess."""
    full_env = dict(os.environ)
    if store_dir is not None:
        full_env["DRAGONBEAR_STORE"] = str(store_dir)
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "dragonbear.cli", *args], capture_output=True, text=True,
                          env=full_env, timeout=timeout)


# --- A real `dragonbear serve` in a subprocess, for the endpoint tests --------------------------------

class Server:
    """A running `dragonbear serve`: its base URL (``http://127.0.0.1:PORT/``) and process."""

    def __init__(self, base: str, process: subprocess.Popen[bytes], log: Path) -> None:
        self.base, self.process, self.log = base, process, log

    def url(self, path: str) -> str:
        """The absolute URL of ``path`` (which starts with ``/``)."""
        return self.base.rstrip("/") + path


def _free_port() -> int:
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve_store(store_dir: Path, *args: str, token: str | None = None,
                env_vars: dict[str, str] | None = None) -> Iterator[Server]:
    """Start `dragonbear serve` on ``store_dir`` on a free loopback port (with ``env_vars`` added to a
    clean environment); stop it afterwards."""
    import httpx
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DRAGONBEAR_")}
    if token:
        env["DRAGONBEAR_UPDATE_TOKEN"] = token
    env.update(env_vars or {})
    log = store_dir.parent / f"serve-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "dragonbear.cli", "serve", "--store", str(store_dir),
                                    "--port", str(port), *args], stdout=out, stderr=subprocess.STDOUT, env=env)
    server = Server(f"http://127.0.0.1:{port}/", process, log)
    try:
        for _ in range(600):  # until it answers (or dies)
            if process.poll() is not None:
                raise RuntimeError(f"dragonbear serve exited:\n{log.read_text()}")
            try:
                if httpx.get(server.url("/sparql"), params={"query": "ASK {}"}, timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        else:
            raise RuntimeError(f"dragonbear serve did not answer:\n{log.read_text()}")
        yield server
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def copy_store(source: Path, target: Path) -> Path:
    """A copy of a store directory (its generations and its ``current`` link)."""
    shutil.copytree(source, target, symlinks=True)
    return target


@pytest.fixture(scope="session")
def served_copy(built: tuple[Path, BuildReport], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the session-built store for the servers under test, with the W3C protocol test graphs.

    The graphs of the W3C protocol suite (data1.nt .. data3.nt: one ``foaf:Document`` triple each)
    are added with `dragonbear load` as named graphs ``http://kasei.us/2009/09/sparql/data/dataN.rdf``.
    """
    target = copy_store(built[0], tmp_path_factory.mktemp("served") / "store")
    nquads = target.parent / "w3c-protocol.nq"
    nquads.write_text(W3C_PROTOCOL_NQUADS, encoding="utf-8")
    result = run_cli("load", str(nquads), store_dir=target)
    assert result.returncode == 0, result.stderr
    return target


W3C_DATA = "http://kasei.us/2009/09/sparql/data/"
W3C_PROTOCOL_NQUADS = "".join(
    f"<{W3C_DATA}data{i}.rdf> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://xmlns.com/foaf/0.1/Document>"
    f" <{W3C_DATA}data{i}.rdf> .\n" for i in (1, 2, 3))
TOKEN = "test-token-5f1c"


@pytest.fixture(scope="session")
def server(served_copy: Path) -> Iterator[Server]:
    """A server on the shipped graph plus the W3C test graphs; updates enabled with :data:`TOKEN`."""
    with serve_store(served_copy, token=TOKEN) as running:
        yield running


@pytest.fixture(scope="session")
def slow_server(served_copy: Path) -> Iterator[Server]:
    """A server with a 2-second query limit, two server processes, a small result cap, and no update token."""
    with serve_store(served_copy, "--timeout", "2", "--workers", "2", "--max-results", "50") as running:
        yield running


@pytest.fixture(scope="module")
def writable_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A small store (ontology + the W3C test graphs, loaded with `dragonbear load`) served with updates on.

    One per test module: the tests that write either start from a clean state of their own (the W3C
    cases begin with CLEAR ALL or DROP ALL) or use graphs no other test touches.
    """
    root = tmp_path_factory.mktemp("writable")
    nquads = root / "w3c-protocol.nq"
    nquads.write_text(W3C_PROTOCOL_NQUADS, encoding="utf-8")
    result = run_cli("load", str(nquads), store_dir=root / "store")
    assert result.returncode == 0, result.stderr
    with serve_store(root / "store", "--workers", "2", token=TOKEN) as running:
        yield running


# --- The web service, served for real: pages and API over the session store (tests/test_web_pages.py,
# tests/test_api.py, tests/test_browser.py).

@pytest.fixture(scope="session")
def web_server(server: Server) -> str:
    """The base URL (no trailing slash) of the real `dragonbear serve` of the endpoint tests: the
    query page, entity pages and the API are served by the same app."""
    return server.base.rstrip("/")


# --- Canned-query helpers shared by tests/test_queries.py and tests/test_queries_analysis.py.

_CATALOGUE = load_catalogue()


def rows(store: EmbeddedStore, name: str, **params: str) -> list[dict[str, str]]:
    """The rows of a canned SELECT query, each a dict of variable name to value."""
    result = run_canned(store, name, params, catalogue=_CATALOGUE)
    names = [v.value for v in result.variables]  # type: ignore[union-attr]
    return [{n: s[n].value for n in names if s[n] is not None} for s in result]  # type: ignore[union-attr]


def local(iri: str) -> str:
    """The last segment of an IRI."""
    return re.split(r"[/#]", iri)[-1]


# --- A synthetic lineage hub (tests/lineage_hub.py): one system with more than a hundred links, for
# tests/test_lineage_groups.py and tests/test_browser_lineage_groups.py.

@pytest.fixture(scope="session")
def hub_store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of the ontology and the synthetic hub only, added with `dragonbear load`'s loader (so
    SHACL-validated, with the derived graph)."""
    from dragonbear.pipeline.update import load_files

    from .lineage_hub import hub_turtle
    root = tmp_path_factory.mktemp("hub")
    data = root / "synthetic-hub.ttl"
    data.write_text(hub_turtle(), encoding="utf-8")
    load_files(root / "store", [data])
    return root / "store"
