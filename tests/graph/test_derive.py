"""Materialization of the derived graph on the real curated facts."""

from __future__ import annotations

import pytest

from dragonbear import shipped_data
from dragonbear.graph.derive import materialize
from dragonbear.graph.store import EmbeddedStore
from dragonbear.loaders.curated import load_curated
from dragonbear.namespaces import GRAPH_DERIVED
from dragonbear.pipeline.build import load_ontology


@pytest.fixture()
def curated_store() -> EmbeddedStore:
    store = EmbeddedStore.open(None)
    load_ontology(store)
    store.extend(load_curated(shipped_data("curated")).quads)
    return store


@pytest.fixture(scope="module")
def materialized() -> EmbeddedStore:
    """The curated facts with their derived graph, materialized once for the checks that only read it."""
    store = EmbeddedStore.open(None)
    load_ontology(store)
    store.extend(load_curated(shipped_data("curated")).quads)
    materialize(store)
    return store


def ask(store: EmbeddedStore, body: str) -> bool:
    return bool(store.query(f"ASK {{ GRAPH <{GRAPH_DERIVED}> {{ {body} }} }}"))


@pytest.mark.parametrize(
    "triple",
    [
        pytest.param("system:j-11 dgb:licensedProductionOf system:su-27sk", id="shortcut-from-derivation"),
        pytest.param("system:j-11 dgb:derivedFrom system:su-27sk", id="super-property"),
        pytest.param("system:j-15 dgb:technologyAncestor system:su-27", id="transitive-closure"),
        pytest.param("system:su-27 dgb:technologyDescendant system:j-15", id="inverse-of-closure"),
        pytest.param("system:su-27 dgb:hasVariant system:su-27sk", id="inverse"),
        pytest.param("system:project-21631 dgb:usesComponent system:chd622v20", id="fit-shortcut"),
        pytest.param("event:eu-arms-embargo-2014 a dgb:GeopoliticalEvent", id="super-class"),
        pytest.param("org:russian-helicopters dgb:withinGroupOf org:rostec", id="group"),
    ],
)
def test_materialize_derives(materialized: EmbeddedStore, triple: str) -> None:
    assert ask(materialized, triple)


def test_deprecated_statements_never_become_shortcuts(curated_store: EmbeddedStore) -> None:
    curated_store.update(
        "INSERT DATA { GRAPH <https://w3id.org/dragonbear/graph/curated> { "
        "derivation:hq-9-modeled-after-s-300 dgb:rank dgb:DeprecatedRank } }"
    )
    materialize(curated_store)
    assert not ask(curated_store, "system:hq-9 dgb:modeledAfter system:s-300")


def test_closure_too_large_is_skipped_and_reported(curated_store: EmbeddedStore) -> None:
    report = materialize(curated_store, max_closure=5)
    assert "https://w3id.org/dragonbear/ontology#technologyAncestor" in report.skipped_closures
    assert not ask(curated_store, "system:j-15 dgb:technologyAncestor system:su-27")
    # the direct super-property triples are still there, so a property path answers the question
    assert curated_store.query("ASK { system:j-15 dgb:technologyAncestor+ system:su-27 }")
