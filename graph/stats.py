"""Statistics of a built store: triples per named graph, entities per class, conflicts."""

from __future__ import annotations

from pathlib import Path

from dragonbear.graph.build import list_conflicts
from dragonbear.graph.store import open_store
from dragonbear.namespaces import DGB, ID

__all__ = ["store_stats"]


def store_stats(store_dir: Path, *, unmapped: bool = False) -> str:
    """A text report on the store in ``store_dir``.

    Args:
        unmapped: also list every SIPRI designation that has no mapping to a curated system.
    """
    store = open_store(store_dir, read_only=True)
    lines = [f"Store: {store_dir}", "Triples per named graph:"]
    total = 0
    for row in store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"):
        n = int(row["n"].value)  # type: ignore[index]
        total += n
        lines.append(f"  {row['g'].value:<55} {n:>9,}")  # type: ignore[index]
    lines.append(f"  {'total':<55} {total:>9,}")
    lines.append("Instances per class:")
    rows = store.query("""SELECT ?c (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?c FILTER(STRSTARTS(STR(?c), STR(dgb:))) }
                          GROUP BY ?c ORDER BY DESC(?n)""")
    for row in rows:  # type: ignore[union-attr]
        lines.append(f"  dgb:{row['c'].value[len(DGB):]:<30} {int(row['n'].value):>7,}")
    conflicts = list_conflicts(store)
    lines.append(f"Conflicts between sources: {len(conflicts)}")
    lines += [f"  {c['concerns']}: {c['aspect']} — {c['sides']}" for c in conflicts]
    rows = list(store.query(f"""SELECT ?d (COUNT(?t) AS ?n) WHERE {{
                                 ?s dgb:sipriDesignation ?d FILTER(STRSTARTS(STR(?s), "{ID}system/sipri/"))
                                 OPTIONAL {{ ?t dgb:transferredSystem ?s }} }} GROUP BY ?d ORDER BY DESC(?n) ?d"""))
    lines.append(f"Unmapped SIPRI designations (systems of their own): {len(rows)}")
    if unmapped:
        lines += [f"  {r['d'].value} ({r['n'].value} deals)" for r in rows]  # type: ignore[index]
    return "\n".join(lines)
