"""Tests of the SHACL shapes and of the SPARQL validator, against pySHACL as the reference."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.collection import Collection

from dragonbear.errors import LoadError, ValidationError
from dragonbear.graph.store import EmbeddedStore
from dragonbear.graph.validation import (
    ValidationReport,
    default_shapes_path,
    undeclared_terms,
    validate_store,
    validate_with_pyshacl,
)
from dragonbear.namespaces import (
    DGB,
    GRAPH_CURATED,
    GRAPH_DERIVED,
    GRAPH_ONTOLOGY,
    GRAPH_SIPRI,
    OWL,
    PREFIXES,
    SH,
)

FIXTURES = Path(__file__).parent.parent / "data" / "shacl"
VALID = sorted((FIXTURES / "valid").glob("*.ttl"))
INVALID = sorted((FIXTURES / "invalid").glob("*.ttl"))
ONTOLOGY_DIR = default_shapes_path().parent
SHAPES_NS = "https://w3id.org/dragonbear/shapes#"


def _params(paths: list[Path]) -> list[object]:
    return [pytest.param(p, id=p.stem) for p in paths]


@pytest.fixture
def ontology_ttl() -> str:
    return "\n".join(
        (ONTOLOGY_DIR / name).read_text(encoding="utf-8") for name in ("dragonbear.ttl", "vocabularies.ttl")
    )


def _store(ontology_ttl: str, graphs: dict[str, str]) -> EmbeddedStore:
    """A fresh in-memory store with the ontology graph and the given data graphs (IRI -> Turtle)."""
    store = EmbeddedStore.open(None)
    store.load(ontology_ttl.encode(), format=ox.RdfFormat.TURTLE, graph=GRAPH_ONTOLOGY)
    for graph, turtle in graphs.items():
        store.load(turtle.encode(), format=ox.RdfFormat.TURTLE, graph=graph)
    return store


def _keys(report: ValidationReport) -> set[tuple[str, str, str]]:
    """(focus, path, constraint) of each violation; blank nodes, named differently by each engine, as ``_:``."""
    return {
        ("_:" if v["focus"].startswith("_:") else v["focus"], v["path"], v["constraint"]) for v in report.violations
    }


def _expand(curie: str) -> str:
    """``dgb:x`` -> the IRI; ``^dgb:x`` -> ``^<IRI>`` (SPARQL path syntax); ``-`` -> no path."""
    if curie == "-":
        return ""
    inverse = curie.startswith("^")
    prefix, local = curie.lstrip("^").split(":", 1)
    iri = PREFIXES[prefix] + local
    return f"^<{iri}>" if inverse else iri


def _expectation(path: Path) -> tuple[str, str]:
    """The ``# expect: Component path`` line of an invalid fixture."""
    match = re.search(r"^# expect: (\w+) (\S+)$", path.read_text(encoding="utf-8"), re.MULTILINE)
    assert match, f"{path.name} has no '# expect:' line"
    return f"{SH}{match.group(1)}ConstraintComponent", _expand(match.group(2))


# --- the fixtures -----------------------------------------------------------------------------------


@pytest.mark.slow  # pySHACL, the reference engine, takes about half a second a fixture
@pytest.mark.parametrize("path", _params(VALID + INVALID))
def test_sparql_validator_agrees_with_pyshacl(path: Path, ontology_ttl: str) -> None:
    turtle = path.read_text(encoding="utf-8")
    ours = validate_store(_store(ontology_ttl, {GRAPH_CURATED: turtle}))
    reference = validate_with_pyshacl(turtle, ontology_ttl=ontology_ttl)
    assert ours.conforms == reference.conforms
    assert _keys(ours) == _keys(reference)


@pytest.mark.parametrize("path", _params(VALID))
def test_valid_fixture_conforms(path: Path, ontology_ttl: str) -> None:
    report = validate_store(_store(ontology_ttl, {GRAPH_CURATED: path.read_text(encoding="utf-8")}))
    assert report.conforms, report.text()


def _invalid_params() -> list[object]:
    """One invalid fixture per constraint component in the inner loop; the others are ``slow`` (each
    validation takes a fifth of a second, most of it reading the shapes)."""
    seen: set[str] = set()
    params = []
    for path in INVALID:
        component = _expectation(path)[0]
        params.append(pytest.param(path, id=path.stem, marks=pytest.mark.slow if component in seen else ()))
        seen.add(component)
    return params


@pytest.mark.parametrize("path", _invalid_params())
def test_invalid_fixture_fails_for_its_reason(path: Path, ontology_ttl: str) -> None:
    report = validate_store(_store(ontology_ttl, {GRAPH_CURATED: path.read_text(encoding="utf-8")}))
    assert not report.conforms
    assert {(v["constraint"], v["path"]) for v in report.violations} == {_expectation(path)}


def test_valid_fixtures_instantiate_every_class(ontology_ttl: str) -> None:
    store = _store(ontology_ttl, {f"{GRAPH_CURATED}/{p.stem}": p.read_text(encoding="utf-8") for p in VALID})
    query = (
        f"SELECT ?c WHERE {{ GRAPH <{GRAPH_ONTOLOGY}> {{ ?c a <{OWL}Class> FILTER(STRSTARTS(STR(?c), '{DGB}')) }} "
        f"FILTER NOT EXISTS {{ GRAPH ?g {{ ?x a ?sub }} GRAPH <{GRAPH_ONTOLOGY}> {{ ?sub <{PREFIXES['rdfs']}subClassOf>* ?c }} "
        f"FILTER(?g != <{GRAPH_ONTOLOGY}>) }} }}"
    )
    uninstantiated = [row["c"].value for row in store.query(query)]  # type: ignore[union-attr]
    assert uninstantiated == [DGB + "Concept"]  # the concepts live in the ontology graph itself


# --- the shapes -------------------------------------------------------------------------------------


def test_shapes_target_every_class_of_the_ontology() -> None:
    ontology = rdflib.Graph().parse(ONTOLOGY_DIR / "dragonbear.ttl")
    shapes = rdflib.Graph().parse(default_shapes_path())
    classes = {str(c) for c in ontology.subjects(rdflib.RDF.type, rdflib.OWL.Class) if str(c).startswith(DGB)}
    targeted = {
        str(c)
        for s in shapes.subjects(rdflib.RDF.type, rdflib.URIRef(SH + "NodeShape"))
        for c in shapes.objects(s, rdflib.URIRef(SH + "targetClass"))
    }
    assert DGB + "ArmsTransfer" in classes
    assert classes - targeted == set()


def test_every_concept_scheme_is_enumerated_exactly_by_its_shapes() -> None:
    vocabularies = rdflib.Graph().parse(ONTOLOGY_DIR / "vocabularies.ttl")
    shapes = rdflib.Graph().parse(default_shapes_path())
    listed = {
        (str(shapes.value(ps, rdflib.URIRef(SH + "path"))), str(scheme)): {
            str(c) for c in Collection(shapes, shapes.value(ps, rdflib.URIRef(SH + "in")))
        }
        for ps, scheme in shapes.subject_objects(rdflib.URIRef(SHAPES_NS + "valuesFromScheme"))
    }
    in_scheme = {
        (path, scheme): {str(c) for c in vocabularies.subjects(rdflib.SKOS.inScheme, rdflib.URIRef(scheme))}
        for path, scheme in listed
    }
    schemes = {str(s) for s in vocabularies.subjects(rdflib.RDF.type, rdflib.SKOS.ConceptScheme)}
    assert {scheme for _, scheme in listed} == schemes
    assert listed == in_scheme


# --- what is validated ------------------------------------------------------------------------------


def test_derived_graph_is_not_validated(ontology_ttl: str) -> None:
    derived = (
        f"<https://w3id.org/dragonbear/id/system/su-27> <{DGB}hasVariant> "
        f"<https://w3id.org/dragonbear/id/system/su-27sk> ."
    )
    store = _store(
        ontology_ttl,
        {
            GRAPH_CURATED: (FIXTURES / "valid" / "derivation-j11.ttl").read_text(encoding="utf-8"),
            GRAPH_DERIVED: derived,
        },
    )
    assert validate_store(store).conforms
    forced = validate_store(store, data_graphs=[GRAPH_CURATED, GRAPH_DERIVED])
    assert {v["path"] for v in forced.violations} == {DGB + "hasVariant"}


TURTLE_HEAD = f"""@base <https://w3id.org/dragonbear/id/> . @prefix dgb: <{DGB}> .
@prefix rdfs: <{PREFIXES["rdfs"]}> . @prefix dcterms: <{PREFIXES["dcterms"]}> .
"""
CURATED_PARTIES = (
    TURTLE_HEAD
    + """<state/russia> a dgb:State ; rdfs:label "Russia"@en .
<state/china> a dgb:State ; rdfs:label "China"@en .
<system/su-35> a dgb:SystemModel ; rdfs:label "Su-35"@en ; dgb:category dgb:FighterAircraft .
<source/sipri-at-2024> a dgb:SourceDocument ; dgb:sourceKey "sipri-at-2024" ; dcterms:title "SIPRI"@en .
"""
)
SIPRI_DEAL = (
    TURTLE_HEAD
    + """<transfer/sipri/russia-china-2015-su-35> a dgb:ArmsTransfer ;
    dgb:supplier <state/russia> ; dgb:recipient <state/china> ; dgb:transferredSystem <system/su-35> ;
    dgb:orderYear 2015 ; dgb:hasAttestation <transfer/sipri/russia-china-2015-su-35#att-sipri-at-2024> .
<transfer/sipri/russia-china-2015-su-35#att-sipri-at-2024> a dgb:Attestation ;
    dgb:source <source/sipri-at-2024> ; dgb:stance dgb:Asserts .
"""
)


@pytest.mark.slow
def test_validation_resolves_references_across_data_graphs(ontology_ttl: str) -> None:
    store = _store(ontology_ttl, {GRAPH_CURATED: CURATED_PARTIES, GRAPH_SIPRI: SIPRI_DEAL})
    assert validate_store(store).conforms
    alone = validate_store(store, data_graphs=[GRAPH_SIPRI])
    assert {(v["path"].removeprefix(DGB), v["constraint"].removeprefix(SH)) for v in alone.violations} == {
        (p, "ClassConstraintComponent") for p in ("supplier", "recipient", "transferredSystem", "source")
    }


def test_triple_stated_in_two_graphs_counts_once(ontology_ttl: str) -> None:
    store = _store(ontology_ttl, {GRAPH_CURATED: CURATED_PARTIES + SIPRI_DEAL, GRAPH_SIPRI: SIPRI_DEAL})
    assert validate_store(store).conforms


# --- undeclared terms -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", _params(VALID))
def test_valid_fixture_uses_only_declared_terms(path: Path, ontology_ttl: str) -> None:
    store = _store(ontology_ttl, {GRAPH_CURATED: path.read_text(encoding="utf-8")})
    assert undeclared_terms(store, data_graphs=[GRAPH_CURATED], ontology_graphs=[GRAPH_ONTOLOGY]) == []


@pytest.mark.parametrize(
    ("triple", "undeclared"),
    [
        pytest.param(f'<{DGB}exportLicenceNumber> "RU-2015-17"', DGB + "exportLicenceNumber", id="made-up-predicate"),
        pytest.param(f"a <{DGB}Frigate>", DGB + "Frigate", id="concept-used-as-class"),
        pytest.param(
            f"<{DGB}Agent> <https://w3id.org/dragonbear/id/state/china>", DGB + "Agent", id="class-used-as-predicate"
        ),
        pytest.param('<https://schema.org/name> "Su-35"', None, id="standard-vocabulary"),
    ],
)
def test_undeclared_terms_finds_terms_the_ontology_does_not_declare(
    triple: str, undeclared: str | None, ontology_ttl: str
) -> None:
    data = f"<https://w3id.org/dragonbear/id/system/su-35> a <{DGB}SystemModel> ; {triple} ."
    store = _store(ontology_ttl, {GRAPH_CURATED: data})
    found = undeclared_terms(store, data_graphs=[GRAPH_CURATED], ontology_graphs=[GRAPH_ONTOLOGY])
    assert found == ([undeclared] if undeclared else [])


# --- the compiler -----------------------------------------------------------------------------------

SHAPE_PREFIXES = f"""@prefix sh: <{SH}> . @prefix dgb: <{DGB}> . @prefix ex: <https://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""


@pytest.mark.parametrize(
    ("shape", "component"),
    [
        pytest.param("ex:S a sh:NodeShape ; sh:targetClass dgb:State ; sh:closed true .", "closed", id="closed"),
        pytest.param(
            "ex:S a sh:NodeShape ; sh:targetClass dgb:State ; sh:property [ sh:path dgb:sipriName ; "
            "sh:qualifiedValueShape [ sh:datatype xsd:string ] ; sh:qualifiedMinCount 1 ] .",
            "qualifiedMinCount",
            id="qualified-value-shape",
        ),
        pytest.param(
            "ex:S a sh:NodeShape ; sh:targetClass dgb:State ; sh:property [ sh:path dgb:sipriName ; "
            "sh:xone ( [ sh:datatype xsd:string ] [ sh:nodeKind sh:IRI ] ) ] .",
            "xone",
            id="xone",
        ),
        pytest.param(
            "ex:S a sh:NodeShape ; sh:targetClass dgb:State ; sh:property [ sh:path dgb:sipriName ; "
            "sh:equals dgb:note ] .",
            "equals",
            id="equals",
        ),
        pytest.param(
            "ex:S a sh:NodeShape ; sh:targetClass dgb:State ; "
            "sh:or ( [ sh:path dgb:sipriName ; sh:minCount 1 ] [ sh:path dgb:note ; sh:minCount 1 ] ) .",
            "property",
            id="or-of-property-shapes",
        ),
        pytest.param(
            "ex:S a sh:NodeShape ; sh:targetClass dgb:State ; sh:property [ sh:path dgb:basedIn ; "
            "sh:property [ sh:path dgb:sipriName ; sh:minCount 1 ] ] .",
            "property",
            id="nested-property-shape",
        ),
        pytest.param(
            "ex:S a sh:NodeShape , rdfs:Class ; sh:property [ sh:path dgb:sipriName ; sh:minCount 1 ] .",
            "targetClass",
            id="implicit-class-target",
        ),
    ],
)
def test_unsupported_constraint_raises(shape: str, component: str, tmp_path: Path, ontology_ttl: str) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(SHAPE_PREFIXES + shape, encoding="utf-8")
    with pytest.raises(LoadError, match=f"sh:{component}"):
        validate_store(_store(ontology_ttl, {GRAPH_CURATED: ""}), shapes_path=shapes)


DATA = f"""@prefix dgb: <{DGB}> . @prefix ex: <https://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:russia a dgb:State ; rdfs:label "Russia"@en ; dgb:sipriName "Russia" ; dgb:basedIn ex:china .
ex:china a dgb:State ; rdfs:label "China"@en ; dgb:sipriName "china" , "PRC" .
ex:deal a dgb:ArmsTransfer ; dgb:supplier ex:russia ; dgb:recipient ex:china ; dgb:orderYear 2015 ;
    dgb:deliveryStartYear 2015 ; dgb:tivPerUnit 50.0 .
ex:old-deal a dgb:ArmsTransfer ; dgb:supplier ex:russia ; dgb:orderYear 1992 ; dgb:deliveryStartYear 1991 .
"""


@pytest.mark.parametrize(
    ("shape", "component"),
    [
        pytest.param(
            'ex:S sh:targetNode ex:china ; sh:property [ sh:path dgb:sipriName ; sh:hasValue "China" ] .',
            "HasValue",
            id="has-value-target-node",
        ),
        pytest.param(
            'ex:S sh:targetClass dgb:State ; sh:property [ sh:path dgb:sipriName ; sh:pattern "^[A-Z]" ] .',
            "Pattern",
            id="pattern",
        ),
        pytest.param(
            "ex:S sh:targetClass dgb:State ; sh:property [ sh:path dgb:sipriName ; "
            'sh:pattern "^russia|china$" ; sh:flags "i" ] .',
            "Pattern",
            id="pattern-with-flags",
        ),
        pytest.param(
            "ex:S sh:targetClass dgb:State ; sh:property [ sh:path dgb:sipriName ; sh:maxLength 3 ] .",
            "MaxLength",
            id="max-length",
        ),
        pytest.param(
            "ex:S sh:targetObjectsOf dgb:supplier ; sh:property [ sh:path [ sh:inversePath dgb:recipient ] ; "
            "sh:minCount 1 ] .",
            "MinCount",
            id="inverse-path-target-objects-of",
        ),
        pytest.param(
            "ex:S sh:targetClass dgb:ArmsTransfer ; sh:property [ sh:path dgb:orderYear ; "
            "sh:lessThan dgb:deliveryStartYear ] .",
            "LessThan",
            id="less-than",
        ),
        pytest.param(
            "ex:S sh:targetClass dgb:ArmsTransfer ; sh:property [ sh:path dgb:orderYear ; "
            "sh:minExclusive 1991 ; sh:maxExclusive 2015 ] .",
            "MaxExclusive",
            id="exclusive-bounds",
        ),
        pytest.param(
            "ex:S sh:targetClass dgb:ArmsTransfer ; sh:property [ sh:path ( dgb:recipient dgb:basedIn ) ; "
            "sh:minCount 1 ] .",
            "MinCount",
            id="sequence-path",
        ),
        pytest.param(
            "ex:S sh:targetClass dgb:ArmsTransfer ; sh:property [ sh:path dgb:supplier ; "
            "sh:node ex:Named ] . ex:Named sh:class dgb:State ; sh:nodeKind sh:BlankNode .",
            "Node",
            id="node",
        ),
        pytest.param(
            "ex:S sh:targetSubjectsOf dgb:basedIn ; sh:class dgb:Organization .", "Class", id="node-shape-class"
        ),
    ],
)
@pytest.mark.slow  # pySHACL, the reference engine
def test_validator_agrees_with_pyshacl_on_other_components(
    shape: str, component: str, tmp_path: Path, ontology_ttl: str
) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(SHAPE_PREFIXES + shape, encoding="utf-8")
    ours = validate_store(_store(ontology_ttl, {GRAPH_CURATED: DATA}), shapes_path=shapes)
    reference = validate_with_pyshacl(DATA, shapes_path=shapes, ontology_ttl=ontology_ttl)
    assert f"{SH}{component}ConstraintComponent" in {v["constraint"] for v in ours.violations}
    assert _keys(ours) == _keys(reference)


def test_deactivated_shape_is_skipped(tmp_path: Path, ontology_ttl: str) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        SHAPE_PREFIXES + "ex:S sh:targetClass dgb:State ; sh:deactivated true ; "
        "sh:property [ sh:path dgb:note ; sh:minCount 1 ] .",
        encoding="utf-8",
    )
    assert validate_store(_store(ontology_ttl, {GRAPH_CURATED: DATA}), shapes_path=shapes).conforms


def test_unparsable_shapes_raise_load_error(tmp_path: Path, ontology_ttl: str) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("ex:S a sh:NodeShape", encoding="utf-8")
    with pytest.raises(LoadError, match=r"shapes\.ttl"):
        validate_store(_store(ontology_ttl, {GRAPH_CURATED: DATA}), shapes_path=shapes)


# --- the report -------------------------------------------------------------------------------------


def test_report_text_names_focus_path_and_truncates(ontology_ttl: str) -> None:
    turtle = (FIXTURES / "invalid" / "transfer-without-attestation.ttl").read_text(encoding="utf-8")
    report = validate_store(_store(ontology_ttl, {GRAPH_CURATED: turtle}))
    text = report.text()
    assert "https://w3id.org/dragonbear/id/transfer/sipri/russia-china-2015-su-35:" in text
    assert "dgb:hasAttestation" in text
    doubled = ValidationReport(False, report.violations * 3)
    assert doubled.text(limit=2).endswith("... and 1 more")


def test_raise_for_violations_carries_the_violations(ontology_ttl: str) -> None:
    turtle = (FIXTURES / "invalid" / "owl-same-as.ttl").read_text(encoding="utf-8")
    report = validate_store(_store(ontology_ttl, {GRAPH_CURATED: turtle}))
    with pytest.raises(ValidationError) as caught:
        report.raise_for_violations()
    assert caught.value.violations == report.violations
    ValidationReport(True, []).raise_for_violations()
