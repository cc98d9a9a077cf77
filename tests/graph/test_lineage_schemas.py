"""The lineage exports validate against their formats' XML schemas: GEXF 1.3 and GraphML 1.0.

The schemas are vendored in ``tests/data/xsd`` (see its README for their sources and licences) and
read offline with ``xmlschema``; the lineages are those of the small built store: derivations,
variants, component fits and transfers, with states and organizations among the nodes.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
import xmlschema

from dragonbear.graph.lineage import Direction, lineage_subgraph, lineage_view
from dragonbear.graph.lineage_export import ExportFormat, export_lineage
from dragonbear.graph.store import EmbeddedStore

XSD = Path(__file__).parents[1] / "data" / "xsd"
GRAPHML_SITE = "http://graphml.graphdrawing.org/xmlns/1.0/"
ID = "https://w3id.org/dragonbear/id/"
LINEAGES = [
    pytest.param("system/j-11", Direction.BOTH, id="j-11"),  # licensed production, variants, licensor
    pytest.param("system/project-21631", Direction.UP, id="project-21631"),  # component fits with periods
    pytest.param("state/china", Direction.UP, id="china", marks=pytest.mark.slow),  # transfers: units, TIV, suppliers
]


@pytest.fixture(scope="module")
def schemas() -> dict[ExportFormat, xmlschema.XMLSchema]:
    graphml = xmlschema.XMLSchema(
        XSD / "graphml-1.0" / "graphml.xsd",
        uri_mapper={
            GRAPHML_SITE + name: str(XSD / "graphml-1.0" / name) for name in ("graphml-structure.xsd", "xlink.xsd")
        },
        allow="local",  # never the network
    )
    gexf = xmlschema.XMLSchema(XSD / "gexf-1.3" / "gexf.xsd", allow="local")
    return {ExportFormat.GRAPHML: graphml, ExportFormat.GEXF: gexf}


@pytest.fixture(scope="module")
def view(store: EmbeddedStore) -> nx.MultiDiGraph:
    return lineage_view(store)


@pytest.mark.parametrize("fmt", [ExportFormat.GEXF, ExportFormat.GRAPHML])
@pytest.mark.parametrize(("entity", "direction"), LINEAGES)
def test_lineage_export_validates_against_its_schema(
    schemas: dict[ExportFormat, xmlschema.XMLSchema],
    view: nx.MultiDiGraph,
    fmt: ExportFormat,
    entity: str,
    direction: Direction,
) -> None:
    graph = lineage_subgraph(view, ID + entity, direction=direction)
    assert graph.number_of_edges() >= 2
    data = export_lineage(graph, fmt).decode("utf-8")
    errors = [str(e.reason) for e in schemas[fmt].iter_errors(data)]
    assert errors == []
    if fmt is ExportFormat.GEXF:
        assert 'version="1.3"' in data and 'xmlns="http://gexf.net/1.3"' in data


def test_the_schemas_refuse_what_networkx_writes_for_a_lineage(
    schemas: dict[ExportFormat, xmlschema.XMLSchema], view: nx.MultiDiGraph
) -> None:
    """The check has teeth: networkx's GEXF is 1.2draft (with an empty graph name), and its GraphML
    of a lineage keyed by IRIs has ids that are not XML name tokens."""
    import io

    graph = nx.MultiDiGraph(lineage_subgraph(view, ID + "system/j-11", direction=Direction.UP))
    plain = nx.MultiDiGraph()
    plain.add_edges_from((a, b, k) for a, b, k in graph.edges(keys=True))
    for write, fmt in ((nx.write_gexf, ExportFormat.GEXF), (nx.write_graphml, ExportFormat.GRAPHML)):
        out = io.BytesIO()
        write(plain, out)
        assert not schemas[fmt].is_valid(out.getvalue().decode("utf-8")), fmt
