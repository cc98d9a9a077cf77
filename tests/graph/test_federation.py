"""Federation: SERVICE reaches allowlisted endpoints only.

The joins are tried against a second endpoint on loopback: a real Oxigraph server (``oxigraph
serve-read-only``, from the test extras) holding a few triples about our systems; the app with that
endpoint on its allowlist joins its graph with them. The refusals need no second endpoint: addresses
off the allowlist are sockets of the test's own, which must never see a connection.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from dragonbear.errors import ProtocolError, UsageError
from dragonbear.graph.federation import DEFAULT_ALLOWLIST, check_service_calls, parse_allowlist
from dragonbear.settings import Settings

from ..conftest import _free_port, app_client, cli

EX = "http://example.org/remote#"
ID = "https://w3id.org/dragonbear/id/system/"
REMOTE_TURTLE = f"""@prefix ex: <{EX}> .
<{ID}j-11> ex:remoteNote "remote note on the J-11" .
<{ID}su-27sk> ex:remoteNote "remote note on the Su-27SK" .
<{ID}no-such-system> ex:remoteNote "a system our graph does not have" .
"""
JOIN = f"""SELECT ?label ?note WHERE {{
  ?system a dgb:SystemModel ; rdfs:label ?label . FILTER(LANG(?label) = "en")
  SERVICE <%s> {{ ?system <{EX}remoteNote> ?note }}
}} ORDER BY ?label"""
EXPECTED_ROWS = [("Shenyang J-11", "remote note on the J-11"), ("Sukhoi Su-27SK", "remote note on the Su-27SK")]


def _oxigraph() -> str:
    found = Path(sys.executable).with_name("oxigraph")
    return str(found) if found.exists() else (shutil.which("oxigraph") or "oxigraph")


@pytest.fixture(scope="module")
def remote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The query URL of an Oxigraph server on loopback holding :data:`REMOTE_TURTLE`."""
    root = tmp_path_factory.mktemp("remote")
    (root / "remote.ttl").write_text(REMOTE_TURTLE, encoding="utf-8")
    subprocess.run(
        [_oxigraph(), "load", "--location", str(root / "db"), "--file", str(root / "remote.ttl")],
        check=True,
        capture_output=True,
    )
    port = _free_port()
    process = subprocess.Popen(
        [_oxigraph(), "serve-read-only", "--location", str(root / "db"), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/query"
    try:
        for _ in range(150):
            try:
                if httpx.get(url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            raise RuntimeError("oxigraph serve-read-only did not answer")
        yield url
    finally:
        process.terminate()
        process.wait(30)


@pytest.fixture(scope="module")
def federating(app_store: Path, remote: str) -> Iterator[TestClient]:
    """The app with the remote endpoint alone on its allowlist."""
    with app_client(app_store, federation_allowlist=(remote,)) as client:
        yield client


ALLOWED = "http://127.0.0.1:1/query"  # on the allowlist of ``allowlisted``; nothing answers there


@pytest.fixture(scope="module")
def allowlisted(app_store: Path) -> Iterator[TestClient]:
    """The app with :data:`ALLOWED` alone on its allowlist (in place of the default)."""
    with app_client(app_store, federation_allowlist=(ALLOWED,)) as client:
        yield client


class Listener:
    """A listening loopback socket standing for an internal host: it records whether anyone connected."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.sock.settimeout(0.1)  # asked after the answer: a connection made would be waiting already
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/sparql"

    def was_contacted(self) -> bool:
        try:
            conn, _ = self.sock.accept()
        except TimeoutError:
            return False
        conn.close()
        return True


@pytest.fixture()
def internal_host() -> Iterator[Listener]:
    listener = Listener()
    try:
        yield listener
    finally:
        listener.sock.close()


def _rows(response: httpx.Response) -> list[tuple[str, str]]:
    assert response.status_code == 200, response.text
    return [(b["label"]["value"], b["note"]["value"]) for b in response.json()["results"]["bindings"]]


@pytest.mark.server
@pytest.mark.slow
def test_allowlisted_service_joins_our_graph_with_the_remote_one(federating: TestClient, remote: str) -> None:
    response = federating.get("/sparql", params={"query": JOIN % remote})
    assert _rows(response) == EXPECTED_ROWS


@pytest.mark.server
@pytest.mark.slow
def test_allowlisted_service_works_by_post_and_with_silent(federating: TestClient, remote: str) -> None:
    query = (JOIN % remote).replace("SERVICE <", "SERVICE SILENT <")
    response = federating.post("/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"})
    assert _rows(response) == EXPECTED_ROWS


@pytest.mark.parametrize(
    "template",
    [
        pytest.param("SELECT * WHERE { SERVICE <%s> { ?s ?p ?o } }", id="iri"),
        pytest.param("SELECT * WHERE { SERVICE SILENT <%s> { ?s ?p ?o } }", id="silent"),
        pytest.param("SELECT * WHERE { BIND(<%s> AS ?e) SERVICE ?e { ?s ?p ?o } }", id="variable"),
        pytest.param("SELECT * WHERE { ?a ?b ?c FILTER EXISTS { SERVICE <%s> { ?s ?p ?o } } } LIMIT 1", id="in-filter"),
        pytest.param("SELECT * WHERE { { SELECT * { SERVICE <%s> { ?s ?p ?o } } } }", id="in-subquery"),
    ],
)
def test_service_off_the_allowlist_is_refused_and_never_connects(
    allowlisted: TestClient, internal_host: Listener, template: str
) -> None:
    response = allowlisted.get("/sparql", params={"query": template % internal_host.url})
    assert response.status_code == 400
    assert "is refused" in response.text and "DRAGONBEAR_FEDERATION_ALLOWLIST" in response.text
    assert not internal_host.was_contacted()


def test_variable_service_endpoint_is_refused_even_when_bound_to_an_allowlisted_one(allowlisted: TestClient) -> None:
    query = f"SELECT * WHERE {{ BIND(<{ALLOWED}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}"
    response = allowlisted.get("/sparql", params={"query": query})
    assert response.status_code == 400 and "variable endpoint" in response.text


def test_refusal_names_the_allowlisted_endpoint_a_trailing_slash_away(allowlisted: TestClient) -> None:
    response = allowlisted.get("/sparql", params={"query": f"ASK {{ SERVICE <{ALLOWED}/> {{}} }}"})
    assert response.status_code == 400 and f"Did you mean <{ALLOWED}>?" in response.text


def test_a_configured_allowlist_replaces_the_default(allowlisted: TestClient) -> None:
    query = f"ASK {{ SERVICE <{DEFAULT_ALLOWLIST[0]}> {{ ?s ?p ?o }} }}"
    response = allowlisted.get("/sparql", params={"query": query})
    assert response.status_code == 400 and "is refused" in response.text


def test_default_server_refuses_wikidata_over_http_and_points_to_https(client: TestClient) -> None:
    query = "ASK { SERVICE <http://query.wikidata.org/sparql> { ?s ?p ?o } }"
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 400
    assert "Did you mean <https://query.wikidata.org/sparql>?" in response.text


@pytest.mark.server
@pytest.mark.slow
def test_command_line_sparql_calls_an_allowlisted_endpoint(built: tuple[Path, object], remote: str) -> None:
    result = cli(
        "sparql", JOIN % remote, "-f", "csv", store_dir=built[0], env={"DRAGONBEAR_FEDERATION_ALLOWLIST": remote}
    )
    assert result.returncode == 0, result.stderr
    assert "remote note on the J-11" in result.stdout and "remote note on the Su-27SK" in result.stdout


def test_command_line_sparql_refuses_endpoints_off_the_allowlist(
    built: tuple[Path, object], internal_host: Listener
) -> None:
    result = cli(
        "sparql",
        f"SELECT * {{ SERVICE <{internal_host.url}> {{ ?s ?p ?o }} }}",
        store_dir=built[0],
        env={"DRAGONBEAR_FEDERATION_ALLOWLIST": ""},
    )
    assert result.returncode == 2
    assert "is refused" in result.stderr and "none are configured" in result.stderr
    assert not internal_host.was_contacted()


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("SELECT * { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } }", id="wikidata"),
        pytest.param("SELECT * { SERVICE <https://dbpedia.org/sparql> { ?s ?p ?o } }", id="dbpedia"),
        pytest.param("SELECT * { SERVICE <HTTPS://DBpedia.org:443/sparql> { ?s ?p ?o } }", id="dbpedia-case-and-port"),
        pytest.param("PREFIX w: <https://query.wikidata.org/> SELECT * { SERVICE w:sparql {} }", id="prefixed-name"),
        pytest.param(
            "PREFIX : <https://dbpedia.org/> SELECT * { SERVICE SILENT :sparql# a comment\n{} }", id="empty-prefix"
        ),
        pytest.param(
            "PREFIX w: <http://10.0.0.1/> PREFIX w: <https://query.wikidata.org/> ASK { SERVICE w:sparql {} }",
            id="redeclared-prefix",
        ),
        pytest.param(
            "PREFIX w: <https://query.wikidata.org/> INSERT { <http://e/a> <http://e/b> 1 } WHERE { SERVICE w:sparql {} }",
            id="in-an-update",
        ),
    ],
)
def test_default_allowlist_admits_wikidata_and_dbpedia(query: str) -> None:
    check_service_calls(query, Settings(store_dir=Path("/nowhere")).federation_allowlist)


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("SELECT * { SERVICE <https://query.wikidata.org/sparql/> {} }", id="trailing-slash"),
        pytest.param("SELECT * { SERVICE <https://query.wikidata.org/sparql?x=1> {} }", id="query-string"),
        pytest.param("SELECT * { SERVICE <https://query.wikidata.org/sparql@10.0.0.1/> {} }", id="userinfo-trick"),
        pytest.param("SELECT * { SERVICE <https://user@query.wikidata.org/sparql> {} }", id="user"),
        pytest.param("SELECT * { SERVICE w:sparql {} }", id="undeclared-prefix"),
        pytest.param("PREFIX w: <https://query.wikidata.org/> SELECT * { SERVICE w:sparql\\/x {} }", id="escaped-name"),
        pytest.param("PREFIX w: <https://query.wikidata.org/> SELECT * { SERVICE w:sparql. {} }", id="name-with-dot"),
        pytest.param(
            "BASE <https://query.wikidata.org/> PREFIX w: <> SELECT * { SERVICE w:sparql {} }", id="relative-prefix"
        ),
        pytest.param("PREFIX w: <http://10.0.0.1/> SELECT * { SERVICE w:sparql {} }", id="prefixed-name-elsewhere"),
        pytest.param(  # the last declaration wins, as in the parser
            "PREFIX w: <https://query.wikidata.org/> PREFIX w: <http://10.0.0.1/> SELECT * { SERVICE w:sparql {} }",
            id="redeclared-prefix",
        ),
        pytest.param("BASE <https://query.wikidata.org/> SELECT * { SERVICE <sparql> {} }", id="relative-iri"),
        pytest.param("SELECT * { SERVICE <file:///etc/passwd> {} }", id="file-iri"),
        pytest.param("SELECT * { SERVICE <http://169.254.169.254/latest> {} }", id="metadata-address"),
        pytest.param(r"SELECT * { SERVICE <http://127.0.0.1:1/\u0073parql> {} }", id="escaped-iri"),
    ],
)
def test_default_allowlist_refuses_lookalikes(query: str) -> None:
    with pytest.raises(ProtocolError, match="is refused"):
        check_service_calls(query, DEFAULT_ALLOWLIST)


def test_a_predeclared_prefix_expands_as_in_queries_and_a_query_prefix_wins() -> None:
    wikidata_entities = "http://www.wikidata.org/entity/sparql"  # wd: is predeclared
    check_service_calls("ASK { SERVICE wd:sparql {} }", (wikidata_entities,))
    with pytest.raises(ProtocolError, match="is refused"):
        check_service_calls("PREFIX wd: <http://10.0.0.1/> ASK { SERVICE wd:sparql {} }", (wikidata_entities,))


@pytest.mark.server
@pytest.mark.slow
def test_allowlisted_service_written_as_a_prefixed_name_joins(federating: TestClient, remote: str) -> None:
    base, local = remote.rsplit("/", 1)
    query = f"PREFIX remote: <{base}/>\n" + (JOIN % remote).replace(f"<{remote}>", f"remote:{local}")
    assert f"SERVICE remote:{local} {{" in query
    assert _rows(federating.get("/sparql", params={"query": query})) == EXPECTED_ROWS


def test_prefixed_service_off_the_allowlist_is_refused_and_never_connects(
    allowlisted: TestClient, internal_host: Listener
) -> None:
    base, local = internal_host.url.rsplit("/", 1)
    query = f"PREFIX in: <{base}/> SELECT * WHERE {{ SERVICE in:{local} {{ ?s ?p ?o }} }}"
    response = allowlisted.get("/sparql", params={"query": query})
    assert response.status_code == 400
    assert (
        f"SERVICE <{internal_host.url}> is refused" in response.text
        and "DRAGONBEAR_FEDERATION_ALLOWLIST" in response.text
    )
    assert not internal_host.was_contacted()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(None, DEFAULT_ALLOWLIST, id="unset-gives-wikidata-and-dbpedia"),
        pytest.param("", (), id="empty-allows-none"),
        pytest.param("  ", (), id="blank-allows-none"),
        pytest.param("http://127.0.0.1:7878/query", ("http://127.0.0.1:7878/query",), id="replaces-the-default"),
        pytest.param(
            "<https://a.example/sparql>,https://b.example/sparql",
            ("https://a.example/sparql", "https://b.example/sparql"),
            id="two",
        ),
    ],
)
def test_allowlist_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, raw: str | None, expected: tuple[str, ...]
) -> None:
    if raw is None:
        monkeypatch.delenv("DRAGONBEAR_FEDERATION_ALLOWLIST", raising=False)
    else:
        monkeypatch.setenv("DRAGONBEAR_FEDERATION_ALLOWLIST", raw)
    assert Settings.from_env(store=Path("/nowhere")).federation_allowlist == expected
    assert parse_allowlist(raw) == expected


def test_allowlist_entry_that_is_not_an_endpoint_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DRAGONBEAR_FEDERATION_ALLOWLIST", "query.wikidata.org")
    with pytest.raises(UsageError, match="DRAGONBEAR_FEDERATION_ALLOWLIST"):
        Settings.from_env(store=Path("/nowhere"))


@pytest.mark.parametrize("module", ["dragonbear.graph.federation", "dragonbear.graph.sparql_text"])
def test_federation_doctests_pass(module: str) -> None:
    import doctest
    import importlib

    assert doctest.testmod(importlib.import_module(module)).failed == 0
