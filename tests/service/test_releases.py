"""Kept releases at their own URLs, in-process: ``/v/RELEASE/sparql`` and ``/v/RELEASE/id/...`` answer
from the release as its build made it after a load has changed the live graph, with the same protocol
(GET, form POST, direct POST, formats, the service description, relative IRIs), pages whose links stay
in the release, ``/v/`` and ``/v/RELEASE/`` listing what is kept, 404 with a message for a release not
kept, and short links that point at their release's page.

The store is a copy of the session store (built by the real build, which kept its release) into which
one file is loaded after the build: the live graph then says something the release does not."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from dragonbear import data_release
from dragonbear.pipeline.build import BuildReport
from dragonbear.pipeline.update import load_files

from ..conftest import app_client, copy_store

RELEASE = data_release().version
ADDED = "said after the release was built"
ASK = f'ASK {{ ?s ?p "{ADDED}"@en }}'
J11 = "/id/system/j-11"


@pytest.fixture(scope="module")
def changed_store(built: tuple[Path, BuildReport], tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("releases")
    store_dir = copy_store(built[0], root / "store")
    added = root / "added.ttl"
    added.write_text(
        f'<https://w3id.org/dragonbear/id/system/j-11> <http://www.w3.org/2000/01/rdf-schema#comment> "{ADDED}"@en .\n',
        encoding="utf-8",
    )
    load_files(store_dir, [added])
    return store_dir


@pytest.fixture(scope="module")
def client(changed_store: Path) -> Iterator[TestClient]:
    with app_client(changed_store) as test_client:
        yield test_client


def _boolean(reply: object) -> bool:
    assert reply.status_code == 200, reply.text  # type: ignore[attr-defined]
    return bool(reply.json()["boolean"])  # type: ignore[attr-defined]


JSON = {"Accept": "application/sparql-results+json"}


def test_the_release_answers_as_built_and_the_live_graph_as_changed(client: TestClient) -> None:
    pinned = f"/v/{RELEASE}/sparql"
    # live first, then the release, then live again: the answers' caches are kept apart
    assert _boolean(client.get("/sparql", params={"query": ASK}, headers=JSON)) is True
    assert _boolean(client.get(pinned, params={"query": ASK}, headers=JSON)) is False
    assert _boolean(client.get("/sparql", params={"query": ASK}, headers=JSON)) is True
    assert _boolean(client.post(pinned, data={"query": ASK}, headers=JSON)) is False
    direct = client.post(pinned, content=ASK, headers={**JSON, "Content-Type": "application/sparql-query"})
    assert _boolean(direct) is False


def test_the_release_endpoint_speaks_the_whole_protocol(client: TestClient) -> None:
    pinned = f"/v/{RELEASE}/sparql"
    csv = client.get(
        pinned,
        params={
            "query": "SELECT ?l WHERE { <https://w3id.org/dragonbear/id/system/j-11> rdfs:label ?l }",
            "format": "csv",
        },
    )
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert csv.headers["dragonbear-result-count"] == str(len(csv.text.strip().splitlines()) - 1)
    # relative IRIs resolve against the release's endpoint; the description names it
    rel = client.get(pinned, params={"query": "SELECT ?x WHERE { BIND(<here> AS ?x) }"}, headers=JSON)
    assert rel.json()["results"]["bindings"][0]["x"]["value"] == f"http://testserver/v/{RELEASE}/here"
    description = client.get(pinned, headers={"Accept": "text/turtle"})
    assert description.status_code == 200 and f"<http://testserver/v/{RELEASE}/sparql> a sd:Service" in description.text
    # an update is refused as on /sparql, and a bad query is a 400 with a message
    update = client.post(pinned, data={"update": "CLEAR ALL"})
    assert update.status_code in (400, 405) and "update" in update.text.lower()
    bad = client.get(pinned, params={"query": "SELECT WHERE {"})
    assert bad.status_code == 400 and bad.text


def test_an_entity_page_of_the_release_stays_in_the_release(client: TestClient) -> None:
    live = client.get(J11)
    pinned = client.get(f"/v/{RELEASE}{J11}")
    assert live.status_code == pinned.status_code == 200
    assert ADDED in live.text and ADDED not in pinned.text
    html = pinned.text
    assert 'class="release-notice"' in html and f'href="{J11}"' in html  # the notice links the live page
    assert f"Data release {RELEASE}" in html
    assert 'class="share"' not in html
    rest = re.sub(r'<div class="release-notice".*?</div>', "", html, flags=re.S)
    entity_links = re.findall(r'href="(/[^"]*id/system/[^"]*)"', rest)
    assert entity_links and all(link.startswith(f"/v/{RELEASE}/id/") for link in entity_links)
    assert f'href="/v/{RELEASE}/sparql"' in html
    assert 'href="/charts"' in html  # other views stay live (the notice says so)


def test_the_release_serves_rdf_and_browse_lists(client: TestClient) -> None:
    rdf = client.get(f"/v/{RELEASE}{J11}", params={"format": "ntriples"})
    assert rdf.status_code == 200 and "j-11" in rdf.text and ADDED not in rdf.text
    assert ADDED in client.get(J11, params={"format": "ntriples"}).text
    listing = client.get(f"/v/{RELEASE}/id/system/", params={"state": "china"})
    assert listing.status_code == 200 and f'href="/v/{RELEASE}/id/system/j-11"' in listing.text
    moved = client.get(f"/v/{RELEASE}/id/system")
    assert moved.status_code == 308 and moved.headers["location"] == f"/v/{RELEASE}/id/system/"


def test_v_lists_the_kept_releases(client: TestClient) -> None:
    page = client.get("/v/")
    assert page.status_code == 200 and f'href="/v/{RELEASE}/sparql"' in page.text
    doc = client.get("/v/", params={"format": "json"}).json()
    assert doc["releases"] == [
        {
            "release": RELEASE,
            "issued": data_release().issued,
            "generation": doc["releases"][0]["generation"],
            "sparql": f"/v/{RELEASE}/sparql",
            "entities": f"/v/{RELEASE}/id/",
            "current": "yes",
        }
    ]
    assert client.get("/v").headers["location"] == "/v/"
    one = client.get(f"/v/{RELEASE}/")
    assert one.status_code == 200 and f'action="/v/{RELEASE}/sparql"' in one.text


@pytest.mark.parametrize(
    "path",
    [
        "/v/2001.1.0/sparql?query=ASK%7B%7D",
        "/v/2001.1.0/id/system/j-11",
        "/v/2001.1.0/",
        "/v/..%2F..%2F/sparql?query=ASK%7B%7D",
    ],
)
def test_a_release_not_kept_is_a_404_with_a_message(client: TestClient, path: str) -> None:
    reply = client.get(path)
    assert reply.status_code == 404
    if "2001" in path:
        assert "2001.1.0" in reply.text and RELEASE in reply.text  # names the ones kept


def test_only_the_endpoint_and_entity_pages_are_served_per_release(client: TestClient) -> None:
    assert client.get(f"/v/{RELEASE}/charts").status_code == 404
    assert client.post(f"/v/{RELEASE}/update", data={"update": "CLEAR ALL"}).status_code in (404, 405)


def test_a_short_link_of_an_entity_page_points_at_its_release(client: TestClient) -> None:
    made = client.post("/q", json={"path": J11})
    assert made.status_code == 201, made.text
    ident = made.json()["id"]
    assert client.get(f"/q/{ident}.json").json()["release_url"] == f"http://testserver/v/{RELEASE}{J11}"
    assert f'href="/v/{RELEASE}{J11}"' in client.get(f"/q/{ident}").text
