"""Shared fixtures: the stores (``built``/``store``: a small store built once per session from a cut of
the shipped data, for most tests; ``full_built``/``full_store``: all the shipped data); the app and
the command line in this process (``client``, ``cli``); real servers and subprocesses where the
process is what is tested (``server``, ``run_cli``).

Markers (registered in pyproject.toml): ``server`` for a test of a real `dragonbear serve` (or another
server), ``browser`` for Chromium, ``slow`` for anything that builds a store of its own, needs the
build of all the shipped data, or runs for seconds. Every ``server`` and ``browser`` test is ``slow``
too, so ``pytest -m "not slow"`` is the inner loop. A test whose fixtures need a marker it lacks is
refused at collection.

The suite runs in two processes (pytest-xdist, ``-n 2`` in pyproject.toml; ``-n 0`` for one). A test
marked ``exclusive`` (one that counts the connections a server loses or times a server) runs while no
other test runs (:func:`pytest_runtest_protocol`), as it would in one process.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import fcntl
import gc
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Coroutine, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, TypeVar

import pytest
from starlette.testclient import TestClient

from dragonbear.graph.store import EmbeddedStore, open_store
from dragonbear.pipeline.build import BuildReport, build_store
from dragonbear.queries.catalogue import load_catalogue, run_canned
from dragonbear.service.app import create_app
from dragonbear.service.runtime.names import name_index
from dragonbear.service.runtime.served import ServedStore
from dragonbear.settings import Settings

from .servers import VIRTUOSO, SparqlServer, ci_requires_servers, run_oxigraph, run_virtuoso

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
REGISTER = SHARED / "data" / "sipri" / "trade-register.csv"
# Debian's Chromium as its headless shell (package chromium-headless-shell, which .ci/run installs: the
# same Blink, V8 and Skia as the package chromium, without the browser's windows and services, as
# Playwright runs headless Chromium by default); else the whole browser (package chromium). The shell
# took the browser tests from 373 to 201 CPU-s (docs/decisions/0022-the-hot-path.md).
CHROMIUM_BUILDS = (Path("/usr/bin/chromium-headless-shell"), Path("/usr/bin/chromium"))
CHROMIUM = next((path for path in CHROMIUM_BUILDS if path.exists()), CHROMIUM_BUILDS[0])
NO_CHROMIUM = "no Debian Chromium (apt-get install chromium-headless-shell, or chromium)"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Fixtures that need a marker: a real server process, the browser, the build of all the shipped data.
NEEDS_MARKER = {
    "server": {
        "server",
        "slow_server",
        "writable_server",
        "web_server",
        "served_copy",
        "remote",
        "oxigraph_server",
        "virtuoso_server",
        "virtuoso",
    },
    "browser": {"browser"},
    "slow": {"full_built", "full_register"},
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep the markers true: a test that uses a real server, the browser or the full build must say so,
    and a ``server``, ``browser`` or ``fuzz`` test is ``slow``."""
    wrong = []
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        for marker, fixtures in NEEDS_MARKER.items():
            if used & fixtures and not item.get_closest_marker(marker):
                wrong.append(f"{item.nodeid} uses {sorted(used & fixtures)} without the {marker} marker")
        in_process = not (item.get_closest_marker("server") or item.get_closest_marker("browser"))
        if not in_process and not item.get_closest_marker("slow"):
            wrong.append(f"{item.nodeid} is marked server or browser but not slow")
        if item.get_closest_marker("fuzz") and not item.get_closest_marker("slow"):
            wrong.append(f"{item.nodeid} is marked fuzz but not slow (its regressions are the inner loop's)")
    if wrong:
        raise pytest.UsageError("markers do not match the fixtures:\n" + "\n".join(wrong))


_EXCLUSIVE: list[IO[bytes]] = []
"""The lock files this process holds whole while its tests marked ``exclusive`` run, one after another."""


def _lock_files() -> tuple[IO[bytes], IO[bytes]]:
    """The ``gate`` and the ``room`` of :func:`pytest_runtest_protocol`, shared by the processes of a run."""
    folder = Path(tempfile.gettempdir()) / f"dragonbear-tests-{os.environ['PYTEST_XDIST_TESTRUNUID']}"
    folder.mkdir(exist_ok=True)
    return open(folder / "gate", "a+b"), open(folder / "room", "a+b")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """When the suite runs in several processes (pytest-xdist), a test marked ``exclusive`` runs alone,
    its fixtures' setup and teardown included.

    A readers-writer lock of two files shared by the processes of the run: every other test holds the
    ``room`` shared while it runs; an exclusive test first takes the ``gate`` (so that no other test
    starts), then the ``room`` whole (once the tests under way have ended), and keeps both while the
    next test of its process is exclusive too. In one process, nothing.
    """
    if "PYTEST_XDIST_TESTRUNUID" not in os.environ:
        yield
        return
    if item.get_closest_marker("exclusive") is None:
        gate, room = _lock_files()
        with gate, room:
            fcntl.flock(gate, fcntl.LOCK_SH)
            fcntl.flock(room, fcntl.LOCK_SH)
            fcntl.flock(gate, fcntl.LOCK_UN)
            yield
        return
    if not _EXCLUSIVE:
        gate, room = _lock_files()
        fcntl.flock(gate, fcntl.LOCK_EX)
        fcntl.flock(room, fcntl.LOCK_EX)
        _EXCLUSIVE.extend((gate, room))
    yield
    if nextitem is None or nextitem.get_closest_marker("exclusive") is None:
        for held in _EXCLUSIVE:
            held.close()  # closing releases its lock
        _EXCLUSIVE.clear()


def pytest_collection_finish(session: pytest.Session) -> None:
    """Once the tests are collected (every module imported): keep what lives for the whole session out
    of the garbage collector's full passes, and run the young generation's passes less often. The
    collector took about 8 s of the inner loop; with this about 3 s."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (never Playwright's own browser downloads); skipped
    where neither build of :data:`CHROMIUM_BUILDS` is installed."""
    if not CHROMIUM.exists():
        pytest.skip(NO_CHROMIUM)
    playwright_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


T = TypeVar("T")


def run_coroutine(coroutine: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(coroutine)`` on a thread of its own: once the session's browser has started,
    Playwright's sync API keeps an event loop running on the main thread, where ``asyncio.run`` refuses."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


# --- The stores: one built from a cut of the shipped data for most tests, one of all of it ------------

SMALL_CUT_PARTIES = {"Russia", "Soviet Union", "Ukraine"}


def write_small_extract(dest: Path, parties: set[str] = SMALL_CUT_PARTIES) -> int:
    """Write the deals of the shipped SIPRI extract between China and Russia, the Soviet Union or
    Ukraine (``parties``), and the deals the curated facts attest, to ``dest`` (the extract's own lines,
    layout and preamble); return how many. Every deal keeps the key (so the IRI) it has in the whole
    extract. With no ``parties``, only the attested deals: the smallest register a build takes."""
    from dragonbear import shipped_data
    from dragonbear.loaders.curated import load_curated
    from dragonbear.loaders.sipri import deal_keys
    from dragonbear.loaders.sipri_layouts import read_register

    source = shipped_data("sipri/extract.csv")
    register = read_register(source)
    keys = deal_keys(register.deals)
    attested = set(load_curated(shipped_data("curated")).report.sipri_refs)
    chosen = [
        i
        for i, (deal, key) in enumerate(zip(register.deals, keys, strict=True))
        if key in attested or ("China" in (deal.supplier, deal.recipient) and {deal.supplier, deal.recipient} & parties)
    ]
    deals = [register.deals[i] for i in chosen]
    assert deal_keys(deals) == [keys[i] for i in chosen], "a deal of the cut would change its key"
    assert not set(register.rejoined_lines) & {deal.line for deal in deals}, "a rejoined row is in the cut"
    lines = [line.removesuffix("\r") for line in source.read_bytes().decode(register.encoding).split("\n")]
    rows = sorted(number for deal in deals for number in deal.lines)
    body = [*lines[: register.header_line], *(lines[number - 1] for number in rows)]
    dest.write_bytes(("\n".join(body) + "\n").encode(register.encoding))
    return len(deals)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildReport]:
    """The store of most tests, built once per session by the real build from the shipped ontology, the
    shipped curated facts and a cut of the shipped SIPRI extract (:func:`write_small_extract`: the
    China-Russia deals and those the curated facts attest, about 200 of 6,457): about 29 thousand
    quads, built in 2 s. A test about the whole shipped data (every deal, counts, regions) takes
    ``full_built`` instead, and is ``slow``."""
    root = tmp_path_factory.mktemp("small")
    write_small_extract(root / "extract.csv")
    report = build_store(root / "store", sipri_path=root / "extract.csv", progress=lambda _m: None)
    return root / "store", report


@pytest.fixture(scope="session")
def store(built: tuple[Path, BuildReport]) -> Iterator[EmbeddedStore]:
    """The store of ``built``, opened read-only."""
    yield open_store(built[0], read_only=True)


@pytest.fixture(scope="session")
def small_extract(built: tuple[Path, BuildReport]) -> Path:
    """The cut of the shipped SIPRI extract that ``built`` was built from (for builds of a test's own)."""
    return built[0].parent / "extract.csv"


def _shared_folder(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    """A folder of this run that every test process sees (the parent of the processes' own temporary
    folders in a parallel run), for what is made once per run under a lock in it."""
    root = tmp_path_factory.getbasetemp()
    folder = (root.parent if os.environ.get("PYTEST_XDIST_WORKER") else root) / name
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def full_built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildReport]:
    """A store built from all the shipped data (about 343 thousand quads, 10 s), once per run (by the
    first test process to need it, under a lock; the others read its report): for the tests of the
    shipped data as a whole (they are ``slow``) and the real servers. Tests read it, or copy it."""
    folder = _shared_folder(tmp_path_factory, "full-built")
    made = folder / "report.pickle"
    with open(folder / ".lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not made.exists():
            report = build_store(folder / "store", progress=lambda _m: None)
            made.write_bytes(pickle.dumps(report))
    return folder / "store", pickle.loads(made.read_bytes())  # written by this run, above


@pytest.fixture(scope="session")
def full_register(built: tuple[Path, BuildReport], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A copy of ``built`` with the whole SIPRI register loaded by the real `dragonbear load-sipri` (about
    1.4 million quads, half a minute), and what the command printed: made once per run, by the first
    process of a parallel run to need it (under a lock, in the folder the processes share), which the
    others wait for. Tests read it, or copy it (:func:`copy_store`) to write."""
    if not REGISTER.exists():
        pytest.skip("the full SIPRI register is not on this machine")
    folder = _shared_folder(tmp_path_factory, "full-register")
    printed = folder / "printed.txt"
    with open(folder / ".lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not printed.exists():
            store_dir = copy_store(built[0], folder / "store")
            result = run_cli("load-sipri", str(REGISTER), "--store", str(store_dir), timeout=900)
            assert result.returncode == 0, result.stderr
            printed.write_text(result.stdout, encoding="utf-8")
    return folder / "store", printed.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def full_store(full_built: tuple[Path, BuildReport]) -> Iterator[EmbeddedStore]:
    """The shipped graph, opened read-only."""
    yield open_store(full_built[0], read_only=True)


class _EntryPoint:
    """The `dragonbear` entry point (:func:`dragonbear.cli.app.main`, which runs the Typer app and turns
    the project's errors into messages and exit codes) as click's CliRunner invokes a command."""

    name = "dragonbear"

    def main(self, args: Sequence[str], prog_name: str, **_: object) -> None:
        from dragonbear.cli.app import main

        saved = sys.argv
        sys.argv = [prog_name, *args]
        try:
            main()
        finally:
            sys.argv = saved


def cli(
    *args: str, store_dir: Path | None = None, env: dict[str, str] | None = None, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `dragonbear ARGS` in this process (click's CliRunner around the entry point's ``main``):
    the same exit code, standard output and standard error as :func:`run_cli`, without starting
    Python. ``store_dir`` is given as ``DRAGONBEAR_STORE``; other ``DRAGONBEAR_*`` variables are unset."""
    from click.testing import CliRunner

    full_env: dict[str, str | None] = {k: None for k in os.environ if k.startswith("DRAGONBEAR_")}
    if store_dir is not None:
        full_env["DRAGONBEAR_STORE"] = str(store_dir)
    full_env.update(env or {})
    result = CliRunner(catch_exceptions=False).invoke(
        _EntryPoint(),
        list(args),
        env=full_env,  # type: ignore[arg-type]
        input=input,
    )
    return subprocess.CompletedProcess(["dragonbear", *args], result.exit_code, result.stdout, result.stderr)


def run_cli(
    *args: str, store_dir: Path | None = None, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run the real `dragonbear` command (the installed entry point's module) in a subprocess: for the
    entry point itself, and for what needs a process of its own (a build to kill, a lock to hold)."""
    full_env = dict(os.environ)
    if store_dir is not None:
        full_env["DRAGONBEAR_STORE"] = str(store_dir)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "dragonbear.cli", *args], capture_output=True, text=True, env=full_env, timeout=timeout
    )


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
def serve_store(
    store_dir: Path,
    *args: str,
    token: str | None = None,
    env_vars: dict[str, str] | None = None,
    log_dir: Path | None = None,
) -> Iterator[Server]:
    """Start `dragonbear serve` on ``store_dir`` on a free loopback port (with ``env_vars`` added to a
    clean environment); stop it afterwards. Its log is written beside the store, or in ``log_dir``."""
    import httpx

    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DRAGONBEAR_")}
    if token:
        env["DRAGONBEAR_UPDATE_TOKEN"] = token
    env.update(env_vars or {})
    log = (log_dir or store_dir.parent) / f"serve-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "dragonbear.cli", "serve", "--store", str(store_dir), "--port", str(port), *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
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


# --- The app in this process: what `dragonbear serve` runs in each server process, without the process.


@contextmanager
def app_client(store_dir: Path, **settings: object) -> Iterator[TestClient]:
    """The app of `dragonbear serve` (``create_app`` on a :class:`ServedStore`) on ``store_dir``, with its
    lifespan run (the store opens and closes with it), answering at ``http://testserver``.

    ``settings`` are :class:`Settings` fields (``update_token``, ``max_results``, ``query_timeout``,
    ``federation_allowlist``); the caches are not warmed in the background."""
    settings = Settings(store_dir=store_dir, **{"warm": False, **settings})  # type: ignore[arg-type]
    with TestClient(
        create_app(settings, ServedStore(settings)), base_url="http://testserver", follow_redirects=False
    ) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def app_store(built: tuple[Path, BuildReport], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the session store (``built``) for the in-process app (``/download`` writes its dumps beside it)."""
    return copy_store(built[0], tmp_path_factory.mktemp("app") / "store")


@pytest.fixture(scope="session")
def client(app_store: Path) -> Iterator[TestClient]:
    """The app on the shipped graph, in this process, with updates enabled by :data:`TOKEN` like the
    ``server`` fixture's (tests that write use ``writable_client``, a store of its own)."""
    with app_client(app_store, update_token=TOKEN) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def full_client(full_built: tuple[Path, BuildReport], tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The app in this process on a copy of all the shipped data (``full_built``), for the few pages and
    answers that are about the whole of it (they are ``slow``)."""
    with app_client(copy_store(full_built[0], tmp_path_factory.mktemp("full-app") / "store")) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def capped_client(app_store: Path) -> Iterator[TestClient]:
    """The app on the shipped graph with a result cap of 50, a 2-second query limit and no update
    token, like the ``slow_server`` fixture's."""
    with app_client(app_store, max_results=50, query_timeout=2) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def writable_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The app on a small store of its own (the ontology and the W3C test graphs), updates on with
    :data:`TOKEN`; one per test module, like ``writable_server``."""
    from dragonbear.pipeline.update import load_files

    root = tmp_path_factory.mktemp("writable-app")
    nquads = root / "w3c-protocol.nq"
    nquads.write_text(W3C_PROTOCOL_NQUADS, encoding="utf-8")
    load_files(root / "store", [nquads])
    with app_client(root / "store", update_token=TOKEN) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def served_copy(full_built: tuple[Path, BuildReport], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the shipped graph (``full_built``) for the real servers, with the W3C protocol test graphs.

    The graphs of the W3C protocol suite (data1.nt .. data3.nt: one ``foaf:Document`` triple each)
    are added with `dragonbear load` as named graphs ``http://kasei.us/2009/09/sparql/data/dataN.rdf``.
    """
    target = copy_store(full_built[0], tmp_path_factory.mktemp("served") / "store")
    nquads = target.parent / "w3c-protocol.nq"
    nquads.write_text(W3C_PROTOCOL_NQUADS, encoding="utf-8")
    result = run_cli("load", str(nquads), store_dir=target)
    assert result.returncode == 0, result.stderr
    return target


W3C_DATA = "http://kasei.us/2009/09/sparql/data/"
W3C_PROTOCOL_NQUADS = "".join(
    f"<{W3C_DATA}data{i}.rdf> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://xmlns.com/foaf/0.1/Document>"
    f" <{W3C_DATA}data{i}.rdf> .\n"
    for i in (1, 2, 3)
)
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


# --- Other SPARQL servers (tests/servers.py), for the tests of RemoteStore: each started once per session,
# empty, on loopback; the modules that use one load what they need.


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparqlServer]:
    """Oxigraph's server (PyPI ``oxigraph``), its default graph empty."""
    with run_oxigraph(tmp_path_factory.mktemp("oxigraph-server")) as running:
        yield running


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparqlServer]:
    """Virtuoso 7.2 (Debian's ``virtuoso-opensource``) with its own ini and database in a temporary folder.

    Skipped where ``virtuoso-t`` is not installed, except in CI (``CI`` set), where a missing Virtuoso
    fails: ``.ci/run`` installs it, and a skip there would hide every Virtuoso test."""
    if not Path(VIRTUOSO).exists():
        if ci_requires_servers():
            pytest.fail(f"{VIRTUOSO} is missing in CI: .ci/run installs Debian's virtuoso-opensource")
        pytest.skip(f"{VIRTUOSO} is not installed (apt-get install virtuoso-opensource; .ci/run does)")
    with run_virtuoso(tmp_path_factory.mktemp("virtuoso-server")) as running:
        yield running


# --- The web service, served for real: pages and API over the session store (tests/service/test_web_pages.py,
# tests/service/test_api.py, tests/service/test_browser.py).


@pytest.fixture(scope="session")
def web_server(server: Server) -> str:
    """The base URL (no trailing slash) of the real `dragonbear serve` of the endpoint tests: the
    query page, entity pages and the API are served by the same app."""
    return server.base.rstrip("/")


# --- Canned-query helpers shared by tests/queries/test_queries.py and tests/queries/test_queries_analysis.py.

_CATALOGUE = load_catalogue()


def rows(store: EmbeddedStore, name: str, **params: str) -> list[dict[str, str]]:
    """The rows of a canned SELECT query, each a dict of variable name to value (names resolved with
    the store's name index, built once per store object as the server does)."""
    result = run_canned(store, name, params, catalogue=_CATALOGUE, names=name_index(store))
    names = [v.value for v in result.variables]  # type: ignore[union-attr]
    return [{n: s[n].value for n in names if s[n] is not None} for s in result]  # type: ignore[union-attr]


def local(iri: str) -> str:
    """The last segment of an IRI."""
    return re.split(r"[/#]", iri)[-1]


# --- A synthetic lineage hub (tests/lineage_hub.py): one system with more than a hundred links, for
# tests/graph/test_lineage_groups.py and tests/service/test_browser_lineage_groups.py.


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
