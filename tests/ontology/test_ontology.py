"""The ontology: parses, every term has a label and a definition, alignment and vocabularies hold."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from dragonbear.namespaces import DGB, PREFIXES
from dragonbear.ontology import ontology_files

ONTOLOGY_DIR = Path(__file__).resolve().parents[2] / "ontology"


@pytest.fixture(scope="module")
def ontology() -> ox.Store:
    store = ox.Store()
    for path in ontology_files():
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    return store


def _select(store: ox.Store, query: str) -> list[ox.QuerySolution]:
    return list(store.query(query, prefixes=PREFIXES))  # type: ignore[arg-type]


def test_ontology_files_ship_with_the_package() -> None:
    names = {p.name for p in ontology_files()}
    assert {"dragonbear.ttl", "vocabularies.ttl", "alignment.ttl"} <= names


def test_ontology_has_a_version_iri(ontology: ox.Store) -> None:
    rows = _select(ontology, "SELECT ?v WHERE { <https://w3id.org/dragonbear/ontology> owl:versionIRI ?v }")
    assert [r["v"].value for r in rows] == ["https://w3id.org/dragonbear/ontology/0.1.0"]


def test_every_term_has_an_english_label_and_definition(ontology: ox.Store) -> None:
    rows = _select(
        ontology,
        """
        SELECT ?t WHERE {
          ?t a ?kind . VALUES ?kind { owl:Class owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty
                                      skos:Concept skos:ConceptScheme }
          FILTER(STRSTARTS(STR(?t), STR(dgb:)))
          FILTER NOT EXISTS { ?t rdfs:label ?l FILTER(LANG(?l) = "en") ?t skos:definition ?d }
        }""",
    )
    assert [r["t"].value for r in rows] == []


def test_ontology_models_the_issue_topics(ontology: ox.Store) -> None:
    classes = {
        r["c"].value[len(DGB) :]
        for r in _select(ontology, "SELECT ?c WHERE { ?c a owl:Class }")
        if r["c"].value.startswith(DGB)
    }
    assert {
        "State",
        "Organization",
        "Company",
        "GovernmentBody",
        "ArmedForce",
        "Place",
        "SystemModel",
        "Derivation",
        "ComponentFit",
        "ArmsTransfer",
        "JointExercise",
        "JointPatrol",
        "ExerciseSeries",
        "Annexation",
        "Invasion",
        "SanctionsAction",
        "SourceDocument",
        "Attestation",
        "ReportedFigure",
        "Claim",
        "Conflict",
    } <= classes


@pytest.mark.parametrize(
    "kind,prop",
    [
        pytest.param("LicensedProduction", "licensedProductionOf", id="licensed"),
        pytest.param("ReverseEngineering", "reverseEngineeredFrom", id="reverse"),
        pytest.param("JointDevelopment", "jointlyDevelopedFrom", id="joint"),
        pytest.param("ModeledAfter", "modeledAfter", id="modeled"),
        pytest.param("DerivedDesign", "derivedDesignOf", id="derived"),
    ],
)
def test_each_derivation_kind_names_its_shortcut_property(ontology: ox.Store, kind: str, prop: str) -> None:
    assert ontology.query(
        f"ASK {{ dgb:{kind} dgb:shortcutProperty dgb:{prop} . dgb:{prop} rdfs:subPropertyOf dgb:derivedFrom }}",
        prefixes=PREFIXES,
    )


def test_transitive_properties_are_declared_and_standard_terms_get_no_characteristics(ontology: ox.Store) -> None:
    rows = _select(ontology, "SELECT ?p WHERE { ?p a owl:TransitiveProperty }")
    assert {r["p"].value[len(DGB) :] for r in rows} == {
        "technologyAncestor",
        "technologyDescendant",
        "dependsOn",
        "withinGroupOf",
    }


def test_alignment_maps_to_prov_skos_schema_cco_and_wikidata(ontology: ox.Store) -> None:
    rows = _select(
        ontology,
        """SELECT DISTINCT ?ns WHERE { ?t (rdfs:subClassOf|rdfs:subPropertyOf|skos:closeMatch) ?x
        FILTER(STRSTARTS(STR(?t), STR(dgb:)))
        VALUES ?ns { "http://www.w3.org/ns/prov#" "https://schema.org/" "https://www.commoncoreontologies.org/"
                     "http://www.wikidata.org/prop/direct/" "http://www.w3.org/2004/02/skos/core#" }
        FILTER(STRSTARTS(STR(?x), ?ns)) }""",
    )
    assert len(rows) == 5
