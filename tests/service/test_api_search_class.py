"""``/api/search`` with ``class=``: the suggestions of a canned-query form's entity field keep the
entities of its parameter's class, and each hit's ``value`` is a text the form's resolver takes for it."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from dragonbear.graph.store import open_store
from dragonbear.queries.catalogue import bind_parameters, load_catalogue
from dragonbear.service.runtime.names import name_index


def _hits(client: TestClient, **params: str) -> list[dict[str, str]]:
    response = client.get("/api/search", params=params)
    assert response.status_code == 200, response.text
    return response.json()["results"]  # type: ignore[no-any-return]


def test_a_class_keeps_its_entities_and_their_subclasses(client: TestClient) -> None:
    agents = _hits(client, q="China", **{"class": "dgb:Agent"}, limit="20")
    assert agents and {h["kind"] for h in agents} <= {"state", "org"}
    assert agents[0]["label"] == "China"
    everything = _hits(client, q="China", limit="20")
    assert {h["kind"] for h in everything} - {"state", "org"}  # without a class, other kinds too


def test_several_classes_and_a_full_iri_are_taken(client: TestClient) -> None:
    both = _hits(client, q="J-11", **{"class": "dgb:Agent, https://w3id.org/dragonbear/ontology#SystemModel"})
    assert both[0]["label"] == "Shenyang J-11"


def test_each_value_resolves_to_its_hit_in_the_form(client: TestClient, built: tuple[object, object]) -> None:
    store = open_store(built[0], read_only=True)  # type: ignore[arg-type]
    query = load_catalogue()["transfers"]
    names = name_index(store)
    hits = _hits(client, q="Russ", **{"class": "dgb:Agent"}, limit="8")
    assert hits
    for hit in hits:
        bound = bind_parameters(query, {"supplier": hit["value"], "recipient": "China"}, names)
        assert bound["supplier"].value == hit["iri"]


@pytest.mark.parametrize(
    "cls",
    [
        pytest.param("dgb:NoSuchClass", id="unknown"),
        pytest.param("<http://example.org/x> a ?y", id="not-an-iri"),
        pytest.param("https://w3id.org/dragonbear/id/state/china", id="an-entity-not-a-class"),
    ],
)
def test_a_class_the_ontology_lacks_is_a_400_with_a_message(client: TestClient, cls: str) -> None:
    response = client.get("/api/search", params={"q": "China", "class": cls})
    assert response.status_code == 400
    assert "is not a class of the ontology" in response.json()["message"]


def test_the_class_parameter_is_in_the_openapi_description(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    params = {p["name"]: p for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert "class" in params and "dgb:Agent" in params["class"]["description"]
    hit = spec["components"]["schemas"]["SearchHit"]["properties"]
    assert "value" in hit
