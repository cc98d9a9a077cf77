"""One server design: every read goes through the runner (time limit, cap, cache per generation),
errors travel as the objects they are, and one handler answers them in the form of the route."""

from __future__ import annotations

import pickle
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

with warnings.catch_warnings():  # Starlette would rather run on httpx2; httpx is what this project has
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from dragonbear import errors
from dragonbear.errors import EXIT_CODES, DragonbearError, LoadError, ParameterError, QueryTimeoutError
from dragonbear.graph.store import GraphStore
from dragonbear.service.app import create_app
from dragonbear.service.runtime.errors import HTTP_STATUSES, status_for
from dragonbear.service.runtime.served import ServedStore
from dragonbear.service.runtime.writer import WriteJob
from dragonbear.settings import Settings

from ..conftest import copy_store, serve_store


def _all_errors() -> list[type[DragonbearError]]:
    found = [getattr(errors, name) for name in errors.__all__]
    return [cls for cls in found if isinstance(cls, type) and issubclass(cls, DragonbearError)]


@pytest.mark.parametrize("cls", _all_errors(), ids=lambda c: c.__name__)
def test_every_project_error_has_an_http_status_and_an_exit_code(cls: type[DragonbearError]) -> None:
    assert any(issubclass(cls, mapped) for mapped, _ in HTTP_STATUSES) or cls is DragonbearError
    assert any(issubclass(cls, mapped) for mapped, _ in EXIT_CODES)


def test_errors_cross_a_process_boundary_whole() -> None:
    error = pickle.loads(pickle.dumps(ParameterError("ambiguous", [("https://w3id.org/x", "X")])))
    assert isinstance(error, ParameterError) and error.candidates == [("https://w3id.org/x", "X")]
    assert status_for(error) == 400


@pytest.fixture(scope="module")
def served_dir(built: tuple[Path, object], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_store(built[0], tmp_path_factory.mktemp("design") / "store")


@pytest.fixture()
def served(served_dir: Path) -> Iterator[ServedStore]:
    store = ServedStore(Settings.from_env(store=served_dir, query_timeout=2, max_results=50, warm=False))
    store.start()
    yield store
    store.close()


def test_a_read_runs_on_the_query_threads_and_is_kept_per_generation(served: ServedStore) -> None:
    calls: list[str] = []

    def work(store: GraphStore) -> tuple[str, bool]:
        calls.append(threading.current_thread().name)
        return threading.current_thread().name, store.ask("ASK { ?s a dgb:SystemModel }")

    first = served.read(work, key="systems?")
    assert first == ("dragonbear-query", True)
    assert served.read(work, key="systems?") is first and len(calls) == 1
    served.read(work)  # no key: run every time
    assert len(calls) == 2


def test_a_write_makes_a_new_generation_and_the_kept_answers_are_read_anew(served: ServedStore) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:x:design> { ?s ?p ?o } }"
    before = served.read(lambda store: int(next(iter(store.select(count)))["n"].value), key="n")
    served.write(WriteJob("update", text="INSERT DATA { GRAPH <urn:x:design> { <urn:x:a> <urn:x:b> 1 } }"))
    after = served.read(lambda store: int(next(iter(store.select(count)))["n"].value), key="n")
    assert (before, after) == (0, 1)


@pytest.mark.slow  # waits out the 2-second limit
def test_a_read_past_the_time_limit_is_a_timeout_error(served: ServedStore) -> None:
    def slow(store: GraphStore) -> None:
        time.sleep(3)  # longer than the 2 s limit of this store

    with pytest.raises(QueryTimeoutError, match="time limit of 2 s"):
        served.read(slow)


def test_an_error_of_a_read_reaches_the_caller_as_the_same_object(served: ServedStore) -> None:
    raised = ParameterError("which one?", [("https://w3id.org/dragonbear/id/system/j-11", "J-11")])

    def fails(store: GraphStore) -> None:
        raise raised

    with pytest.raises(ParameterError) as caught:
        served.read(fails)
    assert caught.value is raised


def test_a_bad_graph_store_upload_keeps_its_line_and_column_from_the_writer_process(served: ServedStore) -> None:
    body = b"<urn:x:a> <urn:x:b> <urn:x:c> .\n<urn:x:a> <urn:x:b> bad .\n"
    with pytest.raises(LoadError) as caught:
        served.write(WriteJob("put", graph="urn:x:upload", data=body, media_type="application/n-triples"))
    assert "not valid application/n-triples" in str(caught.value) and "2" in str(caught.value)


@pytest.fixture(scope="module")
def client(served_dir: Path) -> Iterator[TestClient]:
    settings = Settings.from_env(store=served_dir, max_results=50, warm=False)
    with TestClient(create_app(settings, ServedStore(settings))) as test_client:
        yield test_client


def test_a_canned_query_past_the_result_cap_is_a_422_in_json(client: TestClient) -> None:
    response = client.get("/api/queries/transfers", params={"supplier": "Russia", "recipient": "China"})
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "ResultLimitError" and "50" in body["message"]


def test_a_canned_query_within_the_cap_says_how_many_rows(client: TestClient) -> None:
    response = client.get("/api/queries/descendants", params={"system": "Su-27"})
    assert response.status_code == 200
    rows = response.json()["results"]["bindings"]
    assert int(response.headers["Dragonbear-Result-Count"]) == len(rows) > 0


def test_an_ambiguous_name_is_a_400_in_json_with_the_candidates(client: TestClient) -> None:
    response = client.get("/api/queries/descendants", params={"system": "Su-30"})
    if response.status_code == 200:  # the name is not ambiguous in this graph: use an unknown one
        response = client.get("/api/queries/descendants", params={"system": "no-such-system-x"})
    assert response.status_code in (400, 404)
    assert set(response.json()) == {"error", "message", "candidates"}


@pytest.mark.parametrize(
    ("path", "accept", "kind"),
    [
        pytest.param("/api/queries/nope", "text/html", "application/json", id="api-json-even-for-a-browser"),
        pytest.param("/id/system/no-such-thing", "text/html", "text/html", id="page-html"),
        pytest.param("/static/nothing.js", "text/html", "text/html", id="static-html-for-a-browser"),
        pytest.param("/static/nothing.js", "*/*", "text/plain", id="static-text-for-a-client"),
        pytest.param("/sparql?query=SELEC", "text/html", "text/plain", id="protocol-text"),
        pytest.param("/no/such/path", "text/html", "text/html", id="unknown-path-html-for-a-browser"),
        pytest.param("/no/such/path", "*/*", "text/plain", id="unknown-path-text-for-a-client"),
    ],
)
def test_one_handler_answers_errors_in_the_form_of_the_route(
    client: TestClient, path: str, accept: str, kind: str
) -> None:
    response = client.get(path, headers={"Accept": accept})
    assert 400 <= response.status_code < 500
    assert response.headers["content-type"].startswith(kind)
    assert "Traceback" not in response.text


@pytest.mark.server
@pytest.mark.slow
def test_the_server_still_serves_on_uvicorn_when_asked(served_dir: Path) -> None:
    """granian serves by default (decision 22); ``DRAGONBEAR_HTTP_SERVER=uvicorn`` keeps uvicorn, with the
    same routes, negotiation and errors."""
    import httpx

    with serve_store(served_dir, env_vars={"DRAGONBEAR_HTTP_SERVER": "uvicorn"}) as server:
        label = httpx.get(
            server.url("/sparql"),
            params={"query": "SELECT ?l WHERE { <https://w3id.org/dragonbear/id/state/russia> rdfs:label ?l }"},
            headers={"Accept": "application/sparql-results+json"},
            timeout=30,
        )
        assert label.status_code == 200 and label.json()["results"]["bindings"]
        bad = httpx.get(server.url("/sparql"), params={"query": "SELEC"}, timeout=30)
        assert bad.status_code == 400 and "Traceback" not in bad.text
        assert "uvicorn" in server.log.read_text(encoding="utf-8").lower()


def test_the_name_index_is_kept_per_store_object_and_let_go_with_it() -> None:
    """A store object can be weakly referenced, so the name index kept for it goes when it goes (its id,
    which Python reuses, never finds another store's index)."""
    import gc
    import weakref

    from dragonbear.graph.store import EmbeddedStore
    from dragonbear.service.runtime.names import name_index

    store = EmbeddedStore.open(None)
    index = name_index(store)
    assert name_index(store) is index
    ref = weakref.ref(store)
    del store
    gc.collect()
    assert ref() is None
