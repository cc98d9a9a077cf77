"""Import what Wikidata says about our linked entities into a named graph of its own.

Only items that an entity of ours links to with ``skos:exactMatch`` are read (the others are
counted and skipped). Of each one the loader imports, into :data:`~dragonbear.namespaces.GRAPH_WIKIDATA`:

* its labels and aliases in Russian and Chinese, as ``skos:altLabel`` of our entity (names it
  already has are not repeated);
* based on (P144) and derivative work (P4969) as a ``dgb:Derivation`` of kind ``dgb:DerivedDesign``,
  only when both ends are linked entities of ours (otherwise skipped and counted);
* manufacturer (P176), country of origin (P495), operator (P137) and service entry (P729, with its
  precision as the datatype) as ``dgb:Claim`` nodes.

Every statement carries the Wikidata rank, confidence 0.5 (below the curated facts') and one
attestation per item revision read, whose source document records the item, its ``modified``
date, its revision (``lastrevid``) and the file it came from. Where Wikidata disagrees with a
curated fact (country of origin, manufacturer, service entry, a based-on link the curated
derivations contradict) a ``dgb:Conflict`` records both sides; nothing is resolved.

The load (:func:`dragonbear.pipeline.wikidata.replace_wikidata`) is all or nothing: a new store generation is built without the
old Wikidata graph, validated with SHACL and swapped in, so a reload replaces the earlier import.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from dragonbear.loaders.contract import Loaded
from dragonbear.loaders.wikidata_context import LinkContext
from dragonbear.loaders.wikidata_formats import IMPORTED_PROPERTIES, ItemRecord, ItemValue, read_wikidata_file
from dragonbear.loaders.wikidata_statements import StatementWriter

__all__ = ["WikidataReport", "convert_wikidata"]


@dataclass
class WikidataReport:
    """What an import read, imported and skipped."""

    files: list[tuple[str, int]] = field(default_factory=list)
    items_read: int = 0
    unlinked_items: int = 0
    ambiguous_items: list[str] = field(default_factory=list)
    superseded: int = 0
    imported_items: list[str] = field(default_factory=list)
    names: int = 0
    statements: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    conflicts: list[str] = field(default_factory=list)

    def text(self) -> str:
        """The report as a human reads it."""
        lines = [f"Wikidata files: {len(self.files)}"]
        lines += [f"  {name}: {count} items" for name, count in self.files]
        lines.append(
            f"Items read: {self.items_read}; imported (linked by skos:exactMatch): "
            f"{len(self.imported_items)} ({', '.join(self.imported_items) or '-'})"
        )
        lines.append(
            f"Items skipped: {self.unlinked_items} not linked to an entity of ours, "
            f"{self.superseded} older revisions of an item read twice"
        )
        if self.ambiguous_items:
            lines.append(f"  linked to more than one entity (skipped): {', '.join(self.ambiguous_items)}")
        lines.append(f"Names added (ru, zh): {self.names}")
        lines.append(
            "Statements: "
            + (", ".join(f"{IMPORTED_PROPERTIES[p]} ({p}) {n}" for p, n in sorted(self.statements.items())) or "none")
        )
        if self.skipped:
            lines.append("Values skipped: " + ", ".join(f"{reason} {n}" for reason, n in sorted(self.skipped.items())))
        lines.append(f"Conflicts with the curated facts: {len(self.conflicts)}")
        lines += [f"  {c}" for c in self.conflicts]
        return "\n".join(lines)


def convert_wikidata(files: list[Path], context: LinkContext) -> Loaded[WikidataReport]:
    """Read Wikidata files and turn what they say about our linked entities into quads.

    Args:
        files: entity JSON, dump-lines or SPARQL JSON results files (gzip or not), in any mix.
        context: the links and curated facts of the graph receiving the import.

    Returns:
        The quads (all in :data:`GRAPH_WIKIDATA`) and the report.

    Raises:
        LoadError: a file cannot be read or parsed (with its line and column).
    """
    report = WikidataReport()
    chosen: dict[str, ItemRecord] = {}
    for path in files:
        count = 0
        for item in read_wikidata_file(Path(path)):
            count += 1
            if not context.entities_of.get(item.qid):
                report.unlinked_items += 1
                continue
            if context.entity_of(item.qid) is None:
                if item.qid not in report.ambiguous_items:
                    report.ambiguous_items.append(item.qid)
                continue
            earlier = chosen.get(item.qid)
            if earlier is not None:
                report.superseded += 1
                if (item.revision or -1) <= (earlier.revision or -1):
                    continue
            chosen[item.qid] = item
        report.files.append((Path(path).name, count))
        report.items_read += count
    writer = StatementWriter(context)
    for qid in sorted(chosen, key=lambda q: int(q[1:])):
        item = chosen[qid]
        entity = context.entity_of(qid)
        assert entity is not None
        report.imported_items.append(qid)
        source = writer.source(item)
        report.names += writer.names(entity, item)
        for pid, n in item.skipped_values.items():
            report.skipped[f"no usable value ({pid})"] += n
        for value in item.values:
            _write_value(writer, report, entity, item, value, source)
    report.conflicts = writer.conflicts()
    return Loaded(writer.quads, report)


def _write_value(
    writer: StatementWriter,
    report: WikidataReport,
    entity: str,
    item: ItemRecord,
    value: ItemValue,
    source: ox.NamedNode,
) -> None:
    pid = value.pid
    if pid in ("P144", "P4969"):
        other = writer.context.entity_of(value.qid) if value.qid else None
        if other is None:
            report.skipped[f"{IMPORTED_PROPERTIES[pid]} ({pid}) to an item not linked to ours"] += 1
            return
        derived, origin = (entity, other) if pid == "P144" else (other, entity)
        writer.derivation(derived, origin, item, value, source)
    elif pid == "P729":
        if not writer.service_entry(entity, item, value, source):
            report.skipped["service entry (P729) without a year, month or day precision"] += 1
            return
    else:
        writer.claim(entity, item, value, source)
    report.statements[pid] += 1
