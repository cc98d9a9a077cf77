"""Statistics of a built store: triples per named graph, entities per class, conflicts, the lineage network."""

from __future__ import annotations

from dragonbear.graph.store import GraphStore
from dragonbear.loaders.sipri_comments import read_comment
from dragonbear.loaders.sipri_relations import MENTIONS
from dragonbear.namespaces import DGB, GRAPH_DERIVED, ID
from dragonbear.pipeline.build import list_conflicts

__all__ = ["missed_comments", "network_stats", "store_stats"]

_EDGES = f"""
SELECT ?a ?b ?kind WHERE {{
  {{ ?d dgb:derivedSystem ?a ; dgb:sourceSystem ?b ; dgb:derivationKind ?k .
     FILTER NOT EXISTS {{ ?d dgb:rank dgb:DeprecatedRank }}
     BIND(CONCAT("derivation: ", STRAFTER(STR(?k), STR(dgb:))) AS ?kind) }}
  UNION {{ GRAPH ?g {{ ?a dgb:variantOf ?b }} FILTER(?g != <{GRAPH_DERIVED}>) BIND("variant" AS ?kind) }}
  UNION {{ ?f dgb:platform ?a ; dgb:component ?b . FILTER NOT EXISTS {{ ?f dgb:rank dgb:DeprecatedRank }}
           BIND("component fit" AS ?kind) }}
}}"""


def network_stats(store: GraphStore) -> list[str]:
    """The lineage and dependency network: systems linked, edges per kind, longest chain, largest component.

    The longest chain follows derivations and variants (what a system came from) as a simple path; the
    largest connected component joins systems by any lineage or dependency edge.
    """
    import networkx as nx

    edges: dict[str, set[tuple[str, str]]] = {}
    for row in store.select(_EDGES):
        edges.setdefault(row["kind"].value, set()).add((row["a"].value, row["b"].value))
    lines = ["Lineage and dependency network:"]
    every: nx.Graph[str] = nx.Graph()
    lineage: nx.DiGraph[str] = nx.DiGraph()
    for kind, pairs in sorted(edges.items()):
        lines.append(f"  {kind:<40} {len(pairs):>7,} edges")
        every.add_edges_from(pairs)
        if kind != "component fit":
            lineage.add_edges_from(pairs)
    lines.append(f"  {'systems with a lineage or dependency link':<40} {every.number_of_nodes():>7,}")
    lines.append(f"  {'systems with a lineage link':<40} {lineage.number_of_nodes():>7,}")
    condensed = nx.condensation(lineage) if lineage.number_of_nodes() else nx.DiGraph()
    chain = nx.dag_longest_path_length(condensed) if condensed.number_of_nodes() else 0
    lines.append(f"  {'longest lineage chain (steps)':<40} {chain:>7,}")
    largest = max((len(c) for c in nx.connected_components(every)), default=0)
    lines.append(f"  {'largest connected component (systems)':<40} {largest:>7,}")
    return lines


def missed_comments(store: GraphStore) -> list[str]:
    """SIPRI comments that mention "for", "licence", "copy" or "kits" but gave the reader nothing."""
    rows = store.query("""SELECT ?label ?c ?r ?s ?d WHERE { ?t dgb:sipriComment ?c ; rdfs:label ?label ;
                            dgb:sipriDesignation ?d ; dgb:recipient/dgb:sipriName ?r ; dgb:supplier/dgb:sipriName ?s }
                          ORDER BY ?label""")
    out = []
    for row in rows:  # type: ignore[union-attr]
        comment = row["c"].value
        if MENTIONS.search(comment) and not read_comment(
            comment, recipient=row["r"].value, supplier=row["s"].value, designation=row["d"].value
        ):
            out.append(f"{row['label'].value}: {comment}")
    return out


def store_stats(store: GraphStore, label: str, *, unmapped: bool = False, missed: bool = False) -> str:
    """A text report on ``store``.

    Args:
        store: the graph (the embedded store or a SPARQL server).
        label: the store as the user named it (its directory or address).
        unmapped: also list every SIPRI designation that has no mapping to a curated system.
        missed: also list every SIPRI comment that mentions "for", "licence", "copy" or "kits" but gave
            the comment reader no relation.
    """
    from dragonbear.graph.dataset import store_release

    lines = [
        f"Store: {label}",
        f"Data release: {store_release(store) or 'not recorded (built before releases)'}",
        "Triples per named graph:",
    ]
    total = 0
    for row in store.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"):
        n = int(row["n"].value)
        total += n
        lines.append(f"  {row['g'].value:<55} {n:>9,}")
    lines.append(f"  {'total':<55} {total:>9,}")
    lines.append("Instances per class:")
    classes = store.select("""SELECT ?c (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?c FILTER(STRSTARTS(STR(?c), STR(dgb:))) }
                          GROUP BY ?c ORDER BY DESC(?n)""")
    for row in classes:
        lines.append(f"  dgb:{row['c'].value[len(DGB) :]:<30} {int(row['n'].value):>7,}")
    conflicts = list_conflicts(store)
    lines.append(f"Conflicts between sources: {len(conflicts)}")
    lines += [f"  {c['concerns']}: {c['aspect']} — {c['sides']}" for c in conflicts]
    rows = list(
        store.select(f"""SELECT ?d (COUNT(?t) AS ?n) WHERE {{
                                 ?s dgb:sipriDesignation ?d FILTER(STRSTARTS(STR(?s), "{ID}system/sipri/"))
                                 OPTIONAL {{ ?t dgb:transferredSystem ?s }} }} GROUP BY ?d ORDER BY DESC(?n) ?d""")
    )
    lines.append(f"Unmapped SIPRI designations (systems of their own): {len(rows)}")
    if unmapped:
        lines += [f"  {r['d'].value} ({r['n'].value} deals)" for r in rows]
    lines += network_stats(store)
    if missed:
        comments = missed_comments(store)
        lines.append(f"SIPRI comments that mention for/licence/copy/kits but gave no relation: {len(comments)}")
        lines += [f"  {line}" for line in comments]
    return "\n".join(lines)
