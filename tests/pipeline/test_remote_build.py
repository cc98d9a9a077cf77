"""`dragonbear build`, `load`, `stats`, `export` and `serve` with `--store URL`, on Oxigraph's server and on
Virtuoso: the graph built and validated locally, published under new graph names and switched in one
update; a failed build leaves the previous graphs answering; the served app answers from the server and
sees a new build; writes with the token reach the server."""

from __future__ import annotations

import dataclasses
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from dragonbear.addresses import StoreAddress, parse_store_address
from dragonbear.errors import ResultLimitError, StoreError
from dragonbear.graph.locations import open_remote
from dragonbear.graph.publish import STAGING, build_record, publish
from dragonbear.graph.remote import RemoteStore
from dragonbear.graph.store import EmbeddedStore
from dragonbear.service.app import create_app
from dragonbear.service.runtime.remote_served import RemoteServedStore
from dragonbear.settings import Settings

from ..conftest import cli
from ..servers import VIRTUOSO, SparqlServer, ci_requires_servers, free_port, run_oxigraph, run_virtuoso

pytestmark = [pytest.mark.server, pytest.mark.slow]

TOKEN = "remote-token"


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparqlServer]:
    """A fresh server of each kind, for this module alone (its builds replace the graphs)."""
    folder = tmp_path_factory.mktemp(f"{request.param}-build")
    if request.param == "virtuoso":
        if not Path(VIRTUOSO).exists() and not ci_requires_servers():
            pytest.skip("Virtuoso (Debian's virtuoso-opensource) is not installed; .ci/run installs it")
        with run_virtuoso(folder) as running:
            yield running
    else:
        with run_oxigraph(folder) as running:
            yield running


def _url(server: SparqlServer) -> str:
    return f"{server.kind}+{server.base}"


def _env(server: SparqlServer) -> dict[str, str]:
    return (
        {"DRAGONBEAR_STORE_USER": server.user, "DRAGONBEAR_STORE_PASSWORD": server.password or ""}
        if server.user
        else {}
    )


def _address(server: SparqlServer) -> StoreAddress:
    found = parse_store_address(_url(server), env=_env(server))
    assert isinstance(found, StoreAddress)
    return found


@pytest.fixture(scope="module")
def remote_built(server: SparqlServer, small_extract: Path) -> Iterator[RemoteStore]:
    """The server after `dragonbear build --store URL` from the session store's sources."""
    result = cli("build", "--store", _url(server), "--sipri", str(small_extract), env=_env(server))
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"Store: {_url(server)} (build " in result.stdout
    remote = open_remote(_address(server))
    yield remote
    remote.close()


def _counts(store: EmbeddedStore | RemoteStore) -> dict[str, int]:
    return {g: store.count(g) for g in store.graphs()}


def test_a_build_on_a_server_holds_the_graphs_of_a_local_build(remote_built: RemoteStore, store: EmbeddedStore) -> None:
    assert remote_built.graphs() == store.graphs()
    assert _counts(remote_built) == _counts(store)
    assert not [g for g in remote_built.scan_graphs() if g.startswith(STAGING)], "no staged graph is left"
    assert build_record(remote_built) is not None


def test_stats_and_canned_queries_read_the_server(remote_built: RemoteStore, server: SparqlServer) -> None:
    stats = cli("stats", "--store", _url(server), env=_env(server))
    assert stats.returncode == 0, stats.stderr
    assert f"Store: {_url(server)}" in stats.stdout and "dgb:ArmsTransfer" in stats.stdout
    conflicts = cli("query", "conflicts", "--store", _url(server), "--format", "csv", env=_env(server))
    assert conflicts.returncode == 0, conflicts.stderr
    assert "Su-35" in conflicts.stdout


def test_export_from_a_server_writes_every_quad(
    remote_built: RemoteStore, server: SparqlServer, tmp_path: Path
) -> None:
    target = tmp_path / "dump.nq"
    result = cli("export", "--format", "nquads", "-o", str(target), "--store", _url(server), env=_env(server))
    assert result.returncode == 0, result.stderr
    assert len(list(ox.parse(path=target, format=ox.RdfFormat.N_QUADS))) == remote_built.count()


def test_a_failed_build_leaves_the_previous_graphs_answering(
    remote_built: RemoteStore, server: SparqlServer, tmp_path: Path
) -> None:
    before, counts = build_record(remote_built), _counts(remote_built)
    bad = tmp_path / "register.csv"
    bad.write_text("this is not a SIPRI register\n", encoding="utf-8")
    result = cli("build", "--store", _url(server), "--sipri", str(bad), env=_env(server))
    assert result.returncode == 2, result.stdout
    assert "Traceback" not in result.stderr
    assert build_record(remote_built) == before and _counts(remote_built) == counts


def test_a_publish_the_server_refuses_midway_changes_nothing(remote_built: RemoteStore, store: EmbeddedStore) -> None:
    before, counts = build_record(remote_built), _counts(remote_built)
    broken = RemoteStore(
        remote_built.query_url,
        update_url=remote_built.update_url,
        data_url=f"http://127.0.0.1:{free_port()}/store",  # no server there: every load fails
        auth=remote_built._client.auth,
    )
    with pytest.raises(StoreError, match="left as they were"):
        publish(store, broken)
    assert build_record(remote_built) == before and _counts(remote_built) == counts
    assert not [g for g in remote_built.scan_graphs() if g.startswith(STAGING)]


def test_load_on_a_server_adds_its_graph_and_keeps_the_others(
    remote_built: RemoteStore, server: SparqlServer, tmp_path: Path
) -> None:
    counts = _counts(remote_built)
    data = tmp_path / "note.ttl"
    data.write_text('<urn:x:note> <http://www.w3.org/2000/01/rdf-schema#label> "a note" .\n', encoding="utf-8")
    result = cli("load", str(data), "--graph", "urn:x:notes", "--store", _url(server), env=_env(server))
    assert result.returncode == 0, result.stderr[-2000:]
    assert remote_built.count("urn:x:notes") == 1
    assert {g: n for g, n in _counts(remote_built).items() if g != "urn:x:notes"} == counts


@pytest.fixture(scope="module")
def remote_client(
    remote_built: RemoteStore, server: SparqlServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """The app of `dragonbear serve --store URL`, in this process, with updates on."""
    settings = dataclasses.replace(
        Settings.from_env(store=tmp_path_factory.mktemp("remote-cache")),
        store_address=_address(server),
        update_token=TOKEN,
        warm=False,
    )
    with TestClient(create_app(settings, RemoteServedStore(settings)), base_url="http://testserver") as client:
        yield client


def _unordered(value: object) -> object:
    """``value`` with every list sorted (by its items' JSON), to compare answers whose order may differ."""
    if isinstance(value, dict):
        return {k: _unordered(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((_unordered(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    return value


def _sorted_rows(answer: dict[str, object]) -> list[str]:
    return sorted(json.dumps(row, sort_keys=True) for row in answer["results"]["bindings"])  # type: ignore[index]


def test_the_served_app_answers_sparql_pages_and_the_api_from_the_server(
    remote_client: TestClient, client: TestClient
) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s a dgb:ArmsTransfer }"
    remote_answer = remote_client.get(
        "/sparql", params={"query": count}, headers={"Accept": "application/sparql-results+json"}
    )
    local_answer = client.get("/sparql", params={"query": count}, headers={"Accept": "application/sparql-results+json"})
    assert remote_answer.status_code == 200, remote_answer.text
    assert remote_answer.json()["results"] == local_answer.json()["results"]
    for path in [
        "/id/system/su-27",
        "/charts",
        "/explore/j-11",
        "/api/queries/conflicts",
        "/api/lineage/j-11",
        "/.well-known/void",
    ]:
        remote_page, local_page = remote_client.get(path), client.get(path)
        assert remote_page.status_code == 200, (path, remote_page.text[:500])
        if path == "/api/queries/conflicts":  # the same rows; rows that tie on ORDER BY may come in another order
            assert _sorted_rows(remote_page.json()) == _sorted_rows(local_page.json())
        elif path.startswith("/api"):  # the same nodes and edges, perhaps in another order
            assert _unordered(remote_page.json()) == _unordered(local_page.json())


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/queries/transfers?supplier=Russia&recipient=China",
        "/api/queries/transfers.csv?supplier=russia&recipient=china",
        "/api/queries/transfers.xlsx?supplier=russia&recipient=china",
        "/api/queries/exercises.json",
        "/id/",
        "/id/system/?state=russia",
        "/search?q=jian-11",
        "/api/search?q=Flanker",
        "/timeline?state=china&kind=exercise",
        "/timeline.csv?from=2014&to=2016",
    ],
)
def test_the_pages_for_people_who_do_not_write_sparql_work_from_the_server(
    remote_client: TestClient, client: TestClient, path: str
) -> None:
    remote_page, local_page = remote_client.get(path), client.get(path)
    assert remote_page.status_code == local_page.status_code == 200, (path, remote_page.text[:500])
    for header in ("Content-Disposition", "Dragonbear-Attribution", "Dragonbear-Result-Count"):
        assert remote_page.headers.get(header) == local_page.headers.get(header), (path, header)
    if ".csv?" in path:
        assert sorted(remote_page.text.splitlines()) == sorted(local_page.text.splitlines())


def test_a_short_link_from_the_server_is_kept_in_the_local_cache_folder(remote_client: TestClient) -> None:
    made = remote_client.post("/q", json={"path": "/queries/transfers?supplier=Russia&recipient=China"})
    assert made.status_code == 201, made.text
    ident = made.json()["id"]
    assert (remote_client.app.state.settings.store_dir / "links" / f"{ident}.json").is_file()  # type: ignore[attr-defined]
    page = remote_client.get(f"/q/{ident}")
    assert page.status_code == 200 and "shows the same numbers" in page.text and "state:russia" in page.text


def test_no_release_is_kept_on_a_server_and_v_says_so(remote_client: TestClient) -> None:
    from dragonbear import data_release

    reply = remote_client.get(f"/v/{data_release().version}/sparql", params={"query": "ASK {}"})
    assert reply.status_code == 404 and "SPARQL server" in reply.text
    assert "keeps no release" in remote_client.get("/v/").text


def test_a_write_with_the_token_reaches_the_server_and_the_cache_moves_on(
    remote_client: TestClient, remote_built: RemoteStore
) -> None:
    ask = {"query": "ASK { <urn:x:written> ?p ?o }"}
    accept = {"Accept": "application/sparql-results+json"}
    assert remote_client.get("/sparql", params=ask, headers=accept).json()["boolean"] is False
    written = remote_client.post(
        "/update",
        data={"update": 'INSERT DATA { GRAPH <urn:x:written> { <urn:x:written> <urn:x:p> "1" } }'},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert written.status_code in (200, 204), written.text
    assert remote_built.count("urn:x:written") == 1
    assert remote_client.get("/sparql", params=ask, headers=accept).json()["boolean"] is True
    refused = remote_client.post("/update", data={"update": "INSERT DATA { <urn:x:a> <urn:x:b> 1 }"})
    assert refused.status_code == 401


def test_a_server_that_goes_down_is_a_503_not_a_stack_trace(tmp_path: Path) -> None:
    running_server = run_oxigraph(tmp_path)
    running = running_server.__enter__()
    try:
        address = parse_store_address(f"oxigraph+{running.base}", env={})
        assert isinstance(address, StoreAddress)
        settings = dataclasses.replace(Settings.from_env(store=tmp_path / "cache"), store_address=address, warm=False)
        with TestClient(create_app(settings, RemoteServedStore(settings)), base_url="http://testserver") as client:
            assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200
            running_server.__exit__(None, None, None)
            down = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
            page = client.get("/id/system/su-27")
    finally:
        running_server.__exit__(None, None, None)
    assert down.status_code == 503, down.text
    assert "does not answer" in down.text and "Traceback" not in down.text
    assert page.status_code == 503 and "Traceback" not in page.text


def test_an_answer_past_the_byte_bound_is_a_result_limit_error_not_read_whole(remote_built: RemoteStore) -> None:
    small = RemoteStore(remote_built.query_url, max_answer_bytes=4096)
    assert small.ask("ASK { ?s a dgb:State }") is True  # a small answer is read as before
    with pytest.raises(ResultLimitError, match="passed 4,096 bytes"):
        small.select("SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 5000")
    small.close()


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["validate"], id="validate"),
        pytest.param(["resolve", "J-11"], id="resolve"),
        pytest.param(["lineage", "J-11", "--format", "json"], id="lineage"),
        pytest.param(["lineage", "Su-27", "--direction", "down", "--format", "json"], id="lineage-down"),
        pytest.param(["cite", "J-11"], id="cite"),
        pytest.param(["chart", "deliveries-to-china", "--format", "csv", "-o", "-"], id="chart"),
        pytest.param(["query", "transfers", "-p", "supplier=Russia", "-p", "recipient=China", "-f", "csv"], id="query"),
    ],
)
def test_commands_on_a_server_print_what_they_print_on_the_local_store(
    remote_built: RemoteStore, server: SparqlServer, built: tuple[Path, object], args: list[str]
) -> None:
    on_server = cli(*args, "--store", _url(server), env=_env(server))
    local = cli(*args, "--store", str(built[0]))
    assert on_server.returncode == local.returncode == 0, on_server.stderr[-1500:]
    assert _lines(on_server.stdout) == _lines(local.stdout)


def _lines(text: str) -> list[str]:
    """Output lines, sorted where rows that tie on an ORDER BY may come in another order."""
    return sorted(text.splitlines())


def test_a_download_is_dumped_from_the_server_and_kept_for_its_build(
    remote_client: TestClient, remote_built: RemoteStore
) -> None:
    first = remote_client.get("/download/dragonbear.nq")
    assert first.status_code == 200, first.text[:500]
    remote_built.forget_graphs()  # earlier tests wrote graphs of their own: count what the server lists now
    assert len(list(ox.parse(first.content, format=ox.RdfFormat.N_QUADS))) == remote_built.count()
    again = remote_client.get("/download/dragonbear.nq", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


def test_a_construct_the_server_would_cut_is_an_error_and_a_count_sums_the_graphs(
    remote_built: RemoteStore, store: EmbeddedStore
) -> None:
    # Virtuoso cuts a CONSTRUCT at ResultSetMaxRows (10,000 here) and says nothing; the graph holds more.
    everything = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    if remote_built.row_limit is None:  # Oxigraph's server cuts nothing
        # every triple (earlier tests of this module may have added a few of their own)
        assert len(list(remote_built.construct(everything))) >= len(list(store.construct(everything))) > 10_000
    else:
        assert remote_built.row_limit == 10_000
        with pytest.raises(ResultLimitError, match="taken as cut"):
            list(remote_built.construct(everything))
    remote_built.forget_graphs()  # earlier tests wrote graphs of their own
    dump = io.BytesIO()
    remote_built.dump(dump, format=ox.RdfFormat.N_QUADS)  # every graph read whole, through the Graph Store Protocol
    assert remote_built.count() == len(list(ox.parse(dump.getvalue(), format=ox.RdfFormat.N_QUADS)))
