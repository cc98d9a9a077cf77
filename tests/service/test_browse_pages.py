"""The browse pages ``/id/`` and ``/id/{kind}/`` (filters, paging, HTML and JSON) and the home page's summary,
from the app in this process on the shipped graph (``client``), checked against SPARQL on the same store."""

from __future__ import annotations

import re

import httpx
import pytest

from dragonbear import data_release
from dragonbear.graph.store import EmbeddedStore
from dragonbear.namespaces import DGB, ID
from dragonbear.service.web.kinds import KINDS

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/webp,*/*;q=0.8"


def count(store: EmbeddedStore, cls: str, kind: str, pattern: str = "") -> int:
    """How many entities of class ``cls`` under ``/id/{kind}/`` match ``pattern`` (written on ``?e``)."""
    sparql = (
        f'SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ ?e a <{DGB}{cls}> FILTER(STRSTARTS(STR(?e), "{ID}{kind}/") '
        f'&& !CONTAINS(STR(?e), "#")) {pattern} }}'
    )
    return int(next(iter(store.select(sparql)))["n"].value)


def listing(client: httpx.Client, path: str, **params: str) -> dict[str, object]:
    answer = client.get(path, params={**params, "format": "json"})
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def test_a_kind_is_listed_at_its_own_path(client: httpx.Client, store: EmbeddedStore) -> None:
    response = client.get("/id/system/", headers={"Accept": BROWSER})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert "<h1>Systems</h1>" in response.text and "Accept" in response.headers["vary"]
    total = count(store, "SystemModel", "system")
    assert f"{total:,} systems" in response.text
    assert response.text.count('<th scope="row">') == 50  # the first page


def test_paging_is_stable_and_covers_every_entity_once(client: httpx.Client, store: EmbeddedStore) -> None:
    total = count(store, "MilitaryActivity", "exercise")
    per_page = -(-total // 3)  # three pages
    seen: list[str] = []
    for page_no in (1, 2, 3):
        page = listing(client, "/id/exercise/", per_page=str(per_page), page=str(page_no))
        assert (page["total"], page["pages"]) == (total, 3)
        seen += [item["iri"] for item in page["items"]]  # type: ignore[attr-defined]
    assert len(seen) == len(set(seen)) == total
    whole = listing(client, "/id/exercise/", per_page="200")["items"]
    assert [item["iri"] for item in whole] == seen  # type: ignore[index]
    labels = [item["label"].lower() for item in whole]  # type: ignore[index]
    assert labels == sorted(labels)
    links = listing(client, "/id/exercise/", per_page="20", page="2")["links"]
    assert links["prev"] == "/id/exercise/?per_page=20&format=json"  # type: ignore[index]
    assert links["next"] == "/id/exercise/?page=3&per_page=20&format=json"  # type: ignore[index]


def test_page_links_name_the_current_page(client: httpx.Client) -> None:
    html = client.get("/id/system/", params={"page": "3"}).text
    nav = re.search(r'<nav class="pager" aria-label="Pages">(.*?)</nav>', html, re.DOTALL)
    assert nav is not None
    assert '<span aria-current="page">3</span>' in nav.group(1)
    assert 'rel="prev" href="/id/system/?page=2"' in nav.group(1)
    assert 'rel="next" href="/id/system/?page=4"' in nav.group(1)
    assert '<a href="/id/system/" aria-label="Page 1">1</a>' in nav.group(1)


def test_systems_filtered_by_state_and_category(client: httpx.Client, store: EmbeddedStore) -> None:
    page = listing(client, "/id/system/", state="china", category="FighterAircraft", per_page="200")
    expected = count(
        store, "SystemModel", "system", "?e dgb:countryOfOrigin state:china ; dgb:category dgb:FighterAircraft ."
    )
    assert page["total"] == expected == len(page["items"])  # type: ignore[arg-type]
    paths = {item["path"] for item in page["items"]}  # type: ignore[attr-defined]
    assert {"/id/system/j-11", "/id/system/j-10", "/id/system/j-20"} <= paths
    for item in page["items"]:  # type: ignore[attr-defined]
        assert [c["label"] for c in item["columns"]["origin"]] == ["China"]
        assert "fighter aircraft" in [c["label"] for c in item["columns"]["category"]]
    assert page["filters"] == {"state": "china", "category": "FighterAircraft"}


def test_filter_values_are_read_from_the_data_and_named_any_way(client: httpx.Client) -> None:
    offered = listing(client, "/id/system/")["filters_offered"]["state"]["values"]  # type: ignore[index]
    assert offered[0]["count"] >= offered[-1]["count"] and "china" in {v["value"] for v in offered}
    # the local name, the label or the IRI, case aside
    for value in ("china", "China", "https://w3id.org/dragonbear/id/state/china"):
        assert listing(client, "/id/system/", state=value)["filters"] == {"state": "china"}


def test_transfers_by_supplier_recipient_and_years(client: httpx.Client, store: EmbeddedStore) -> None:
    page = listing(client, "/id/transfer/", supplier="russia", recipient="china", **{"from": "2000", "to": "2010"})
    expected = count(
        store,
        "ArmsTransfer",
        "transfer",
        "?e dgb:supplier state:russia ; dgb:recipient state:china ; dgb:orderYear ?y FILTER(?y >= 2000 && ?y <= 2010)",
    )
    assert page["total"] == expected > 0
    for item in page["items"]:  # type: ignore[attr-defined]
        assert 2000 <= int(item["columns"]["ordered"][0]["label"]) <= 2010
        assert item["columns"]["supplier"][0]["label"] == "Russia"


def test_exercises_by_participant_and_years(client: httpx.Client, store: EmbeddedStore) -> None:
    page = listing(client, "/id/exercise/", state="india", **{"from": "2010"})
    expected = count(
        store, "MilitaryActivity", "exercise", "?e dgb:participant state:india ; dgb:startYear ?y FILTER(?y >= 2010)"
    )
    assert page["total"] == expected > 0
    assert page["years"][0] <= 2010 <= page["years"][1]  # type: ignore[index]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_lists_every_entity_of_its_class(client: httpx.Client, store: EmbeddedStore, kind: str) -> None:
    spec = KINDS[kind]
    page = listing(client, spec.path)
    assert page["total"] == count(store, spec.cls.removeprefix(DGB), kind)
    html = client.get(spec.path, headers={"Accept": BROWSER})
    assert html.status_code == 200 and f"<h1>{spec.title}</h1>" in html.text


def test_json_by_accept_and_by_format_are_the_same(client: httpx.Client) -> None:
    by_accept = client.get("/id/place/", headers={"Accept": "application/json"})
    assert by_accept.headers["content-type"].startswith("application/json")
    assert by_accept.json() == client.get("/id/place/?format=json").json()
    assert client.get("/id/place/", headers={"Accept": "text/turtle"}).status_code == 406


@pytest.mark.parametrize(
    "path,status,message",
    [
        pytest.param(
            "/id/system/?state=atlantis", 400, "no system has country of origin 'atlantis'", id="unknown-state"
        ),
        pytest.param("/id/system/?category=Spaceship", 400, "the category values are", id="unknown-category"),
        pytest.param("/id/system/?state=china%3E%20%7D%20%7D%20DROP%20ALL", 400, "no system has", id="injection"),
        pytest.param("/id/system/?colour=red", 400, "systems have no filter 'colour'", id="unknown-filter"),
        pytest.param("/id/system/?from=1990", 400, "systems have no filter 'from'", id="years-on-a-kind-without"),
        pytest.param("/id/exercise/?from=soon", 400, "from must be a year", id="year-not-a-number"),
        pytest.param("/id/exercise/?to=30000", 400, "between 1000 and 2999", id="year-out-of-range"),
        pytest.param("/id/exercise/?from=2020&to=2010", 400, "from (2020) is after to (2010)", id="years-reversed"),
        pytest.param("/id/system/?page=0", 400, "page must be 1 or more", id="page-0"),
        pytest.param("/id/system/?page=two", 400, "page must be a whole number", id="page-not-a-number"),
        pytest.param("/id/system/?per_page=500", 400, "per_page must be from 1 to 200", id="per-page-too-large"),
        pytest.param("/id/system/?state=china&state=russia", 400, "given more than once", id="repeated"),
        pytest.param("/id/system/?format=pdf", 400, "unknown format", id="unknown-format"),
        pytest.param("/id/system/?page=9999", 404, "past the last page", id="page-past-the-end"),
        pytest.param("/id/spaceship/", 404, "no kind of entity is called 'spaceship'", id="unknown-kind"),
    ],
)
def test_bad_requests_get_a_message_never_a_500(client: httpx.Client, path: str, status: int, message: str) -> None:
    answer = client.get(path)
    assert answer.status_code == status, answer.text
    assert message in answer.text and "Traceback" not in answer.text
    page = client.get(path, headers={"Accept": BROWSER})
    assert page.status_code == status and page.headers["content-type"].startswith("text/html")


def test_a_kind_without_its_slash_redirects(client: httpx.Client) -> None:
    answer = client.get("/id/system?state=china")
    assert answer.status_code == 308 and answer.headers["location"] == "/id/system/?state=china"
    assert client.get("/id/dataset").status_code != 308  # an entity, not a kind


def test_filter_form_labels_every_control(client: httpx.Client) -> None:
    html = client.get("/id/exercise/", params={"state": "china", "from": "2015"}).text
    form = re.search(r'<form class="filters".*?</form>', html, re.DOTALL)
    assert form is not None
    ids = re.findall(r'<(?:select|input) [^>]*id="([^"]+)"', form.group(0))
    assert ids == ["f-state", "f-series", "f-domain", "f-from", "f-to"]
    for control in ids:
        assert f'<label for="{control}">' in form.group(0)
    assert '<option value="china" selected>' in form.group(0) and 'value="2015"' in form.group(0)


def test_the_kinds_page_counts_every_kind(client: httpx.Client, store: EmbeddedStore) -> None:
    kinds = client.get("/id/", headers={"Accept": "application/json"}).json()["kinds"]
    assert [k["kind"] for k in kinds][:3] == ["system", "state", "org"]
    assert {k["kind"]: k["count"] for k in kinds}["state"] == count(store, "State", "state")
    assert '<a href="/id/transfer/">Arms transfers</a>' in client.get("/id/", headers={"Accept": BROWSER}).text


def test_home_page_says_what_the_graph_holds(client: httpx.Client, store: EmbeddedStore) -> None:
    html = client.get("/", headers={"Accept": BROWSER}).text
    summary = re.search(r'<section class="summary".*?</section>', html, re.DOTALL)
    assert summary is not None and html.index('<section class="summary"') < html.index('<div id="yasgui">')
    systems = count(store, "SystemModel", "system")
    assert f'<a href="/id/system/">{systems:,} systems</a>' in summary.group(0)
    assert f'<a href="/id/exercise/">{count(store, "MilitaryActivity", "exercise"):,} exercises and patrols</a>' in (
        summary.group(0)
    )
    assert f"Data release <strong>{data_release().version}</strong>, issued {data_release().issued}" in summary.group(0)
    for start in (
        'href="/id/system/j-11"',
        'href="/id/transfer/?supplier=russia&amp;recipient=china"',
        'href="/explore"',
    ):
        assert start in summary.group(0)
    # the links of "where to start" answer
    assert client.get("/id/transfer/?supplier=russia&recipient=china").status_code == 200


def test_listings_are_kept_per_store_generation(client: httpx.Client) -> None:
    served = client.app.state.served  # type: ignore[attr-defined]
    client.get("/id/event/?state=russia")
    generation = str(served.generation())
    keys = [key for (gen, key) in list(served._reads._map) if gen == generation and key[:2] == ("browse", "event")]
    assert keys and served._reads.get((generation, ("browse-facets", "event"))) is not None


def test_json_links_lead_to_the_other_pages(client: httpx.Client) -> None:
    links = listing(client, "/id/exercise/", per_page="20", page="2")["links"]
    assert links["prev"] == "/id/exercise/?per_page=20&format=json"  # type: ignore[index]
    assert links["next"] == "/id/exercise/?page=3&per_page=20&format=json"  # type: ignore[index]
    assert links["html"] == "/id/exercise/?page=2&per_page=20"  # type: ignore[index]
