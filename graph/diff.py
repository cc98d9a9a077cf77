"""Compare two releases of the graph: statements added, removed and changed, by kind and by source.

Each side is a store directory or an N-Quads dump (``.nq``, ``.nq.gz``, as ``dragonbear export``
writes). A *statement* is a node of a statement class (claim, reported figure, derivation, component
fit, arms transfer, exercise, event, a place's coordinates); it *changed* when its own triples or its attestations' triples
differ between the two sides. The derived graph is left out: it follows from the rest.

>>> Change("claims", "added", "https://w3id.org/dragonbear/id/claim/x", ("vonessen-2025",)).kind
'claims'
"""

from __future__ import annotations

import gzip
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from dragonbear.errors import UsageError
from dragonbear.graph.store import open_store
from dragonbear.namespaces import DGB, GRAPH_DERIVED, RDF

__all__ = ["Change", "ReleaseDiff", "diff_releases", "read_side"]

_KINDS = (
    ("Claim", "claims"),
    ("ReportedFigure", "figures"),
    ("MilitaryActivity", "exercises"),
    ("Event", "events"),
    ("Derivation", "derivations"),
    ("ComponentFit", "dependencies"),
    ("ArmsTransfer", "transfers"),
    ("Coordinates", "coordinates"),
)
_TYPE, _ATT, _SOURCE, _KEY = RDF + "type", DGB + "hasAttestation", DGB + "source", DGB + "sourceKey"


@dataclass(frozen=True)
class Change:
    """One statement added, removed or changed, with the keys of the sources that attest it."""

    kind: str
    change: str  # added, removed, changed
    statement: str
    sources: tuple[str, ...]


@dataclass
class ReleaseDiff:
    """The changes between two sides, and their counts by kind and by source."""

    changes: list[Change] = field(default_factory=list)

    def counts(self, by: str) -> dict[str, Counter[str]]:
        """``{kind or source: Counter(added=, removed=, changed=)}``; ``by`` is ``kind`` or ``source``."""
        out: dict[str, Counter[str]] = defaultdict(Counter)
        for change in self.changes:
            for key in (change.kind,) if by == "kind" else change.sources or ("(no source)",):
                out[key][change.change] += 1
        return dict(sorted(out.items()))

    def table(self) -> str:
        """Two tables, by kind and by source, as text."""
        lines: list[str] = []
        for by in ("kind", "source"):
            lines.append(f"{by:<40} {'added':>8} {'removed':>8} {'changed':>8}")
            for key, counter in self.counts(by).items():
                lines.append(f"{key:<40} {counter['added']:>8,} {counter['removed']:>8,} {counter['changed']:>8,}")
            lines.append("")
        return "\n".join(lines)

    def as_json(self) -> dict[str, object]:
        """The counts and every change, for ``--format json``."""
        return {
            "by_kind": {k: dict(v) for k, v in self.counts("kind").items()},
            "by_source": {k: dict(v) for k, v in self.counts("source").items()},
            "changes": [change.__dict__ for change in self.changes],
        }


def read_side(path: Path) -> list[ox.Quad]:
    """The quads of a store directory or an N-Quads dump, without the derived graph.

    Raises:
        UsageError: the path is neither.
    """
    derived = ox.NamedNode(GRAPH_DERIVED)
    if path.is_dir():
        store = open_store(path, read_only=True)
        return [q for q in store.quads() if q.graph_name != derived]
    if not path.is_file():
        raise UsageError(f"{path} is neither a store directory nor an N-Quads file")
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as handle:
            return [q for q in ox.parse(handle, format=ox.RdfFormat.N_QUADS) if q.graph_name != derived]  # type: ignore[arg-type]
    except (OSError, SyntaxError) as exc:
        raise UsageError(f"cannot read {path} as N-Quads: {exc}") from exc


def _index(quads: Iterable[ox.Quad]) -> tuple[dict[str, set[tuple[str, str]]], dict[str, str], dict[str, set[str]]]:
    """Triples by subject, the kind of each statement, and the attestations of each statement."""
    by_subject: dict[str, set[tuple[str, str]]] = defaultdict(set)
    types: dict[str, set[str]] = defaultdict(set)
    attestations: dict[str, set[str]] = defaultdict(set)
    for quad in quads:
        subject = quad.subject.value  # type: ignore[union-attr]
        by_subject[subject].add((quad.predicate.value, str(quad.object)))
        if quad.predicate.value == _TYPE:
            types[subject].add(quad.object.value)  # type: ignore[union-attr]
        elif quad.predicate.value == _ATT:
            attestations[subject].add(quad.object.value)  # type: ignore[union-attr]
    kinds = {}
    for subject, classes in types.items():
        for cls, kind in _KINDS:
            if DGB + cls in classes or (
                cls == "Event"
                and any(
                    c.startswith(DGB)
                    and c.endswith(("Annexation", "Invasion", "SanctionsAction", "Agreement", "GeopoliticalEvent"))
                    for c in classes
                )
            ):
                kinds[subject] = kind
                break
    return by_subject, kinds, attestations


def diff_releases(old: list[ox.Quad], new: list[ox.Quad]) -> ReleaseDiff:
    """The statements added, removed and changed from ``old`` to ``new``."""
    old_triples, old_kinds, old_atts = _index(old)
    new_triples, new_kinds, new_atts = _index(new)

    def content(triples: dict[str, set[tuple[str, str]]], atts: dict[str, set[str]], s: str) -> frozenset[object]:
        return frozenset(triples.get(s, set())) | frozenset(
            (a, frozenset(triples.get(a, set()))) for a in atts.get(s, ())
        )

    def sources(triples: dict[str, set[tuple[str, str]]], atts: dict[str, set[str]], s: str) -> tuple[str, ...]:
        docs = {o for a in atts.get(s, ()) for p, o in triples.get(a, ()) if p == _SOURCE}
        keys = {o.strip('"') for d in docs for p, o in triples.get(d.strip("<>"), ()) if p == _KEY}
        return tuple(sorted(keys or {d.strip("<>").rsplit("/", 1)[-1] for d in docs}))

    out = ReleaseDiff()
    for statement in sorted(set(old_kinds) | set(new_kinds)):
        if statement not in old_kinds:
            out.changes.append(
                Change(new_kinds[statement], "added", statement, sources(new_triples, new_atts, statement))
            )
        elif statement not in new_kinds:
            out.changes.append(
                Change(old_kinds[statement], "removed", statement, sources(old_triples, old_atts, statement))
            )
        elif content(old_triples, old_atts, statement) != content(new_triples, new_atts, statement):
            out.changes.append(
                Change(new_kinds[statement], "changed", statement, sources(new_triples, new_atts, statement))
            )
    return out
