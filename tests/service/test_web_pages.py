"""The web pages (query page, entity pages, ontology page), from the app in this process (``client``)."""

from __future__ import annotations

import json
import re

import httpx
import pyoxigraph as ox
import pytest

from dragonbear.queries.catalogue import load_catalogue, run_canned
from dragonbear.service.runtime.names import name_index
from dragonbear.service.web.examples import example_queries

ID = "https://w3id.org/dragonbear/id/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/webp,*/*;q=0.8"


def _config(html: str) -> dict[str, object]:
    match = re.search(r'<script id="dragonbear-config" type="application/json">(.*?)</script>', html, re.DOTALL)
    assert match is not None
    return json.loads(match.group(1))  # type: ignore[no-any-return]


def test_query_page_loads_yasgui_from_the_server(client: httpx.Client) -> None:
    response = client.get("/", headers={"Accept": BROWSER})
    assert response.status_code == 200
    html = response.text
    scripts = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert "/static/yasgui/yasgui.min.js" in scripts and "/static/yasgui/yasgui.min.css" in scripts
    assert not [s for s in scripts if s.startswith(("http:", "https:", "//"))]
    for asset in ("/static/yasgui/yasgui.min.js", "/static/yasgui/yasgui.min.css"):
        static = client.get(asset)
        assert static.status_code == 200 and len(static.content) > 10_000


def test_query_page_has_every_canned_query_as_a_tab_with_prefixes(client: httpx.Client) -> None:
    config = _config(client.get("/").text)
    assert config["endpoint"] == "/sparql"
    assert config["prefixes"]["system"] == ID + "system/"  # type: ignore[index]
    examples = {e["name"]: e["query"] for e in config["examples"]}  # type: ignore[union-attr]
    assert set(examples) == set(load_catalogue())
    assert "VALUES (?supplier ?recipient ?from ?to)" in examples["transfers"]
    assert "<https://w3id.org/dragonbear/id/state/russia>" in examples["transfers"]
    assert "PREFIX dgb: <https://w3id.org/dragonbear/ontology#>" in examples["transfers"]


def test_example_tabs_give_the_same_rows_as_the_canned_queries(store: object) -> None:
    catalogue = load_catalogue()
    names = name_index(store)  # type: ignore[arg-type]
    for example in example_queries(catalogue, names):
        query = catalogue[example.name]
        values = {p.name: p.example for p in query.parameters if p.example}
        expected = run_canned(store, example.name, values, catalogue=catalogue, names=names)  # type: ignore[arg-type]
        got = store.query(example.sparql)  # type: ignore[attr-defined]
        assert sorted(map(str, got)) == sorted(map(str, expected)), example.name  # type: ignore[arg-type]


def test_static_files_cannot_escape_the_static_directory(client: httpx.Client) -> None:
    assert client.get("/static/yasgui/../../pages.py").status_code == 404
    assert client.get("/static/%2e%2e/pages.py").status_code == 404
    assert client.get("/static/yasgui/missing.js").status_code == 404


def test_j11_page_shows_names_lineage_and_sources(client: httpx.Client) -> None:
    response = client.get("/id/system/j-11", headers={"Accept": BROWSER})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "<h1>Shenyang J-11</h1>" in html
    for name in ("歼-11", "Цзянь-11", "Jian-11"):
        assert name in html
    assert 'href="http://dbpedia.org/resource/Shenyang_J-11"' in html  # skos:exactMatch as a link
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert "Sukhoi Su-27SK" in svg and "licensed production 1998" in svg  # the ancestor in the drawing
    assert 'href="/id/source/partnership-2025"' in html  # a source of its claims
    assert "section 1 (&#x27;The Beginning&#x27;), paragraph 2" in html  # a locator, escaped
    assert "Conflicts between sources" in html


def test_entity_page_escapes_what_it_shows(client: httpx.Client) -> None:
    html = client.get("/id/system/j-11").text
    body = html[html.index("<main") :]
    assert "<script" not in body or "dragonbear-config" in body
    assert "'The Beginning'" not in body  # quotes in text are escaped


@pytest.mark.parametrize(
    ("accept", "fmt", "media"),
    [
        pytest.param("text/turtle", ox.RdfFormat.TURTLE, "text/turtle", id="turtle"),
        pytest.param("application/ld+json", ox.RdfFormat.JSON_LD, "application/ld+json", id="jsonld"),
        pytest.param("application/n-triples", ox.RdfFormat.N_TRIPLES, "application/n-triples", id="ntriples"),
        pytest.param("text/turtle;q=0.9, text/html;q=0.5", ox.RdfFormat.TURTLE, "text/turtle", id="q-values"),
    ],
)
def test_rdf_clients_get_the_description(client: httpx.Client, accept: str, fmt: ox.RdfFormat, media: str) -> None:
    response = client.get("/id/system/j-11", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    assert "Accept" in response.headers.get("vary", "")
    triples = list(ox.parse(response.content, format=fmt))
    j11 = ox.NamedNode(ID + "system/j-11")
    labels = {t.object for t in triples if t.subject == j11 and t.predicate == ox.NamedNode(SKOS + "prefLabel")}
    assert ox.Literal("歼-11", language="zh-hans") in labels
    # the attestation of its description comes with it
    assert any(
        isinstance(t.subject, ox.NamedNode)
        and t.subject.value == ID + "system/j-11#att-partnership-2025"
        and t.predicate.value.endswith("#locator")
        for t in triples
    )


def test_format_parameter_selects_rdf(client: httpx.Client) -> None:
    response = client.get("/id/system/j-11?format=ttl", headers={"Accept": BROWSER})
    assert response.headers["content-type"].startswith("text/turtle")


def test_unacceptable_media_type_is_406(client: httpx.Client) -> None:
    assert client.get("/id/system/j-11", headers={"Accept": "image/png"}).status_code == 406


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/id/transfer/sipri/russia-china-2015-su-35s", id="sipri-deal"),
        pytest.param("/id/state/russia", id="state-with-many-transfers"),
        pytest.param("/id/source/partnership-2025", id="source"),
    ],
)
def test_other_entities_have_pages(client: httpx.Client, path: str) -> None:
    response = client.get(path, headers={"Accept": BROWSER})
    assert response.status_code == 200
    assert "<h1>" in response.text


def test_sipri_system_iris_resolve(client: httpx.Client, store: object) -> None:
    rows = list(store.query("SELECT ?s WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?s), STR(sipri-system:))) } LIMIT 1"))  # type: ignore[attr-defined]
    if not rows:
        pytest.skip("every SIPRI designation maps to a curated system in this build")
    path = "/id/" + rows[0]["s"].value[len(ID) :]
    assert client.get(path, headers={"Accept": BROWSER}).status_code == 200


@pytest.mark.slow
def test_state_page_says_how_many_transfers_are_not_shown(full_client: httpx.Client) -> None:
    html = full_client.get("/id/state/russia", headers={"Accept": BROWSER}).text
    match = re.search(r"Showing the first 200 of ([\d,]+) transfers", html)
    assert match is not None and int(match.group(1).replace(",", "")) > 200


@pytest.mark.parametrize("accept", [pytest.param(BROWSER, id="html"), pytest.param("text/turtle", id="turtle")])
def test_unknown_entity_is_404(client: httpx.Client, accept: str) -> None:
    response = client.get("/id/system/no-such-system", headers={"Accept": accept})
    assert response.status_code == 404
    if accept == BROWSER:
        assert "Not found" in response.text and "no-such-system" in response.text


def test_ontology_page_documents_terms_with_anchors(client: httpx.Client) -> None:
    response = client.get("/ontology", headers={"Accept": BROWSER})
    assert response.status_code == 200
    html = response.text
    assert 'id="SystemModel"' in html and 'id="licensedProductionOf"' in html and 'id="DerivationKind"' in html
    assert 'id="LicensedProduction"' in html  # a concept, under its scheme
    section = html[html.index('id="SystemModel"') :]
    assert "system model" in section[:2000] and "definition" in section[:2000]


def test_ontology_turtle_by_negotiation(client: httpx.Client) -> None:
    response = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert response.headers["content-type"].startswith("text/turtle")
    triples = [q.triple for q in ox.parse(response.content, format=ox.RdfFormat.TURTLE)]
    dgb = "https://w3id.org/dragonbear/ontology#"
    assert (
        ox.Triple(
            ox.NamedNode(dgb + "SystemModel"),
            ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox.NamedNode("http://www.w3.org/2002/07/owl#Class"),
        )
        in triples
    )


def test_query_page_gives_the_editor_the_graphs_own_terms_to_complete(client: httpx.Client) -> None:
    config = _config(client.get("/").text)
    assert "dgb:SystemModel" in config["classes"] and "dgb:ArmsTransfer" in config["classes"]  # type: ignore[operator]
    assert {"dgb:countryOfOrigin", "rdfs:label", "skos:prefLabel"} <= set(config["properties"])  # type: ignore[arg-type]
    assert config["idNamespace"] == ID and config["localNamespace"] == "https://w3id.org/dragonbear/"
    assert "query-page.js" in client.get("/").text
    script = client.get("/static/query-page.js")
    assert script.status_code == 200 and "populateFromUrl: true" in script.text
